// The API docs page: Swagger UI served from the `swagger-ui-dist` package in node_modules, never from a CDN, so it
// works without internet access; the page's Content-Security-Policy allows nothing from another origin.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';

const ASSETS_PATH = '/docs/assets';

/** Allows this origin only: no CDN, no inline script (the initializer is a file of its own). */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI sets style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

interface Asset {
  body: Buffer | string;
  type: string;
}

function loadAssets(specUrl: string): Map<string, Asset> {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const file = (name: string) => readFileSync(join(dist, name));
  const initializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });
};
`;
  return new Map<string, Asset>([
    ['swagger-ui.css', { body: file('swagger-ui.css'), type: 'text/css; charset=utf-8' }],
    ['swagger-ui-bundle.js', { body: file('swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' }],
    ['favicon-32x32.png', { body: file('favicon-32x32.png'), type: 'image/png' }],
    ['init.js', { body: initializer, type: 'text/javascript; charset=utf-8' }],
  ]);
}

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Personio payroll sync — API</title>
  <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${ASSETS_PATH}/init.js"></script>
</body>
</html>
`;

/** GET /docs and its assets (read once, at start). */
export function registerDocsPage(app: Hono, specUrl: string): void {
  const assets = loadAssets(specUrl);
  app.get('/docs', (c) => {
    c.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    return c.html(page);
  });
  app.get(`${ASSETS_PATH}/:name`, (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    c.header('content-type', asset.type);
    c.header('cache-control', 'public, max-age=3600');
    c.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    return c.body(typeof asset.body === 'string' ? asset.body : new Uint8Array(asset.body));
  });
}
