import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { PersistenceModule } from '@sokoul/persistence';
import { RedisModule } from '@sokoul/redis';
import { databaseOptions, messagingOptions, redisOptions } from '@sokoul/runtime';
import { MonitoringModule } from '@sokoul/sentinel/monitoring';
import type { SentinelConfig } from './config';

export const SERVICE = 'sentinel';

/**
 * The sentinel watches Postgres and Redis rather than needing them: it stays ready while they
 * are down (that is when it matters). Its readiness is NATS, the channel its reports go out on.
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
        MonitoringModule.forRoot({ intervalMs: config.SENTINEL_INTERVAL_MS }),
      ],
    };
  }
}
