import { z } from 'zod';

/** W3C trace context header value: version-traceid-parentid-flags. */
export const TRACEPARENT_PATTERN = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/**
 * Metadata every message carries around its payload. `id` is also sent as `Nats-Msg-Id`, so
 * JetStream drops a re-publish of the same message inside the stream's duplicate window.
 */
export const envelopeSchema = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  traceparent: z.string().regex(TRACEPARENT_PATTERN).optional(),
  payload: z.unknown(),
});

export type Envelope<P = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: P };
