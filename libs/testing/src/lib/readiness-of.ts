import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';

/**
 * Boots an application module for real (its connections included, no message consumers) and
 * returns what its `/health/ready` reports: the HTTP status and the names of the checks.
 */
export async function readinessOf(
  module: DynamicModule,
  configure?: (app: NestExpressApplication) => void,
): Promise<{ status: number; checks: string[] }> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configure?.(app);
  await app.init();
  try {
    const response = await request(app.getHttpServer()).get('/health/ready');
    return { status: response.status, checks: Object.keys(response.body.info ?? {}).sort() };
  } finally {
    await app.close();
  }
}
