import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ProblemDetailsFilter } from './problem-details.filter';

/** What pg, TypeORM and ioredis throw when a dependency is gone (shapes copied from their sources). */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}
function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError, code: (driverError as { code?: string }).code });
}

const failures: Record<string, () => Error> = {
  'pool-exhausted': () => pgError('timeout exceeded when trying to connect'),
  'postgres-down': () => pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
  'connection-lost': () => pgError('Connection terminated unexpectedly'),
  'server-shutting-down': () => queryFailed(pgError('terminating connection due to administrator command', '57P01')),
  'statement-timeout': () => queryFailed(pgError('canceling statement due to statement timeout', '57014')),
  'redis-offline': () => new Error("Stream isn't writeable and enableOfflineQueue options is false"),
  'wrapped-cause': () => new Error('could not load the user', { cause: pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') }),
  'unique-violation': () => queryFailed(pgError('duplicate key value violates unique constraint "users_username_key"', '23505')),
  'syntax-error': () => queryFailed(pgError('syntax error at or near "SELEC"', '42601')),
  bug: () => new TypeError("Cannot read properties of undefined (reading 'id')"),
};

@Controller('fail')
class FailingController {
  @Get('not-found')
  notFound() {
    throw new NotFoundException('no such thing');
  }

  /** Rejects with what a repository or a client rejects with, as a service call would. */
  @Get(':kind')
  async fail(@Param('kind') kind: string): Promise<never> {
    throw failures[kind]();
  }
}

describe('ProblemDetailsFilter', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [FailingController], providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  const thrown = (kind: string) => request(app.getHttpServer()).get(`/fail/${kind}`);

  it.each(['pool-exhausted', 'postgres-down', 'connection-lost', 'server-shutting-down', 'statement-timeout', 'redis-offline', 'wrapped-cause'])(
    'answers 503 problem+json with Retry-After when a dependency is unavailable (%s)',
    async (kind) => {
      const response = await thrown(kind);

      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).toMatchObject({ type: 'https://sokoul.dev/problems/service-unavailable', status: 503, instance: `/fail/${kind}` });
      expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|5432|statement timeout|administrator|enableOfflineQueue/);
    },
  );

  it.each(['unique-violation', 'syntax-error', 'bug'])('answers 500 without Retry-After for an error retrying will not fix (%s)', async (kind) => {
    const response = await thrown(kind);

    expect(response.status).toBe(500);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.body).toMatchObject({ type: 'https://sokoul.dev/problems/internal-server-error', status: 500 });
    expect(JSON.stringify(response.body)).not.toMatch(/duplicate key|SELEC|undefined/);
  });

  it('keeps an HTTP exception as it is', async () => {
    const response = await request(app.getHttpServer()).get('/fail/not-found');

    expect(response.status).toBe(404);
    expect(response.headers['retry-after']).toBeUndefined();
  });
});
