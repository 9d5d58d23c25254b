import { once } from 'node:events';
import Redis, { type RedisOptions } from 'ioredis';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { RedisReadiness } from './redis.readiness';

jest.setTimeout(15_000);

const namespace = uniqueNamespace('redis_ready');
const clients: Redis[] = [];

/** A client for this file only; closed after each test. */
function client(options: RedisOptions = {}): Redis {
  const redis = new Redis({ lazyConnect: true, keyPrefix: `${namespace}:`, ...options });
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}

function realRedis(): Redis {
  const { hostname, port } = new URL(testEnvironment.REDIS_URL);
  return client({ host: hostname, port: Number(port || 6379) });
}

function unreachableRedis(): Redis {
  return client({ host: '127.0.0.1', port: 1, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
}

afterEach(async () => {
  await Promise.all(
    clients.splice(0).map(async (redis) => {
      if (redis.status === 'end') return;
      const ended = once(redis, 'end');
      redis.disconnect();
      await ended;
    }),
  );
});

describe('RedisReadiness (real Redis)', () => {
  it('is named redis', () => {
    expect(new RedisReadiness(realRedis()).name).toBe('redis');
  });

  it('resolves when the client is connected and Redis answers a PING', async () => {
    const redis = realRedis();
    await redis.connect();
    const ping = jest.spyOn(redis, 'ping');

    await expect(new RedisReadiness(redis).check()).resolves.toBeUndefined();

    expect(ping).toHaveBeenCalledTimes(1);
  });

  it('rejects naming the connection state when the client never connected (Redis unreachable)', async () => {
    const redis = unreachableRedis();

    await expect(new RedisReadiness(redis).check()).rejects.toThrow('connection wait');
  });

  it('rejects naming the connection state while the client is still trying to reach Redis', async () => {
    const redis = unreachableRedis();
    redis.connect().catch(() => undefined);

    await expect(new RedisReadiness(redis).check()).rejects.toThrow('connection connecting');
  });

  it('rejects naming the connection state once the client has quit', async () => {
    const redis = realRedis();
    await redis.connect();
    const ended = once(redis, 'end');
    await redis.quit();
    await ended;

    await expect(new RedisReadiness(redis).check()).rejects.toThrow('connection end');
  });

  it('does not send a PING through a client that is not ready', async () => {
    const redis = unreachableRedis();
    const ping = jest.spyOn(redis, 'ping');

    await expect(new RedisReadiness(redis).check()).rejects.toThrow();

    expect(ping).not.toHaveBeenCalled();
  });

  it('rejects when Redis refuses the PING', async () => {
    const redis = realRedis();
    await redis.connect();
    jest.spyOn(redis, 'ping').mockRejectedValueOnce(new Error('LOADING Redis is loading the dataset in memory'));

    await expect(new RedisReadiness(redis).check()).rejects.toThrow('LOADING');
  });
});
