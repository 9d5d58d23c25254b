import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from 'nats';
import { HEARTBEAT_SUBJECT, heartbeatSchema } from '@sokoul/contracts';
import { DEFAULT_HEARTBEAT_INTERVAL_MS, MESSAGING_OPTIONS, type MessagingOptions, NATS_CONNECTION, Wire } from '@sokoul/messaging';
import { gauge } from '@sokoul/observability';
import { MONITORING_OPTIONS, type MonitoringOptions } from '../monitoring.options';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

const serviceInstances = gauge('sokoul_service_instances', 'Instances of a service whose heartbeat is current', ['service']);

interface Instance {
  service: string;
  lastSeen: number;
  intervalMs: number;
}

/** Instances not heard from for this long are forgotten. */
const FORGET_AFTER_MS = 15 * 60_000;

/**
 * Every service process beats on core NATS; a service is down when none of its instances has
 * beaten for `missedHeartbeats` of its intervals. Expected services count as down once that
 * long has passed since the sentinel started without hearing from them.
 */
@Injectable()
export class HeartbeatCheck implements SentinelCheck, OnModuleInit, OnModuleDestroy {
  readonly category = 'service';
  private readonly logger = new Logger(HeartbeatCheck.name);
  private readonly instances = new Map<string, Instance>();
  private readonly startedAt = Date.now();
  private subscription?: Subscription;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    @Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions,
  ) {}

  /** The services' beat interval, as configured on this stack (the sentinel beats at it too). */
  private get heartbeatIntervalMs(): number {
    return this.messaging.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  }

  onModuleInit(): void {
    this.subscription = this.nc.subscribe(new Wire(this.messaging.namespace).subject(HEARTBEAT_SUBJECT), {
      callback: (error, message) => {
        if (error) return;
        try {
          const beat = heartbeatSchema.parse(message.json());
          this.instances.set(beat.instanceId, { service: beat.service, lastSeen: Date.now(), intervalMs: beat.intervalMs });
        } catch {
          this.logger.debug('ignored a malformed heartbeat');
        }
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async run(): Promise<CheckOutcome[]> {
    const now = Date.now();
    const live = new Map<string, number>();
    const lastSeen = new Map<string, number>();
    for (const [id, instance] of this.instances) {
      if (now - instance.lastSeen > FORGET_AFTER_MS) {
        this.instances.delete(id);
        continue;
      }
      lastSeen.set(instance.service, Math.max(lastSeen.get(instance.service) ?? 0, instance.lastSeen));
      const alive = now - instance.lastSeen <= instance.intervalMs * this.options.missedHeartbeats;
      live.set(instance.service, (live.get(instance.service) ?? 0) + (alive ? 1 : 0));
    }
    const services = new Set([...this.options.expectedServices, ...live.keys()]);
    const outcomes: CheckOutcome[] = [];
    for (const service of [...services].sort()) {
      const count = live.get(service) ?? 0;
      serviceInstances.set({ service }, count);
      const seen = lastSeen.get(service);
      // An expected service never heard from gets the grace of one that stopped (it may have
      // beaten just before the sentinel listened), at the beat interval of the services.
      const grace = Math.max(this.options.intervalMs, this.heartbeatIntervalMs) * this.options.missedHeartbeats;
      const undecided = count === 0 && seen === undefined && now - this.startedAt < grace;
      outcomes.push(
        outcome(this.category, service, {
          ok: undecided ? undefined : count > 0,
          severity: 'critical',
          title: count > 0 ? `${service} is running` : `${service} is down`,
          detail:
            count > 0
              ? `${count} instance${count === 1 ? '' : 's'} beating.`
              : seen === undefined
                ? `No instance of ${service} has sent a heartbeat since the sentinel started.`
                : `No heartbeat from any instance of ${service} since ${new Date(seen).toISOString()}.`,
        }),
      );
    }
    return outcomes;
  }
}
