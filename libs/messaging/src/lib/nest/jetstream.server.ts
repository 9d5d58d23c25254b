import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import { isSubject } from '@sokoul/contracts';
import { lastValueFrom } from 'rxjs';
import { ConsumerRunner, type Delivery } from '../core/consumer-runner';
import type { MessagingOptions } from '../core/messaging-options';
import { ensureStreams } from '../core/topology';
import { Wire } from '../core/wire';
import { handlerError } from './handler-errors.interceptor';
import { MESSAGING_OPTIONS, NATS_CONNECTION } from './messaging.tokens';

/** Extras accepted by `@EventPattern(subject, { delivery })`; `competing` when omitted. */
export interface SubscriptionExtras {
  delivery?: Delivery;
}

/**
 * Nest transport over JetStream pull consumers: each `@EventPattern(subject)` handler becomes
 * a consumer, provisioned at start, whose messages are validated against the contract before
 * the handler sees them. Mount with `app.connectMicroservice({ strategy })`.
 */
@Injectable()
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private readonly runners: ConsumerRunner[] = [];
  private readonly log = new Logger('JetStreamServer');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const wire = new Wire(this.options.namespace);
      const jsm = await this.nc.jetstreamManager();
      await ensureStreams(jsm, wire);
      const js = this.nc.jetstream();
      for (const [pattern, handler] of this.messageHandlers) {
        if (!isSubject(pattern)) throw new Error(`@EventPattern('${pattern}') is not a subject of @sokoul/contracts`);
        const extras = (handler.extras ?? {}) as SubscriptionExtras;
        const runner = new ConsumerRunner(
          js,
          jsm,
          wire,
          this.options,
          pattern,
          extras.delivery ?? 'competing',
          async (envelope, context) => {
            try {
              return await lastValueFrom(this.transformToObservable(await handler(envelope.payload, context)), { defaultValue: undefined });
            } catch (error) {
              throw handlerError(error);
            }
          },
          this.log,
        );
        await runner.start();
        this.runners.push(runner);
        this.log.log(`consuming ${pattern} as ${runner.consumerName} on ${runner.streamName}`);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Graceful drain: called by Nest on shutdown (SIGTERM with shutdown hooks enabled). */
  async close(): Promise<void> {
    await Promise.all(this.runners.splice(0).map((runner) => runner.stop()));
  }

  on(): never {
    throw new Error('JetStreamServer does not emit transport events; watch the NATS connection status instead');
  }

  unwrap<T>(): T {
    return this.nc as T;
  }
}
