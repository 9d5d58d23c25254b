import { type DynamicModule, type OnApplicationShutdown, Global, Inject, Logger, Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { connectNats } from '../core/connection';
import type { MessagingOptions } from '../core/messaging-options';
import { JetStreamPublisher } from '../core/publisher';
import { ensureStreams } from '../core/topology';
import { Wire } from '../core/wire';
import { HeartbeatService } from './heartbeat.service';
import { JetStreamServer } from './jetstream.server';
import { MESSAGING_OPTIONS, NATS_CONNECTION } from './messaging.tokens';
import { NatsReadiness } from './nats.readiness';

@Global()
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  /**
   * One NATS connection per process, a typed publisher over it and the JetStream server for
   * `@EventPattern` handlers. Streams are ensured at start, so a publisher-only service can
   * publish before any worker ran.
   */
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: NATS_CONNECTION,
          useFactory: async () => {
            const nc = await connectNats(options, new Logger('Nats'));
            await ensureStreams(await nc.jetstreamManager(), new Wire(options.namespace));
            return nc;
          },
        },
        {
          provide: JetStreamPublisher,
          useFactory: (nc: NatsConnection) => new JetStreamPublisher(nc.jetstream(), new Wire(options.namespace)),
          inject: [NATS_CONNECTION],
        },
        JetStreamServer,
        NatsReadiness,
        HeartbeatService,
      ],
      exports: [NATS_CONNECTION, MESSAGING_OPTIONS, JetStreamPublisher, JetStreamServer, NatsReadiness],
    };
  }

  /** After the JetStream server drained (Nest closes microservices first): flush and close. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
