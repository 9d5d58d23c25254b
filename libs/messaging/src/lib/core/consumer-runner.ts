import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  nanos,
} from 'nats';
import { type Envelope, MessageCatalog, Streams, type Subject, decodeMessage } from '@sokoul/contracts';
import { counter, histogram, runInSpan } from '@sokoul/observability';
import { type DeadLetterReason, deadLetter } from './dead-letter';
import { NonRetryableError } from './errors';
import { Headers } from './headers';
import { MessageContext } from './message-context';
import type { MessagingOptions } from './messaging-options';
import { Semaphore } from './semaphore';
import { isNotFound } from './topology';
import type { Wire } from './wire';

/**
 * competing: one durable consumer per service; replicas split the messages (commands, and
 * events a service turns into effects). broadcast: one consumer per process that sees every
 * new message (the gateway pushing events to its own WebSocket clients).
 */
export type Delivery = 'competing' | 'broadcast';

export type EnvelopeHandler = (envelope: Envelope, context: MessageContext) => Promise<unknown>;

export interface RunnerLogger {
  log(message: string, context?: string): void;
  warn(message: string | object, context?: string): void;
  error(message: string | object, context?: string): void;
}

/** How long stop() waits for the pull loop after the drain, before giving up on it. */
const LOOP_WIND_DOWN_MS = 2_000;

const processed = counter('sokoul_messages_processed_total', 'Messages handled, by outcome', ['subject', 'outcome']);
const handlerDuration = histogram('sokoul_message_handler_duration_seconds', 'Time spent in message handlers', ['subject']);

/** Pulls one consumer's messages and runs them through a handler with JetStream's guarantees. */
export class ConsumerRunner {
  readonly consumerName: string;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private readonly slots: Semaphore;
  private readonly inFlight = new Map<JsMsg, Promise<void>>();
  /** Released for redelivery at the drain timeout: their late result must not ack. */
  private readonly released = new WeakSet<JsMsg>();
  /** `working` timers of in-flight messages: stopped when the handler ends or is abandoned. */
  private readonly keepAlives = new Map<JsMsg, NodeJS.Timeout>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly wire: Wire,
    private readonly options: MessagingOptions,
    readonly subject: Subject,
    private readonly delivery: Delivery,
    private readonly handler: EnvelopeHandler,
    private readonly logger: RunnerLogger,
  ) {
    this.slots = new Semaphore(options.concurrency);
    this.consumerName =
      delivery === 'competing'
        ? wire.consumerName(options.service, subject)
        : wire.consumerName(options.service, options.instanceId, subject);
  }

  get streamName(): string {
    return this.wire.stream(MessageCatalog[this.subject].kind === 'command' ? Streams.commands : Streams.events);
  }

  /** Creates (or updates) the consumer and starts pulling. */
  async start(): Promise<void> {
    await this.provision();
    const consumer = await this.js.consumers.get(this.streamName, this.consumerName);
    this.messages = await consumer.consume({ max_messages: this.options.concurrency });
    this.loop = this.pull(this.messages);
  }

  /**
   * Stops pulling, lets in-flight handlers finish within the drain timeout, then releases
   * the rest for redelivery (a handler still running past it will not ack). Messages already
   * buffered but not started are released at once. Resolves within the drain timeout plus a
   * bounded grace for the pull loop to wind down, whatever the handlers do.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    // Not awaited yet: close() settles only once the pull loop reads on, and the loop may be
    // waiting for a handler slot.
    const closed = this.messages?.close().catch(() => undefined);
    const drained = await settlesWithin(Promise.allSettled([...this.inFlight.values()]), this.options.drainTimeoutMs);
    if (!drained) {
      for (const msg of this.inFlight.keys()) {
        this.released.add(msg);
        clearInterval(this.keepAlives.get(msg));
        msg.nak();
      }
      this.logger.warn(`released ${this.inFlight.size} in-flight message(s) for redelivery after the drain timeout`, this.consumerName);
      // Handlers that never return keep their slots; let the loop through to release the buffer.
      this.slots.open();
    }
    await settlesWithin(Promise.all([closed, this.loop]), LOOP_WIND_DOWN_MS);
  }

  private consumerConfig(): Partial<ConsumerConfig> {
    const base: Partial<ConsumerConfig> = {
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.options.ackWaitMs),
      // One delivery past our own limit: a message whose handler keeps killing the process is
      // seen once more, and dead-lettered on receipt instead of being retried forever.
      max_deliver: this.options.maxDeliver + 1,
      filter_subject: this.wire.subject(this.subject),
      max_ack_pending: 1_000,
    };
    return this.delivery === 'competing'
      ? { ...base, durable_name: this.consumerName, deliver_policy: DeliverPolicy.All }
      : { ...base, name: this.consumerName, deliver_policy: DeliverPolicy.New, inactive_threshold: nanos(60_000) };
  }

  private async provision(): Promise<void> {
    const config = this.consumerConfig();
    try {
      await this.jsm.consumers.info(this.streamName, this.consumerName);
      await this.jsm.consumers.update(this.streamName, this.consumerName, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.jsm.consumers.add(this.streamName, config);
    }
  }

  private async pull(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.stopping) {
        msg.nak();
        continue;
      }
      await this.slots.acquire();
      if (this.stopping) {
        msg.nak();
        this.slots.release();
        continue;
      }
      const task = this.process(msg).finally(() => {
        this.inFlight.delete(msg);
        this.slots.release();
      });
      this.inFlight.set(msg, task);
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    if (deliveries > this.options.maxDeliver) {
      await this.deadLetter(msg, 'max-deliveries', `delivered ${deliveries} times without an ack`);
      return;
    }
    const decoded = decodeMessage(this.subject, msg.data);
    if (!decoded.ok) {
      await this.deadLetter(msg, decoded.reason, decoded.detail);
      return;
    }
    const envelope = decoded.envelope;
    // The consumer span continues the producer's (envelope first, then the NATS header).
    const traceparent = envelope.traceparent ?? msg.headers?.get(Headers.traceparent);
    const attributes = {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': msg.subject,
      'messaging.consumer.group.name': this.consumerName,
      'messaging.message.id': envelope.id,
      'messaging.nats.delivery_count': deliveries,
    };
    await runInSpan(`process ${this.subject}`, { kind: 'consumer', parent: traceparent, attributes }, async (span) => {
      const context = new MessageContext(msg, this.subject, envelope, this.consumerName);
      this.keepAlives.set(msg, setInterval(() => msg.working(), Math.max(500, Math.floor(this.options.ackWaitMs / 3))));
      const stopTimer = handlerDuration.startTimer({ subject: this.subject });
      try {
        await this.handler(envelope, context);
        stopTimer();
        if (this.released.has(msg)) return;
        await msg.ackAck().catch((error: Error) => {
          // The effect is committed; redelivery will find it done (handlers are idempotent).
          this.logger.warn(`ack of ${envelope.id} not confirmed: ${error.message}`, this.consumerName);
        });
        processed.inc({ subject: this.subject, outcome: 'ok' });
      } catch (error) {
        stopTimer();
        span.fail(error);
        await this.onHandlerError(msg, envelope, error as Error, deliveries);
      } finally {
        clearInterval(this.keepAlives.get(msg));
        this.keepAlives.delete(msg);
      }
    });
  }

  private async onHandlerError(msg: JsMsg, envelope: Envelope, error: Error, deliveries: number): Promise<void> {
    if (error instanceof NonRetryableError) {
      await this.deadLetter(msg, 'non-retryable', error.message);
      return;
    }
    if (deliveries >= this.options.maxDeliver) {
      await this.deadLetter(msg, 'handler-failed', `${error.message} (after ${deliveries} attempts)`);
      return;
    }
    const backoff = this.options.retryBackoffMs;
    const delay = backoff[Math.min(deliveries - 1, backoff.length - 1)];
    this.logger.warn(
      { msg: `handler failed, retrying in ${delay} ms`, messageId: envelope.id, attempt: deliveries, error: error.message },
      this.consumerName,
    );
    msg.nak(delay);
    processed.inc({ subject: this.subject, outcome: 'retried' });
  }

  private async deadLetter(msg: JsMsg, reason: DeadLetterReason, detail: string): Promise<void> {
    const stored = await deadLetter(this.js, this.wire, msg, this.consumerName, reason, detail);
    if (stored) {
      this.logger.error({ msg: 'message dead-lettered', subject: this.subject, reason, detail, sequence: msg.seq }, this.consumerName);
      processed.inc({ subject: this.subject, outcome: 'dead_lettered' });
    }
  }
}

/** True if `work` settled within `ms`, false if the time ran out first. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return result;
}
