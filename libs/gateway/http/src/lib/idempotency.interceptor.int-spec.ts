import { Body, Controller, type INestApplication, Post, UseInterceptors } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { IdempotencyKeyRepository } from '@sokoul/persistence';
import { createTestSchema, eventually } from '@sokoul/testing';
import { IdempotencyInterceptor, PENDING_LEASE_SECONDS } from './idempotency.interceptor';
import { ProblemDetailsFilter } from './problem-details.filter';

let calls = 0;
let release: (() => void) | undefined;

@Controller('things')
class ThingsController {
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  async create(@Body() body: { name: string; slow?: boolean; fail?: boolean }) {
    calls++;
    if (body.slow) await new Promise<void>((resolve) => (release = resolve));
    if (body.fail) throw new Error('the handler failed');
    return { id: `thing-${calls}`, name: body.name };
  }
}

describe('Idempotency-Key on POST (real Postgres)', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  const recordOf = async (key: string) =>
    (await dataSource.query(`SELECT state, expires_at - now() AS left FROM idempotency_keys WHERE store_key = $1`, [`anonymous:POST:/things:${key}`]))[0] as
      | { state: string; left: { hours?: number; minutes?: number; seconds?: number } }
      | undefined;
  const secondsOf = (left: { hours?: number; minutes?: number; seconds?: number }) => (left.hours ?? 0) * 3600 + (left.minutes ?? 0) * 60 + (left.seconds ?? 0);

  beforeAll(async () => {
    ({ dataSource, drop } = await createTestSchema(`idem_${randomBytes(5).toString('hex')}`));
    const moduleRef = await Test.createTestingModule({
      controllers: [ThingsController],
      providers: [IdempotencyInterceptor, { provide: IdempotencyKeyRepository, useValue: new IdempotencyKeyRepository(dataSource) }, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    // Listening already: concurrent supertest requests then share the server instead of each starting it.
    await app.listen(0, '127.0.0.1');
  });

  beforeEach(() => {
    calls = 0;
    release = undefined;
  });

  afterAll(async () => {
    await app.close();
    await drop();
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
    const first = post({ name: 'a', slow: true }, 'key-lease').then((r) => r);
    await eventually(() => expect(release).toBeDefined());

    const whileRunning = await recordOf('key-lease');
    release?.();
    expect((await first).status).toBe(201);

    expect(whileRunning?.state).toBe('pending');
    expect(secondsOf(whileRunning!.left)).toBeLessThanOrEqual(PENDING_LEASE_SECONDS);
    const done = await recordOf('key-lease');
    expect(done?.state).toBe('done');
    expect(secondsOf(done!.left)).toBeGreaterThan(23 * 3600);
  });

  it('runs a retry again once the claim of a request that never finished has expired', async () => {
    await dataSource.query(
      `INSERT INTO idempotency_keys (store_key, fingerprint, state, expires_at) VALUES ($1, $2, 'pending', now() - interval '1 second')`,
      ['anonymous:POST:/things:key-abandoned', createHash('sha256').update(JSON.stringify({ name: 'a' })).digest('hex')],
    );

    const retry = await post({ name: 'a' }, 'key-abandoned');

    expect(retry.status).toBe(201);
    expect(calls).toBe(1);
    expect((await recordOf('key-abandoned'))?.state).toBe('done');
  });

  it('lets a retry run again when the first request failed', async () => {
    const failed = await post({ name: 'a', fail: true }, 'key-failed');
    const retry = await post({ name: 'a', fail: true }, 'key-failed');

    expect([failed.status, retry.status]).toEqual([500, 500]);
    expect(calls).toBe(2);
    expect(await recordOf('key-failed')).toBeUndefined();
  });

  it('keeps one claim among concurrent first requests with the same key', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post({ name: 'a' }, 'key-race')));

    expect(calls).toBe(1);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
  });

  it('purges expired records and keeps the others', async () => {
    await post({ name: 'a' }, 'key-kept');
    await dataSource.query(`INSERT INTO idempotency_keys (store_key, fingerprint, state, expires_at) VALUES ('anonymous:POST:/things:key-old', $1, 'done', now() - interval '1 hour')`, ['0'.repeat(64)]);

    expect(await new IdempotencyKeyRepository(dataSource).purgeExpired()).toBeGreaterThanOrEqual(1);

    expect(await recordOf('key-old')).toBeUndefined();
    expect((await recordOf('key-kept'))?.state).toBe('done');
  });

  it('rejects a key that is not printable ASCII with a 400 problem', async () => {
    const response = await post({ name: 'a' }, 'x'.repeat(256));
    expect(response.status).toBe(400);
    expect(calls).toBe(0);
  });
});
