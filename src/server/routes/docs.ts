import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../env.js';

/*
 * The API reference UI: Swagger UI (swagger-ui-dist, maintained by SmartBear) served from our own
 * node_modules, so a page view fetches nothing from elsewhere. Only the files below are served.
 */

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;
type AssetName = keyof typeof ASSETS;

// Relative URLs, so the page also works behind a reverse proxy that mounts us under a prefix.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null,
  defaultModelsExpandDepth: 0, docExpansion: 'list', tryItOutEnabled: false,
  presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout',
});
`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>semroute API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<style>body{margin:0}</style></head>
<body><div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/assets/init.js"></script></body></html>
`;

/** The assets are read once, on first request (about 2 MB), and kept. */
const cache = new Map<AssetName, Buffer>();
function asset(name: AssetName): Buffer {
  let body = cache.get(name);
  if (body === undefined) {
    const dir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    body = readFileSync(path.join(dir, name));
    cache.set(name, body);
  }
  return body;
}

function isAsset(name: string): name is AssetName {
  return Object.hasOwn(ASSETS, name);
}

/** GET / → /docs, GET /docs, GET /docs/assets/:file and GET /openapi.json. */
export const docsRoutes = (doc: unknown) =>
  new Hono<AppEnv>()
    .get('/', (c) => c.redirect('/docs', 302))
    .get('/openapi.json', (c) => c.json(doc))
    .get('/docs', (c) => c.html(PAGE))
    .get('/docs/assets/:file', (c) => {
      const file = c.req.param('file');
      if (file === 'init.js') return c.body(INIT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' });
      if (!isAsset(file)) throw new AppError('NOT_FOUND', `no docs asset ${file}`);
      return c.body(new Uint8Array(asset(file)), 200, { 'content-type': ASSETS[file], 'cache-control': 'public, max-age=86400' });
    });
