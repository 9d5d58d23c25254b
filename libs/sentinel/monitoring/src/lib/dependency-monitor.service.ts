import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { NATS_CONNECTION, NatsReadiness, MESSAGING_OPTIONS, type MessagingOptions, Wire } from '@sokoul/messaging';
import { Streams } from '@sokoul/contracts';
import { type ReadinessCheck, gauge, withTimeout } from '@sokoul/observability';
import { PostgresReadiness } from '@sokoul/persistence';
import { RedisReadiness } from '@sokoul/redis';
import { MONITORING_OPTIONS, type MonitoringOptions } from './monitoring.options';

const dependencyUp = gauge('sokoul_dependency_up', '1 when the dependency answered the last probe, 0 otherwise', ['dependency']);
const consumerPending = gauge('sokoul_nats_consumer_pending', 'Messages not yet delivered to a consumer (queue lag)', ['stream', 'consumer']);
const consumerAckPending = gauge('sokoul_nats_consumer_ack_pending', 'Messages delivered but not yet acknowledged', ['stream', 'consumer']);

/**
 * Probes the platform's shared dependencies and JetStream consumer lag on an interval and
 * exposes the results as metrics. Alerts built on these states arrive with the sentinel issue.
 */
@Injectable()
export class DependencyMonitorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DependencyMonitorService.name);
  private timer?: NodeJS.Timeout;
  private readonly checks: ReadinessCheck[];
  private readonly last = new Map<string, boolean>();
  private probing?: Promise<void>;

  constructor(
    postgres: PostgresReadiness,
    redis: RedisReadiness,
    nats: NatsReadiness,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    @Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions,
  ) {
    this.checks = [postgres, redis, nats];
  }

  private get probeTimeoutMs(): number {
    return Math.min(3_000, this.options.intervalMs);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.probe(), this.options.intervalMs);
    void this.probe();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One probe at a time: a dependency that hangs must not pile up probes behind it. */
  probe(): Promise<void> {
    this.probing ??= Promise.all([...this.checks.map((c) => this.probeDependency(c)), this.probeLag()])
      .then(() => undefined)
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probeDependency(check: ReadinessCheck): Promise<void> {
    let up = true;
    let reason = '';
    try {
      // A dependency that stops answering is down, even if its connection still looks open.
      await withTimeout(check.check(), this.probeTimeoutMs);
    } catch (error) {
      up = false;
      reason = (error as Error).message;
    }
    dependencyUp.set({ dependency: check.name }, up ? 1 : 0);
    if (this.last.get(check.name) !== up) {
      if (up) this.logger.log(`${check.name} is up`);
      else this.logger.warn(`${check.name} is down: ${reason}`);
      this.last.set(check.name, up);
    }
  }

  /** Reads every consumer first, then replaces the series at once: a scrape never sees a gap. */
  private async probeLag(): Promise<void> {
    const readings: Array<{ stream: string; consumer: string; pending: number; ackPending: number }> = [];
    try {
      const jsm = await this.nc.jetstreamManager({ timeout: 2_000 });
      const wire = new Wire(this.messaging.namespace);
      for (const stream of [wire.stream(Streams.commands), wire.stream(Streams.events)]) {
        for await (const consumer of jsm.consumers.list(stream)) {
          readings.push({ stream, consumer: consumer.name, pending: consumer.num_pending, ackPending: consumer.num_ack_pending });
        }
      }
    } catch (error) {
      // Stale figures would claim a lag we cannot see: export none while NATS cannot be read.
      consumerPending.reset();
      consumerAckPending.reset();
      this.logger.debug(`consumer lag not read: ${(error as Error).message}`);
      return;
    }
    consumerPending.reset();
    consumerAckPending.reset();
    for (const r of readings) {
      consumerPending.set({ stream: r.stream, consumer: r.consumer }, r.pending);
      consumerAckPending.set({ stream: r.stream, consumer: r.consumer }, r.ackPending);
    }
  }
}
