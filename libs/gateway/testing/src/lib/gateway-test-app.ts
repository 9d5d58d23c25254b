import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AccessModule } from '@sokoul/gateway/access';
import { ProblemDetailsFilter, configureGatewayApplication } from '@sokoul/gateway/http';
import { MessagingModule } from '@sokoul/messaging';
import { PersistenceModule } from '@sokoul/persistence';
import { RedisModule } from '@sokoul/redis';
import { testEnvironment } from '@sokoul/testing';

type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface GatewayTestAppOptions {
  /** The spec's namespace: Postgres schema, Redis key prefix, NATS subject prefix. */
  namespace: string;
  /** The feature modules under test. */
  imports: ModuleImport[];
  /** Connect to JetStream (features that publish). */
  messaging?: boolean;
}

/** The signing secret of every gateway test app. */
const TEST_JWT_SECRET = 'x'.repeat(40);

/**
 * A gateway application around the features a spec tests, wired as `apps/gateway` wires them:
 * a migrated schema of its own, access tokens, Redis, optionally JetStream, problem+json errors
 * and the gateway's HTTP setup (prefix, helmet, body limit).
 */
export async function startGatewayTestApp(options: GatewayTestAppOptions): Promise<NestExpressApplication> {
  const { namespace } = options;
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ url: testEnvironment.TEST_DATABASE_URL, schema: namespace, poolSize: 5, applicationName: 'spec', migrateOnStart: true }),
      AccessModule.forRoot({ jwtSecret: TEST_JWT_SECRET, accessTokenTtlSeconds: 900, issuer: 'sokoul', audience: 'sokoul-api' }),
      RedisModule.forRoot({ url: testEnvironment.REDIS_URL, keyPrefix: namespace, connectionName: 'spec' }),
      ...(options.messaging
        ? [
            MessagingModule.forRoot({
              service: 'gateway',
              instanceId: 'spec',
              servers: testEnvironment.NATS_URL,
              namespace,
              ackWaitMs: 30_000,
              maxDeliver: 3,
              retryBackoffMs: [100],
              concurrency: 1,
              drainTimeoutMs: 1_000,
            }),
          ]
        : []),
      ...options.imports,
    ],
    providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureGatewayApplication(app);
  await app.init();
  return app;
}
