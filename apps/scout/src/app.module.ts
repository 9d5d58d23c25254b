import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { PersistenceModule, PostgresReadiness } from '@sokoul/persistence';
import { databaseOptions, messagingOptions } from '@sokoul/runtime';
import { SearchModule } from '@sokoul/scout/search';
import type { ScoutConfig } from './config';

export const SERVICE = 'scout';

@Module({})
export class AppModule {
  static forRoot(config: ScoutConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        PersistenceModule.forRoot(databaseOptions(config, SERVICE)),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        HealthModule.forRoot({ checks: [PostgresReadiness, NatsReadiness] }),
        SearchModule,
      ],
    };
  }
}
