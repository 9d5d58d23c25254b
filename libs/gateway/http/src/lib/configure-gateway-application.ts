import { RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import helmet from 'helmet';

/** Where the public API lives; probes and metrics stay at the root, where they are expected. */
export const API_PREFIX = 'api/v1';
export const UNPREFIXED_ROUTES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

/** Request bodies above this are refused with 413 before any parsing work is spent on them. */
export const JSON_BODY_LIMIT = '64kb';

export interface GatewayApplicationOptions {
  /** Browser origins allowed to call the API (CORS); none by default: same-origin only. */
  corsOrigins?: string[];
  /**
   * Which reverse proxies to believe about the client's address (`X-Forwarded-For`): a hop
   * count, or addresses/CIDRs (and Express' names `loopback`, `linklocal`, `uniquelocal`).
   * None by default, so a client cannot pick the IP that rate limits and the audit log see.
   */
  trustProxy?: number | string[];
}

/**
 * The gateway's transport surface: the public API under /api/v1 (health and metrics stay at
 * the root, where probes and Prometheus expect them), security headers (helmet), CORS for the
 * listed origins only, a bounded JSON body parser, and plain WebSockets (`ws`) for `/ws`.
 */
export function configureGatewayApplication(app: NestExpressApplication, options: GatewayApplicationOptions = {}): void {
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  app.use(helmet());
  app.enableCors({
    origin: options.corsOrigins ?? [],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key', 'traceparent'],
    exposedHeaders: ['Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Idempotency-Replayed', 'traceparent'],
    maxAge: 600,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useWebSocketAdapter(new WsAdapter(app));
}
