import Redis from 'ioredis';
import { eventually, freePort, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { RateLimiter } from './rate-limiter';

const WINDOW_SECONDS = 60;

describe('RateLimiter (real Redis): a fixed window per key', () => {
  const prefix = uniqueNamespace('limiter');
  /** A client like the gateway's (RedisModule): every key under the namespace prefix, commands auto-pipelined. */
  const client = new Redis(testEnvironment.REDIS_URL, { keyPrefix: `${prefix}:`, enableAutoPipelining: true });
  /** Sees the keys as Redis stores them, prefix included. */
  const raw = new Redis(testEnvironment.REDIS_URL);
  const limiter = new RateLimiter(client);
  let n = 0;
  const newKey = () => `spec-${++n}`;
  const stored = (key: string) => `${prefix}:ratelimit:${key}`;

  afterAll(async () => {
    const keys = await raw.keys(`${prefix}:*`);
    if (keys.length) await raw.del(...keys);
    await Promise.all([client.quit(), raw.quit()]);
  });

  it('counts each hit against the limit and refuses past it', async () => {
    const key = newKey();

    const states = [];
    for (let i = 0; i < 4; i++) states.push(await limiter.hit(key, 3, WINDOW_SECONDS));

    expect(states.map((s) => [s.allowed, s.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(states.every((s) => s.limit === 3)).toBe(true);
  });

  it('opens the window on the first hit: the key expires within the window, under the namespace prefix', async () => {
    const key = newKey();

    const state = await limiter.hit(key, 10, WINDOW_SECONDS);

    const ttlMs = await raw.pttl(stored(key));
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
    expect(state.resetSeconds).toBeGreaterThan(0);
    expect(state.resetSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(await raw.get(stored(key))).toBe('1');
  });

  it('never extends a window: later hits keep the expiry the first one set', async () => {
    const key = newKey();
    await limiter.hit(key, 10, WINDOW_SECONDS);
    // The window as if 55 s of it had gone by.
    await raw.pexpire(stored(key), 5_000);

    const state = await limiter.hit(key, 10, WINDOW_SECONDS);

    expect(await raw.pttl(stored(key))).toBeLessThanOrEqual(5_000);
    expect(state.resetSeconds).toBeLessThanOrEqual(5);
    expect(state.remaining).toBe(8);
  });

  it('starts a new window, with the whole budget, once the last one expired', async () => {
    const key = newKey();
    for (let i = 0; i < 3; i++) await limiter.hit(key, 3, WINDOW_SECONDS);
    await raw.pexpire(stored(key), 1);
    await eventually(async () => expect(await raw.exists(stored(key))).toBe(0));

    const state = await limiter.hit(key, 3, WINDOW_SECONDS);

    expect(state).toMatchObject({ allowed: true, remaining: 2 });
    expect(await raw.pttl(stored(key))).toBeGreaterThan(0);
  });

  it('gives a counter left without an expiry one on the next hit, so it cannot block forever', async () => {
    const key = newKey();
    await raw.set(stored(key), '7');

    const state = await limiter.hit(key, 5, WINDOW_SECONDS);

    expect(state).toMatchObject({ allowed: false, remaining: 0 });
    const ttlMs = await raw.pttl(stored(key));
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
  });

  it('counts every one of many hits sent at once (one pipelined write)', async () => {
    const key = newKey();

    const states = await Promise.all(Array.from({ length: 20 }, () => limiter.hit(key, 15, WINDOW_SECONDS)));

    expect(states.filter((s) => s.allowed)).toHaveLength(15);
    // Counts 1 to 20, each seen by exactly one hit: 14 down to 0 remaining, then 0 past the limit.
    expect(states.map((s) => s.remaining).sort((a, b) => b - a)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0]);
    expect(await raw.get(stored(key))).toBe('20');
  });

  it('shares the count between limiters on different connections (gateway replicas)', async () => {
    const key = newKey();
    const otherClient = new Redis(testEnvironment.REDIS_URL, { keyPrefix: `${prefix}:`, enableAutoPipelining: true });
    try {
      const other = new RateLimiter(otherClient);

      await limiter.hit(key, 2, WINDOW_SECONDS);
      await other.hit(key, 2, WINDOW_SECONDS);

      expect(await limiter.hit(key, 2, WINDOW_SECONDS)).toMatchObject({ allowed: false, remaining: 0 });
    } finally {
      await otherClient.quit();
    }
  });

  it('peeks without counting: where the next hit would stand', async () => {
    const key = newKey();
    await limiter.hit(key, 3, WINDOW_SECONDS);

    const peeked = await limiter.peek(key, 3, WINDOW_SECONDS);

    expect(peeked).toMatchObject({ allowed: true, remaining: 1 });
    expect(await raw.get(stored(key))).toBe('1');
  });

  it('fails (for the caller to decide) rather than waiting when Redis cannot be reached', async () => {
    // Nothing listens on a free port: Redis is down.
    const offline = new Redis(await freePort(), '127.0.0.1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });

    await expect(new RateLimiter(offline).hit(newKey(), 3, WINDOW_SECONDS)).rejects.toThrow();
    offline.disconnect();
  });
});
