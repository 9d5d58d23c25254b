import { randomBytes, randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { type PayloadOf, Streams, type Subject, Subjects } from '@sokoul/contracts';
import {
  ConsumerRunner,
  type Delivery,
  type EnvelopeHandler,
  JetStreamPublisher,
  type MessagingOptions,
  type RunnerLogger,
  Wire,
  connectNats,
  ensureStreams,
} from '@sokoul/messaging';
import { PendingReplies, type RoundTripHarness } from './round-trip';

export interface SokoulHarnessOptions {
  servers: string;
  /** `MessagingOptions.namespace`: isolates this run's streams and subjects. */
  namespace: string;
  /** The services' defaults (NATS_* variables), so the lib runs as it does in production. */
  messaging: Pick<MessagingOptions, 'ackWaitMs' | 'maxDeliver' | 'retryBackoffMs' | 'concurrency' | 'drainTimeoutMs'>;
}

/** The runners log through this: only problems, so they show up among the bench's progress. */
const quietLogger: RunnerLogger = {
  log: () => undefined,
  warn: (message) => process.stderr.write(`sokoul warn: ${JSON.stringify(message)}\n`),
  error: (message) => process.stderr.write(`sokoul error: ${JSON.stringify(message)}\n`),
};

/**
 * The round trip through @sokoul/messaging with the real contract: the requester publishes
 * `search.requested`, a competing ConsumerRunner (scout's role) publishes `search.completed`,
 * and a broadcast ConsumerRunner on the requester's side (the gateway's role) receives it.
 */
export class SokoulHarness implements RoundTripHarness {
  readonly label = 'Sokoul';
  private readonly pending = new PendingReplies();
  private readonly runners: ConsumerRunner[] = [];
  private readonly wire: Wire;
  private requester!: NatsConnection;
  private worker!: NatsConnection;
  private publisher!: JetStreamPublisher;

  /** The two sides of the round trip, each with its own service name and instance id. */
  private readonly roles: Record<'requester' | 'worker', MessagingOptions>;

  private constructor(options: SokoulHarnessOptions) {
    this.wire = new Wire(options.namespace);
    const role = (service: string): MessagingOptions => ({
      ...options.messaging,
      service,
      instanceId: `${service}-${randomBytes(3).toString('hex')}`,
      servers: options.servers,
      namespace: options.namespace,
    });
    this.roles = { requester: role('bench-requester'), worker: role('bench-worker') };
  }

  static async start(options: SokoulHarnessOptions): Promise<SokoulHarness> {
    const harness = new SokoulHarness(options);
    await harness.setUp();
    return harness;
  }

  /** The namespaced streams ensureStreams creates, e.g. BENCH_1A2B_SOKOUL_COMMANDS. */
  get streams(): string[] {
    return Object.values(Streams).map((name) => this.wire.stream(name));
  }

  async roundTrip(): Promise<void> {
    const searchId = randomUUID();
    const replied = this.pending.wait(searchId);
    await this.publisher.publish(Subjects.searchRequested, { searchId, query: 'bench', requestedBy: null });
    await replied;
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    const jsm = await this.requester.jetstreamManager();
    for (const stream of this.streams) await jsm.streams.delete(stream).catch(() => undefined);
    await Promise.all([this.requester.drain(), this.worker.drain()]);
  }

  private async setUp(): Promise<void> {
    // Two connections, as the publisher and the worker are two services in production.
    this.requester = await connectNats(this.roles.requester, quietLogger);
    this.worker = await connectNats(this.roles.worker, quietLogger);
    await ensureStreams(await this.requester.jetstreamManager(), this.wire);
    this.publisher = new JetStreamPublisher(this.requester.jetstream(), this.wire);

    const workerPublisher = new JetStreamPublisher(this.worker.jetstream(), this.wire);
    await this.startRunner(this.worker, this.roles.worker, Subjects.searchRequested, 'competing', async (envelope) => {
      const { searchId } = envelope.payload as PayloadOf<typeof Subjects.searchRequested>;
      await workerPublisher.publish(Subjects.searchCompleted, {
        searchId,
        status: 'completed',
        requestedBy: null,
        releaseCount: 0,
        completedAt: new Date().toISOString(),
      });
    });
    await this.startRunner(this.requester, this.roles.requester, Subjects.searchCompleted, 'broadcast', async (envelope) => {
      this.pending.settle((envelope.payload as PayloadOf<typeof Subjects.searchCompleted>).searchId);
    });
  }

  private async startRunner(
    nc: NatsConnection,
    options: MessagingOptions,
    subject: Subject,
    delivery: Delivery,
    handler: EnvelopeHandler,
  ): Promise<void> {
    const runner = new ConsumerRunner(
      nc.jetstream(),
      await nc.jetstreamManager(),
      this.wire,
      options,
      subject,
      delivery,
      handler,
      quietLogger,
    );
    await runner.start();
    this.runners.push(runner);
  }
}
