/**
 * A loopback TCP proxy in front of the test database that can be paused: while paused it accepts connections and
 * keeps every socket open but forwards no bytes either way, which is what a hung mongod looks like to a client (a
 * closed port would be refused at once and is a different failure). Resuming delivers what was held, in order.
 */
import net, { type AddressInfo } from 'node:net';

export interface PausableProxy {
  /** The database URI with the proxy's host and port in place of the real server's. */
  uri: string;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startPausableProxy(targetUri: string): Promise<PausableProxy> {
  const target = new URL(targetUri.replace(/^mongodb:/, 'http:'));
  const targetPort = Number(target.port || 27017);
  const targetHost = target.hostname;
  let paused = false;
  const flushers = new Set<() => void>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    const toUpstream: Buffer[] = [];
    const toClient: Buffer[] = [];
    const forward = (from: net.Socket, to: net.Socket, held: Buffer[]) =>
      from.on('data', (chunk) => (paused ? held.push(chunk) : to.write(chunk)));
    forward(client, upstream, toUpstream);
    forward(upstream, client, toClient);
    const flush = () => {
      for (const chunk of toUpstream.splice(0)) upstream.write(chunk);
      for (const chunk of toClient.splice(0)) client.write(chunk);
    };
    flushers.add(flush);
    const end = () => {
      flushers.delete(flush);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const uri = targetUri.replace(/\/\/[^/]+\//, `//127.0.0.1:${port}/`);

  return {
    uri,
    pause: () => void (paused = true),
    resume: () => {
      paused = false;
      for (const flush of flushers) flush();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
