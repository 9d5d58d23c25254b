import { RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';

/** Request bodies above this are refused with 413 before any parsing work is spent on them. */
export const JSON_BODY_LIMIT = '64kb';

/**
 * The gateway's transport surface: the public API under /api/v1 (health and metrics stay at
 * the root, where probes and Prometheus expect them), a bounded JSON body parser, and plain
 * WebSockets (`ws`) for `/ws`.
 */
export function configureGatewayApplication(app: NestExpressApplication): void {
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useWebSocketAdapter(new WsAdapter(app));
}
