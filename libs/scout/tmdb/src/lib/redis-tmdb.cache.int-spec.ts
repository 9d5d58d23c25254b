import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import Redis, { type RedisOptions } from 'ioredis';
import { type FakeTmdb, startFakeTmdb } from '@sokoul/fakes';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { RedisTmdbCache } from './redis-tmdb.cache';
import type { TmdbCacheEvent } from './tmdb.cache';
import { TmdbClient, type TmdbClientOptions } from './tmdb.client';
import { TmdbNotFoundError } from './tmdb.errors';

jest.setTimeout(20_000);

const namespace = uniqueNamespace('tmdb_cache');
const { hostname, port } = new URL(testEnvironment.REDIS_URL);
const clients: Redis[] = [];

function redisClient(options: RedisOptions = {}): Redis {
  const redis = new Redis({ host: hostname, port: Number(port || 6379), lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, ...options });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}

/** Reads this file's keys as they are really stored, prefix included. */
let admin: Redis;
/** What the service would use: keys prefixed with the namespace, as RedisModule does. */
let redis: Redis;
let tmdb: FakeTmdb;

const stored = (key: string) => admin.get(`${namespace}:${key}`);
const ttlOf = (key: string) => admin.ttl(`${namespace}:${key}`);

async function namespaceKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

beforeAll(async () => {
  admin = redisClient();
  redis = redisClient({ keyPrefix: `${namespace}:` });
  await Promise.all([admin.connect(), redis.connect()]);
});

beforeEach(async () => {
  tmdb = await startFakeTmdb();
});

afterEach(async () => {
  await tmdb.close();
  const keys = await namespaceKeys();
  if (keys.length > 0) await admin.del(...keys);
});

afterAll(async () => {
  await Promise.all(
    clients.splice(0).map(async (client) => {
      if (client.status === 'end') return;
      const ended = once(client, 'end');
      client.disconnect();
      await ended;
    }),
  );
});

function cachedClient(options: TmdbClientOptions = {}) {
  const events: TmdbCacheEvent[] = [];
  const client = new TmdbClient({
    baseUrl: tmdb.url,
    apiKey: tmdb.apiKey,
    timeoutMs: 2_000,
    cache: new RedisTmdbCache(redis),
    onCacheEvent: (event) => events.push(event),
    ...options,
  });
  return { client, events };
}

describe('RedisTmdbCache with TmdbClient (real Redis)', () => {
  it('keeps a movie for 24 h under tmdb:v1:<language>:movie:<id> and answers the next lookup from Redis', async () => {
    const { client, events } = cachedClient();

    const first = await client.movie(438631);
    const second = await client.movie(438631);

    expect(second).toEqual(first);
    expect(tmdb.requests).toHaveLength(1);
    expect(events).toEqual([
      { kind: 'movie', outcome: 'miss' },
      { kind: 'movie', outcome: 'hit' },
    ]);
    expect(JSON.parse((await stored('tmdb:v1:en-US:movie:438631'))!)).toEqual({ found: true, value: first });
    expect(await ttlOf('tmdb:v1:en-US:movie:438631')).toBeGreaterThan(86_400 - 60);
  });

  it('is shared by every client on the same Redis, as replicas of a service are', async () => {
    await cachedClient().client.tv(1396);

    await expect(cachedClient().client.tv(1396)).resolves.toMatchObject({ imdbId: 'tt0903747', tvdbId: 81189 });

    expect(tmdb.requests).toHaveLength(1);
  });

  it('keeps search results 6 h, one entry per language and normalized query', async () => {
    const english = cachedClient().client;
    const french = cachedClient({ language: 'fr-FR' }).client;

    await english.searchMovie('Dune', { year: 2021 });
    await english.searchMovie('  dune ', { year: 2021 });
    await french.searchMovie('Dune', { year: 2021 });

    expect(tmdb.requests.map((request) => request.query['language'])).toEqual(['en-US', 'fr-FR']);
    expect(await namespaceKeys()).toEqual([
      `${namespace}:tmdb:v1:en-US:search-movie:y2021:p1:dune`,
      `${namespace}:tmdb:v1:fr-FR:search-movie:y2021:p1:dune`,
    ]);
    const ttl = await ttlOf('tmdb:v1:en-US:search-movie:y2021:p1:dune');
    expect(ttl).toBeGreaterThan(21_600 - 60);
    expect(ttl).toBeLessThanOrEqual(21_600);
  });

  it('keeps a show still in production 6 h and an ended one 24 h', async () => {
    const { client } = cachedClient();

    await client.tv(126308);
    await client.tv(1396);
    await client.season(1396, 5);

    expect(await ttlOf('tmdb:v1:en-US:tv:126308')).toBeLessThanOrEqual(21_600);
    expect(await ttlOf('tmdb:v1:en-US:tv:1396')).toBeGreaterThan(86_400 - 60);
    expect(await ttlOf('tmdb:v1:en-US:season:1396:5')).toBeGreaterThan(86_400 - 60);
  });

  it('remembers for 15 min that TMDB has nothing', async () => {
    const { client } = cachedClient();

    await expect(client.movie(999_999_999)).rejects.toThrow(TmdbNotFoundError);
    await expect(client.movie(999_999_999)).rejects.toThrow(TmdbNotFoundError);
    await expect(client.findByImdbId('tt0000001')).resolves.toBeNull();
    await expect(client.findByImdbId('tt0000001')).resolves.toBeNull();

    expect(tmdb.requests).toHaveLength(2);
    expect(await stored('tmdb:v1:en-US:movie:999999999')).toBe('{"found":false}');
    expect(await ttlOf('tmdb:v1:en-US:movie:999999999')).toBeLessThanOrEqual(900);
    expect(await ttlOf('tmdb:v1:en-US:find-imdb:tt0000001')).toBeLessThanOrEqual(900);
  });

  it('answers from Redis while TMDB is down', async () => {
    const { client } = cachedClient();
    await client.season(126308, 1);

    tmdb.setFaults({ fail: 'http500' });

    await expect(client.season(126308, 1)).resolves.toMatchObject({ episodes: expect.arrayContaining([expect.objectContaining({ episodeNumber: 10, title: 'A Dream of a Dream' })]) });
  });

  it('replaces an entry it cannot read', async () => {
    await admin.set(`${namespace}:tmdb:v1:en-US:movie:603`, 'not json at all', 'EX', 60);
    const { client, events } = cachedClient();

    await expect(client.movie(603)).resolves.toMatchObject({ imdbId: 'tt0133093' });

    expect(events).toEqual([{ kind: 'movie', outcome: 'miss' }]);
    expect(JSON.parse((await stored('tmdb:v1:en-US:movie:603'))!)).toMatchObject({ found: true, value: { id: 603 } });
  });

  it('never writes the API key into Redis', async () => {
    const { client } = cachedClient();

    await client.searchMulti('matrix');
    await client.movie(603);
    await client.findByImdbId('tt0133093');

    const keys = await namespaceKeys();
    const values = await Promise.all(keys.map((key) => admin.get(key)));
    expect(keys).toHaveLength(3);
    expect(`${keys.join(' ')} ${values.join(' ')}`).not.toContain(tmdb.apiKey);
  });

  it('goes straight to TMDB while Redis is unreachable, reporting the cache errors', async () => {
    const down = redisClient({ host: '127.0.0.1', port: 1, retryStrategy: () => null });
    const events: TmdbCacheEvent[] = [];
    const client = new TmdbClient({ baseUrl: tmdb.url, apiKey: tmdb.apiKey, cache: new RedisTmdbCache(down), onCacheEvent: (event) => events.push(event) });

    await expect(client.movie(603)).resolves.toMatchObject({ title: 'The Matrix' });

    expect(events.map((event) => event.outcome)).toEqual(['error', 'miss', 'error']);
  });

  it('does not wait on a Redis that accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // Without a ready check or client-info handshake the client is "ready" once connected; its commands then wait forever.
    const hanging = redisClient({ host: '127.0.0.1', port: (silent.address() as AddressInfo).port, enableReadyCheck: false, disableClientInfo: true });
    await hanging.connect();
    const client = new TmdbClient({ baseUrl: tmdb.url, apiKey: tmdb.apiKey, cache: new RedisTmdbCache(hanging), cacheTimeoutMs: 100 });
    const started = Date.now();
    try {
      await expect(client.tv(2316)).resolves.toMatchObject({ title: 'The Office', tvdbId: 73244 });

      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      const ended = once(hanging, 'end');
      hanging.disconnect();
      for (const socket of sockets) socket.destroy();
      await ended;
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
