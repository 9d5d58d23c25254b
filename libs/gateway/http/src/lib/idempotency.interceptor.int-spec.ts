import { Body, Controller, type INestApplication, Post, UseInterceptors } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { REDIS_CLIENT } from '@sokoul/redis';
import { eventually, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { IdempotencyInterceptor, PENDING_LEASE_SECONDS } from './idempotency.interceptor';
import { ProblemDetailsFilter } from './problem-details.filter';

let calls = 0;
let release: (() => void) | undefined;

@Controller('things')
class ThingsController {
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  async create(@Body() body: { name: string; slow?: boolean }) {
    calls++;
    if (body.slow) await new Promise<void>((resolve) => (release = resolve));
    return { id: `thing-${calls}`, name: body.name };
  }
}

describe('Idempotency-Key on POST (real Redis)', () => {
  let app: INestApplication;
  let redis: Redis;
  const prefix = uniqueNamespace('idem');

  beforeAll(async () => {
    redis = new Redis(testEnvironment.REDIS_URL, { keyPrefix: `${prefix}:` });
    const moduleRef = await Test.createTestingModule({
      controllers: [ThingsController],
      providers: [IdempotencyInterceptor, { provide: REDIS_CLIENT, useValue: redis }, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  beforeEach(() => {
    calls = 0;
    release = undefined;
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length + 1)));
    await app.close();
    await redis.quit();
  });

  const post = (body: object, key?: string) => {
    const req = request(app.getHttpServer()).post('/things');
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };

  it('runs a keyed request once and replays its reply to a retry', async () => {
    const first = await post({ name: 'a' }, 'key-replay');
    const retry = await post({ name: 'a' }, 'key-replay');
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(calls).toBe(1);
  });

  it('runs requests without a key every time', async () => {
    await post({ name: 'a' });
    await post({ name: 'a' });
    expect(calls).toBe(2);
  });

  it('refuses the same key with a different body with a 422 problem', async () => {
    await post({ name: 'a' }, 'key-reused');
    const response = await post({ name: 'b' }, 'key-reused');
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('https://sokoul.dev/problems/idempotency-key-reused');
    expect(calls).toBe(1);
  });

  it('answers 409 to a retry while the first request is still running', async () => {
    const first = post({ name: 'a', slow: true }, 'key-concurrent').then((r) => r);
    await eventually(() => expect(release).toBeDefined());
    const concurrent = await post({ name: 'a', slow: true }, 'key-concurrent');
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers['retry-after']).toBe('1');
    release?.();
    expect((await first).status).toBe(201);
    expect(calls).toBe(1);
  });

  it('holds a running request’s claim for a short lease only, so a gateway killed mid-request does not lock its key for a day', async () => {
    const storeKey = 'idempotency:anonymous:POST:/things:key-lease';
    const first = post({ name: 'a', slow: true }, 'key-lease').then((r) => r);
    await eventually(() => expect(release).toBeDefined());

    const whileRunning = await redis.ttl(storeKey);
    release?.();
    expect((await first).status).toBe(201);

    expect(whileRunning).toBeGreaterThan(0);
    expect(whileRunning).toBeLessThanOrEqual(PENDING_LEASE_SECONDS);
    expect(await redis.ttl(storeKey)).toBeGreaterThan(23 * 60 * 60);
  });

  it('rejects a key that is not printable ASCII with a 400 problem', async () => {
    const response = await post({ name: 'a' }, 'x'.repeat(256));
    expect(response.status).toBe(400);
    expect(calls).toBe(0);
  });
});
