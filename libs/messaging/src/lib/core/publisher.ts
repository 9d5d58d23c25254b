import { type JetStreamClient, type PubAck, headers as natsHeaders } from 'nats';
import type { PayloadOf, Subject } from '@sokoul/contracts';
import { runInSpan } from '@sokoul/observability';
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
    const destination = this.wire.subject(subject);
    const attributes = { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', 'messaging.destination.name': destination };
    return runInSpan(`publish ${subject}`, { kind: 'producer', attributes }, async (span) => {
      // The producer span (tracing on) or a child of the current trace, or the start of a new
      // one: every message is traceable, and its consumer continues this trace.
      const traceparent = options.traceparent ?? span.traceparent;
      const envelope = createEnvelope(subject, payload, { ...options, traceparent });
      span.setAttribute('messaging.message.id', envelope.id);
      const headers = natsHeaders();
      headers.set(Headers.correlationId, envelope.correlationId);
      headers.set(Headers.traceparent, traceparent);
      let ack: PubAck;
      try {
        ack = await this.js.publish(destination, JSON.stringify(envelope), {
          msgID: envelope.id,
          headers,
          timeout: this.timeoutMs,
        });
      } catch (error) {
        throw new PublishError(subject, error);
      }
      return { id: envelope.id, duplicate: ack.duplicate, sequence: ack.seq };
    });
  }
}
