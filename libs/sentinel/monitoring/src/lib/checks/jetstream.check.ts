import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { Streams } from '@sokoul/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions, NATS_CONNECTION, Wire } from '@sokoul/messaging';
import { gauge } from '@sokoul/observability';
import { MONITORING_OPTIONS, type MonitoringOptions } from '../monitoring.options';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

const consumerPending = gauge('sokoul_nats_consumer_pending', 'Messages not yet delivered to a consumer (queue lag)', ['stream', 'consumer']);
const consumerAckPending = gauge('sokoul_nats_consumer_ack_pending', 'Messages delivered but not yet acknowledged', ['stream', 'consumer']);
const deadLetters = gauge('sokoul_dead_letters', 'Messages in the dead-letter stream', []);

/**
 * The streams exist and answer; every consumer's backlog (pending + unacknowledged: queue lag)
 * stays under the threshold; no message was dead-lettered recently. When NATS cannot be read
 * at all this says nothing (the dependency check reports NATS down), and exports no stale lag.
 */
@Injectable()
export class JetStreamCheck implements SentinelCheck {
  readonly category = 'jetstream';
  private readonly wire: Wire;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) messaging: MessagingOptions,
    @Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions,
  ) {
    this.wire = new Wire(messaging.namespace);
  }

  async run(): Promise<CheckOutcome[]> {
    let jsm;
    try {
      jsm = await this.nc.jetstreamManager({ timeout: 2_000 });
    } catch {
      consumerPending.reset();
      consumerAckPending.reset();
      return [];
    }
    const outcomes: CheckOutcome[] = [];
    const lag: Array<{ stream: string; consumer: string; pending: number; ackPending: number }> = [];
    for (const logical of [Streams.commands, Streams.events, Streams.deadLetters]) {
      const stream = this.wire.stream(logical);
      try {
        const info = await jsm.streams.info(stream);
        outcomes.push(outcome(this.category, `stream:${logical}`, { ok: true, severity: 'critical', title: `Stream ${logical} is healthy`, detail: `${info.state.messages} messages.` }));
        if (logical === Streams.deadLetters) outcomes.push(this.deadLetterOutcome(info.state.messages, info.state.last_ts));
        else for await (const consumer of jsm.consumers.list(stream)) lag.push({ stream, consumer: consumer.name, pending: consumer.num_pending, ackPending: consumer.num_ack_pending });
      } catch (error) {
        outcomes.push(outcome(this.category, `stream:${logical}`, { ok: false, severity: 'critical', title: `Stream ${logical} is unavailable`, detail: `JetStream cannot read ${stream}: ${(error as Error).message}` }));
      }
    }
    consumerPending.reset();
    consumerAckPending.reset();
    for (const r of lag) {
      consumerPending.set({ stream: r.stream, consumer: r.consumer }, r.pending);
      consumerAckPending.set({ stream: r.stream, consumer: r.consumer }, r.ackPending);
      const backlog = r.pending + r.ackPending;
      outcomes.push(
        outcome(this.category, `lag:${r.consumer}`, {
          ok: backlog < this.options.lagThreshold,
          severity: 'warning',
          title: `Queue lag on ${r.consumer}`,
          detail: `${r.pending} messages waiting and ${r.ackPending} unacknowledged on ${r.stream} (threshold ${this.options.lagThreshold}): its workers are down or too few.`,
        }),
      );
    }
    return outcomes;
  }

  private deadLetterOutcome(count: number, lastTimestamp: string): CheckOutcome {
    deadLetters.set(count);
    const last = count > 0 ? Date.parse(lastTimestamp) : Number.NaN;
    const recent = Number.isFinite(last) && Date.now() - last < this.options.deadLetterWindowMs;
    return outcome(this.category, 'dead-letters', {
      ok: !recent,
      severity: 'warning',
      title: 'Messages were dead-lettered',
      detail: recent
        ? `The newest of ${count} dead letters arrived at ${new Date(last).toISOString()}: a handler refused or kept failing a message (see docs/operations.md, "Dead letters").`
        : `${count} dead letters, none in the last ${Math.round(this.options.deadLetterWindowMs / 60_000)} minutes.`,
    });
  }
}
