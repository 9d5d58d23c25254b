import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { ProblemDetailsFilter } from '@sokoul/gateway/http';
import { REDIS_CLIENT, RedisModule } from '@sokoul/redis';
import { freePort, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { Public } from './access.decorators';
import { AccessModule } from './access.module';
import { AccessTokenService } from './access-token.service';
import { RateLimitModule } from './rate-limit.module';

@Controller('api/v1')
class PingController {
  @Get('ping')
  @Public()
  ping() {
    return { ok: true };
  }

  @Get('me')
  me() {
    return { ok: true };
  }
}

describe('rate limits (real Redis, shared by replicas)', () => {
  const prefix = uniqueNamespace('ratelimit');
  const apps: INestApplication[] = [];

  async function replica(redis?: Redis): Promise<INestApplication> {
    const builder = Test.createTestingModule({
      imports: [
        RedisModule.forRoot({ url: testEnvironment.REDIS_URL, keyPrefix: prefix, connectionName: 'spec' }),
        AccessModule.forRoot({ jwtSecret: 'k'.repeat(40), accessTokenTtlSeconds: 900, issuer: 'sokoul', audience: 'sokoul-api' }),
        RateLimitModule.forRoot({ perUserPerMinute: 3, perIpPerMinute: 2 }),
      ],
      controllers: [PingController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    });
    const moduleRef = await (redis ? builder.overrideProvider(REDIS_CLIENT).useValue(redis) : builder).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    return app;
  }

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it('counts anonymous callers per IP across replicas and answers 429 with Retry-After past the budget', async () => {
    const [a, b] = [await replica(), await replica()];

    const first = await request(a.getHttpServer()).get('/api/v1/ping');
    const second = await request(b.getHttpServer()).get('/api/v1/ping');
    const third = await request(a.getHttpServer()).get('/api/v1/ping');

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    expect(second.headers['ratelimit-remaining']).toBe('0');
    expect(third.status).toBe(429);
    expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('gives an authenticated user a budget of their own', async () => {
    const app = apps[0];
    const token = await app.get(AccessTokenService).sign('3b241101-e2bb-4255-8caf-4136c566a962', 'user');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await request(app.getHttpServer()).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('lets requests through, without RateLimit headers, when Redis cannot be reached (fails open)', async () => {
    // Nothing listens on a free port: every command fails at once, as the gateway's client does while Redis is down.
    const unreachable = new Redis(await freePort(), '127.0.0.1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      keyPrefix: `${prefix}:`,
    });
    const app = await replica(unreachable);

    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await request(app.getHttpServer()).get('/api/v1/ping'));

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(responses[0].headers['ratelimit-limit']).toBeUndefined();
  });
});
