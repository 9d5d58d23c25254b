import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { type OracleOptions, ValidationModule } from '@sokoul/oracle/validation';
import { PersistenceModule, PostgresReadiness } from '@sokoul/persistence';
import { RedisModule, RedisReadiness } from '@sokoul/redis';
import { databaseOptions, messagingOptions, redisOptions } from '@sokoul/runtime';
import type { OracleConfig } from './config';

export const SERVICE = 'oracle';

export function oracleOptions(config: OracleConfig): OracleOptions {
  return {
    model:
      config.ORACLE_LLM_URL && config.ORACLE_LLM_MODEL
        ? { baseUrl: config.ORACLE_LLM_URL, model: config.ORACLE_LLM_MODEL, apiKey: config.ORACLE_LLM_API_KEY, timeoutMs: config.ORACLE_LLM_TIMEOUT_MS }
        : undefined,
    batchSize: config.ORACLE_BATCH_SIZE,
    promptMaxChars: config.ORACLE_PROMPT_MAX_CHARS,
    modelMaxReleases: config.ORACLE_MODEL_MAX_RELEASES,
    concurrency: config.ORACLE_LLM_CONCURRENCY,
    cacheTtlSeconds: config.ORACLE_CACHE_TTL_S,
    breakerFailures: config.ORACLE_BREAKER_FAILURES,
    breakerOpenMs: config.ORACLE_BREAKER_OPEN_MS,
    singleFlightPollMs: config.ORACLE_SINGLE_FLIGHT_POLL_MS,
  };
}

@Module({})
export class AppModule {
  static forRoot(config: OracleConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        PersistenceModule.forRoot(databaseOptions(config, SERVICE)),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        RedisModule.forRoot(redisOptions(config, SERVICE)),
        HealthModule.forRoot({ checks: [PostgresReadiness, NatsReadiness, RedisReadiness] }),
        ValidationModule.forRoot(oracleOptions(config)),
      ],
    };
  }
}
