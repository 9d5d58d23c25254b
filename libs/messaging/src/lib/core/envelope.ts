import { randomUUID } from 'node:crypto';
import { type Envelope, MessageCatalog, type PayloadOf, type Subject, describeIssues } from '@sokoul/contracts';

export interface EnvelopeOptions {
  /** Stable id for an effect that may be published again (retries): JetStream drops the copy. */
  id?: string;
  correlationId?: string;
  traceparent?: string;
}

/** Wraps a payload for `subject`, validating it first: publishing a bad payload fails loudly here. */
export function createEnvelope<S extends Subject>(
  subject: S,
  payload: PayloadOf<S>,
  options: EnvelopeOptions = {},
): Envelope<PayloadOf<S>> {
  const definition = MessageCatalog[subject];
  const checked = definition.schema.safeParse(payload);
  if (!checked.success) {
    throw new TypeError(`refusing to publish an invalid ${definition.type}: ${describeIssues(checked.error)}`);
  }
  const id = options.id ?? randomUUID();
  return {
    id,
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    occurredAt: new Date().toISOString(),
    correlationId: options.correlationId ?? id,
    ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    payload: checked.data as PayloadOf<S>,
  };
}
