import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { PersistenceModule } from '@sokoul/persistence';
import { RedisModule } from '@sokoul/redis';
import { databaseOptions, messagingOptions, redisOptions } from '@sokoul/runtime';
import type { AlertSink } from '@sokoul/sentinel/alert-sinks';
import { MonitoringModule, type MonitoringOptions } from '@sokoul/sentinel/monitoring';
import type { SentinelConfig } from './config';

export const SERVICE = 'sentinel';

export function monitoringOptions(config: SentinelConfig): MonitoringOptions & { alertSinks: AlertSink[] } {
  return {
    intervalMs: config.SENTINEL_INTERVAL_MS,
    expectedServices: config.SENTINEL_EXPECTED_SERVICES,
    missedHeartbeats: config.SENTINEL_MISSED_HEARTBEATS,
    lagThreshold: config.SENTINEL_LAG_THRESHOLD,
    deadLetterWindowMs: config.SENTINEL_DEAD_LETTER_WINDOW_S * 1000,
    diskPaths: config.SENTINEL_DISK_PATHS,
    diskMinFreeBytes: config.SENTINEL_DISK_MIN_FREE_BYTES,
    diskMinFreePercent: config.SENTINEL_DISK_MIN_FREE_PERCENT,
    stalledAfterMs: config.SENTINEL_STALLED_AFTER_S * 1000,
    model: config.ORACLE_LLM_URL ? { baseUrl: config.ORACLE_LLM_URL, apiKey: config.ORACLE_LLM_API_KEY } : undefined,
    indexerIntervalMs: config.SENTINEL_INDEXER_INTERVAL_S * 1000,
    secretsEncryptionKey: config.SECRETS_ENCRYPTION_KEY,
    alertSinks: config.SENTINEL_ALERT_WEBHOOKS,
  };
}

/**
 * The sentinel watches Postgres and Redis rather than needing them: it stays ready while they
 * are down (that is when it matters). Its readiness is NATS, the channel its alerts go out on
 * (webhooks do not need it).
 */
@Module({})
export class AppModule {
  static forRoot(config: SentinelConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        PersistenceModule.forRoot(databaseOptions(config, SERVICE)),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        RedisModule.forRoot(redisOptions(config, SERVICE)),
        HealthModule.forRoot({ checks: [NatsReadiness] }),
        MonitoringModule.forRoot(monitoringOptions(config)),
      ],
    };
  }
}
