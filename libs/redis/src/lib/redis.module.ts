import { type DynamicModule, type OnApplicationShutdown, Global, Inject, Logger, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisReadiness } from './redis.readiness';
import { REDIS_CLIENT } from './redis.tokens';

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
   * keys), so commands fail fast while it is down instead of queueing without bound.
   */
  static forRoot(options: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS_CLIENT,
          useFactory: () => {
            const logger = new Logger('Redis');
            const client = new Redis(options.url, {
              keyPrefix: options.keyPrefix ? `${options.keyPrefix}:` : undefined,
              connectionName: options.connectionName,
              maxRetriesPerRequest: 1,
              enableOfflineQueue: false,
              lazyConnect: false,
              retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
            });
            client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
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
