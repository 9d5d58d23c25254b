import { type JetStreamClient, type PubAck, headers as natsHeaders } from 'nats';
import type { PayloadOf, Subject } from '@sokoul/contracts';
import { outgoingTraceparent } from '@sokoul/observability';
import { type EnvelopeOptions, createEnvelope } from './envelope';
import { Headers } from './headers';
import type { Wire } from './wire';

export class PublishError extends Error {
  constructor(subject: string, cause: unknown) {
    super(`could not publish to ${subject}: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'PublishError';
  }
}

export interface Published {
  id: string;
  /** JetStream already held a message with this id (a retry of an earlier publish). */
  duplicate: boolean;
  sequence: number;
}

/**
 * Publishes typed messages: the subject decides the payload type (compile time) and its
 * schema (run time). Resolves only once JetStream stored the message; otherwise rejects with
 * a PublishError the caller can retry, never drops silently.
 */
export class JetStreamPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly wire: Wire,
    private readonly timeoutMs = 5_000,
  ) {}

  async publish<S extends Subject>(subject: S, payload: PayloadOf<S>, options: EnvelopeOptions = {}): Promise<Published> {
    // A child span of the current trace, or the start of a new one: every message is traceable.
    const traceparent = options.traceparent ?? outgoingTraceparent();
    const envelope = createEnvelope(subject, payload, { ...options, traceparent });
    const headers = natsHeaders();
    headers.set(Headers.correlationId, envelope.correlationId);
    headers.set(Headers.traceparent, traceparent);
    let ack: PubAck;
    try {
      ack = await this.js.publish(this.wire.subject(subject), JSON.stringify(envelope), {
        msgID: envelope.id,
        headers,
        timeout: this.timeoutMs,
      });
    } catch (error) {
      throw new PublishError(subject, error);
    }
    return { id: envelope.id, duplicate: ack.duplicate, sequence: ack.seq };
  }
}
