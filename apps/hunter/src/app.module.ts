import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, NatsReadiness } from '@sokoul/messaging';
import { HealthModule, ObservabilityModule } from '@sokoul/observability';
import { messagingOptions } from '@sokoul/runtime';
import type { HunterConfig } from './config';

export const SERVICE = 'hunter';

/** Its message handlers arrive with the hunter issue; until then it only joins the bus. */
@Module({})
export class AppModule {
  static forRoot(config: HunterConfig, instanceId: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE }),
        MessagingModule.forRoot(messagingOptions(config, SERVICE, instanceId)),
        HealthModule.forRoot({ checks: [NatsReadiness] }),
      ],
    };
  }
}
