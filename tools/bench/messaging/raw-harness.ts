import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
  connect,
} from 'nats';
import { PendingReplies, type RoundTripHarness, Slots } from './round-trip';

export interface RawHarnessOptions {
  servers: string;
  /** Unique per run: prefixes subjects, streams and consumers. */
  prefix: string;
  /** Handlers in flight per consumer, as Sokoul's `concurrency`. */
  concurrency: number;
}

/**
 * The baseline: the same round trip written directly against nats.js, with nothing Sokoul adds
 * (no envelope, schema validation, headers, dedup id, trace context, metrics or ack
 * confirmation). Same topology as Sokoul: a work-queue stream for the request, a limits
 * stream for the reply event, file storage, pull consumers with explicit acks and the same
 * pull batch and in-flight bound, and the requester and the worker on separate connections as
 * they would be separate processes.
 */
export class RawHarness implements RoundTripHarness {
  readonly label = 'raw nats.js';
  private readonly pending = new PendingReplies();
  private readonly consumers: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];
  private requester!: NatsConnection;
  private worker!: NatsConnection;
  private requesterJs!: JetStreamClient;

  private constructor(private readonly options: RawHarnessOptions) {}

  static async start(options: RawHarnessOptions): Promise<RawHarness> {
    const harness = new RawHarness(options);
    await harness.setUp();
    return harness;
  }

  get streams(): string[] {
    const upper = this.options.prefix.toUpperCase();
    return [`${upper}_REQUESTS`, `${upper}_EVENTS`];
  }

  private subject(name: 'requested' | 'completed'): string {
    return `${this.options.prefix}.search.${name}`;
  }

  async roundTrip(): Promise<void> {
    const searchId = randomUUID();
    const replied = this.pending.wait(searchId);
    await this.requesterJs.publish(this.subject('requested'), JSON.stringify({ searchId, query: 'bench', requestedBy: null }));
    await replied;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.close().catch(() => undefined)));
    await Promise.allSettled(this.loops);
    const jsm = await this.requester.jetstreamManager();
    for (const stream of this.streams) await jsm.streams.delete(stream).catch(() => undefined);
    await Promise.all([this.requester.drain(), this.worker.drain()]);
  }

  private async setUp(): Promise<void> {
    const servers = this.options.servers.split(',');
    this.requester = await connect({ servers, name: `${this.options.prefix}:requester` });
    this.worker = await connect({ servers, name: `${this.options.prefix}:worker` });
    this.requesterJs = this.requester.jetstream();
    await this.createStreams();
    await this.startWorker();
    await this.startReplyListener();
  }

  private async createStreams(): Promise<void> {
    const jsm = await this.requester.jetstreamManager();
    const [requests, events] = this.streams;
    // File storage, as Sokoul's streams: memory storage would flatter the baseline.
    await jsm.streams.add({
      name: requests,
      subjects: [this.subject('requested')],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
    });
    await jsm.streams.add({
      name: events,
      subjects: [this.subject('completed')],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
    });
  }

  /** Durable consumer on the work queue: handles a request by publishing the reply event. */
  private async startWorker(): Promise<void> {
    const js = this.worker.jetstream();
    const jsm = await this.worker.jetstreamManager();
    const [requests] = this.streams;
    await jsm.consumers.add(requests, {
      durable_name: 'worker',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subject('requested'),
    });
    const messages = await (await js.consumers.get(requests, 'worker')).consume({ max_messages: this.options.concurrency });
    const slots = new Slots(this.options.concurrency);
    const handle = async (msg: JsMsg) => {
      const { searchId } = msg.json<{ searchId: string }>();
      const reply = { searchId, status: 'completed', requestedBy: null, releaseCount: 0, completedAt: new Date().toISOString() };
      await js.publish(this.subject('completed'), JSON.stringify(reply));
      msg.ack();
    };
    this.consume(messages, async (msg) => {
      await slots.acquire();
      void handle(msg)
        .catch((error: Error) => {
          process.stderr.write(`raw worker: ${error.message}\n`);
          msg.nak();
        })
        .finally(() => slots.release());
    });
  }

  /** The requester's own consumer on the events stream, new messages only. */
  private async startReplyListener(): Promise<void> {
    const js = this.requesterJs;
    const jsm = await this.requester.jetstreamManager();
    const [, events] = this.streams;
    await jsm.consumers.add(events, {
      name: 'requester',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      filter_subject: this.subject('completed'),
    });
    const messages = await (await js.consumers.get(events, 'requester')).consume({ max_messages: this.options.concurrency });
    this.consume(messages, async (msg) => {
      msg.ack();
      this.pending.settle(msg.json<{ searchId: string }>().searchId);
    });
  }

  private consume(messages: ConsumerMessages, onMessage: (msg: JsMsg) => Promise<void>): void {
    this.consumers.push(messages);
    this.loops.push(
      (async () => {
        for await (const msg of messages) await onMessage(msg);
      })(),
    );
  }
}
