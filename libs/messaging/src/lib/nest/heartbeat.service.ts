import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { HEARTBEAT_SUBJECT, type Heartbeat } from '@sokoul/contracts';
import type { MessagingOptions } from '../core/messaging-options';
import { Wire } from '../core/wire';
import { MESSAGING_OPTIONS, NATS_CONNECTION } from './messaging.tokens';

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Every process says it is alive on core NATS (fire and forget: a missed beat is the signal,
 * there is nothing to store or replay). The sentinel counts a service down when none of its
 * instances has beaten for a few intervals.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();
  private readonly subject: string;
  private readonly intervalMs: number;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.subject = new Wire(options.namespace).subject(HEARTBEAT_SUBJECT);
    this.intervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    if (this.nc.isClosed() || this.nc.isDraining()) return;
    const heartbeat: Heartbeat = {
      service: this.options.service,
      instanceId: this.options.instanceId,
      startedAt: this.startedAt,
      sentAt: new Date().toISOString(),
      intervalMs: this.intervalMs,
    };
    this.nc.publish(this.subject, JSON.stringify(heartbeat));
  }
}
