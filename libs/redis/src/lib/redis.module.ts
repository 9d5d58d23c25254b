import { type DynamicModule, type OnApplicationShutdown, Global, Inject, Logger, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisReadiness } from './redis.readiness';
import { REDIS_CLIENT } from './redis.tokens';

const STARTUP_WAIT_MS = 5_000;

function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}

export interface RedisOptions {
  url: string;
  /** Prefix of every key: isolates stacks and tests sharing one Redis. */
  keyPrefix?: string;
  connectionName: string;
}

@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /**
   * One client per process. Redis holds only what can be rebuilt (caches, counters, short-lived
   * keys), so commands fail fast while it is down instead of queueing without bound. Commands
   * sent in the same tick of the event loop (concurrent requests' rate-limit hits) go out in one
   * write and come back in one read (auto-pipelining): same commands, same order, fewer system calls.
   */
  static forRoot(options: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS_CLIENT,
          useFactory: async () => {
            const logger = new Logger('Redis');
            const client = new Redis(options.url, {
              keyPrefix: options.keyPrefix ? `${options.keyPrefix}:` : undefined,
              connectionName: options.connectionName,
              maxRetriesPerRequest: 1,
              enableAutoPipelining: true,
              enableOfflineQueue: false,
              lazyConnect: false,
              retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
            });
            client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
            // Without an offline queue, commands sent before the connection is up fail: give it
            // a moment at start. A Redis that stays down does not block start-up; readiness says so.
            await waitUntilReady(client, STARTUP_WAIT_MS);
            return client;
          },
        },
        RedisReadiness,
      ],
      exports: [REDIS_CLIENT, RedisReadiness],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
