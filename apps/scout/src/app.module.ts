import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { PersistenceModule, PostgresReadiness } from '@sokoul/persistence';
import { RedisModule, RedisReadiness } from '@sokoul/redis';
import { databaseOptions, messagingOptions, redisOptions } from '@sokoul/runtime';
import { SearchModule } from '@sokoul/scout/search';
import type { ScoutConfig } from './config';

export const SERVICE = 'scout';

function tmdbOptions(config: ScoutConfig) {
  if (!config.TMDB_READ_ACCESS_TOKEN && !config.TMDB_API_KEY) return undefined;
  return {
    baseUrl: config.TMDB_BASE_URL,
    bearerToken: config.TMDB_READ_ACCESS_TOKEN,
    apiKey: config.TMDB_API_KEY,
    timeoutMs: config.TMDB_TIMEOUT_MS,
    language: config.TMDB_LANGUAGE,
    breakerFailures: config.TMDB_BREAKER_FAILURES,
    breakerOpenMs: config.TMDB_BREAKER_OPEN_MS,
  };
}

@Module({})
export class AppModule {
  static forRoot(config: ScoutConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        PersistenceModule.forRoot(databaseOptions(config, SERVICE)),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        RedisModule.forRoot(redisOptions(config, SERVICE)),
        HealthModule.forRoot({ checks: [PostgresReadiness, NatsReadiness, RedisReadiness] }),
        SearchModule.forRoot({
          indexerTimeoutMs: config.SCOUT_INDEXER_TIMEOUT_MS,
          indexerRequestsPerMinute: config.SCOUT_INDEXER_REQUESTS_PER_MINUTE,
          indexerBackoffBaseMs: config.SCOUT_INDEXER_BACKOFF_BASE_MS,
          indexerBackoffMaxMs: config.SCOUT_INDEXER_BACKOFF_MAX_MS,
          secretsEncryptionKey: config.SECRETS_ENCRYPTION_KEY,
          watchlist: {
            tickMs: config.SCOUT_WATCHLIST_TICK_MS,
            batchSize: config.SCOUT_WATCHLIST_BATCH,
            intervalSeconds: config.SCOUT_WATCHLIST_INTERVAL_S,
            jitterSeconds: config.SCOUT_WATCHLIST_JITTER_S,
            resendGrabAfterSeconds: config.SCOUT_WATCHLIST_RESEND_GRAB_AFTER_S,
            grabAfter: config.SCOUT_WATCHLIST_GRAB_AFTER,
          },
          tmdb: tmdbOptions(config),
        }),
      ],
    };
  }
}
