import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** Serves a simulator's app on loopback (port 0 picks a free one) and gives back its base URL and a stop. */
export async function listen(app: Hono, options: { port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  // A taken port rejects (EADDRINUSE) instead of leaving the start hanging.
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
