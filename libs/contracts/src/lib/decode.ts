import { z } from 'zod';
import { type PayloadOf, MessageCatalog } from './catalog';
import { type Envelope, envelopeSchema } from './envelope';
import type { Subject } from './subjects';

export type DecodeResult<S extends Subject> =
  | { ok: true; envelope: Envelope<PayloadOf<S>> }
  | { ok: false; reason: 'malformed' | 'unknown-version' | 'wrong-type'; detail: string };

/**
 * Parses and validates raw bytes received on `subject`: JSON, then the envelope, then the
 * payload schema that the catalog links to the subject. Never throws.
 */
export function decodeMessage<S extends Subject>(subject: S, data: Uint8Array): DecodeResult<S> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch (error) {
    return { ok: false, reason: 'malformed', detail: `not JSON: ${(error as Error).message}` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return { ok: false, reason: 'malformed', detail: `envelope: ${describeIssues(envelope.error)}` };
  }
  const definition = MessageCatalog[subject];
  if (envelope.data.type !== definition.type) {
    return { ok: false, reason: 'wrong-type', detail: `expected type ${definition.type}, got ${envelope.data.type}` };
  }
  if (envelope.data.schemaVersion !== definition.schemaVersion) {
    return {
      ok: false,
      reason: 'unknown-version',
      detail: `schemaVersion ${envelope.data.schemaVersion} is not ${definition.schemaVersion}`,
    };
  }
  const payload = definition.schema.safeParse(envelope.data.payload);
  if (!payload.success) {
    return { ok: false, reason: 'malformed', detail: `payload: ${describeIssues(payload.error)}` };
  }
  return { ok: true, envelope: { ...envelope.data, payload: payload.data as PayloadOf<S> } };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
