import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { absolutePath } from 'swagger-ui-dist';
import type { OpenApiDocument } from './openapi-document';

export const DOCS_PATH = '/docs';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Sokoul API</title>
    <link rel="stylesheet" href="assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="assets/swagger-ui-bundle.js"></script>
    <script src="init.js"></script>
  </body>
</html>
`;

// A file, not an inline script: helmet's Content-Security-Policy allows same-origin scripts only.
const INIT = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n`;

/**
 * The API reference, public and self-contained (no CDN): `/docs/` is Swagger UI from the
 * bundled swagger-ui-dist, `/docs/openapi.json` the document itself.
 */
export function serveOpenApiDocs(app: NestExpressApplication, document: OpenApiDocument): void {
  const json = JSON.stringify(document);
  app.useStaticAssets(absolutePath(), { prefix: `${DOCS_PATH}/assets/`, index: false, maxAge: '1d' });
  app.use(DOCS_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    switch (request.path) {
      case '/':
        if (!request.originalUrl.split('?')[0].endsWith('/')) return response.redirect(301, `${DOCS_PATH}/`);
        return response.type('html').send(PAGE);
      case '/openapi.json':
        return response.type('json').send(json);
      case '/init.js':
        return response.type('js').send(INIT);
      default:
        return next();
    }
  });
}
