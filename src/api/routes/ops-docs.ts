import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../http/hub-env.js';

const require = createRequire(import.meta.url);
const ASSET_TYPES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

/**
 * GET /openapi.json (generated from the route schemas) and GET /docs (Swagger UI served from swagger-ui-dist,
 * so the page works with no internet access).
 */
export function registerDocs(app: OpenAPIHono<HubEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'API key' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'SmartWealth Hub API',
      version: '0.1.0',
      description: 'Banks, payments, imports/exports, market data and chat for SmartWealth. Money is integer minor units with a currency.',
    },
  });

  const assetDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSET_TYPES[file];
    if (!type) return c.notFound();
    const body = await readFile(path.join(assetDir, file));
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
  app.get('/docs', (c) =>
    c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SmartWealth Hub API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"><noscript>The API description is at <a href="/openapi.json">/openapi.json</a>.</noscript></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });</script>
</body></html>`),
  );
}
