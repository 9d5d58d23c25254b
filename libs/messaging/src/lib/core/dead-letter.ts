import { type JetStreamClient, type JsMsg, headers as natsHeaders } from 'nats';
import { counter } from '@sokoul/observability';
import { Headers } from './headers';
import type { Wire } from './wire';

export type DeadLetterReason = 'malformed' | 'unknown-version' | 'wrong-type' | 'handler-failed' | 'non-retryable' | 'max-deliveries';

const deadLettered = counter('sokoul_messages_dead_lettered_total', 'Messages moved to the dead-letter stream', [
  'subject',
  'reason',
]);

/**
 * Copies the message, with why and where from, to the dead-letter stream, then terminates it
 * so it is never delivered again. If the copy cannot be stored the message is released for
 * redelivery instead: a dead letter is never lost on the way.
 */
export async function deadLetter(
  js: JetStreamClient,
  wire: Wire,
  msg: JsMsg,
  consumer: string,
  reason: DeadLetterReason,
  detail: string,
): Promise<boolean> {
  const subject = wire.logical(msg.subject);
  const headers = natsHeaders();
  headers.set(Headers.deadLetterReason, reason);
  headers.set(Headers.deadLetterDetail, detail.slice(0, 2000).replace(/[\r\n]+/g, ' '));
  headers.set(Headers.originalSubject, subject);
  headers.set(Headers.originalStream, msg.info.stream);
  headers.set(Headers.originalSequence, String(msg.seq));
  headers.set(Headers.consumer, consumer);
  headers.set(Headers.deliveries, String(msg.info.deliveryCount));
  const traceparent = msg.headers?.get(Headers.traceparent);
  if (traceparent) headers.set(Headers.traceparent, traceparent);
  try {
    await js.publish(wire.deadLetterSubject(subject), msg.data, {
      msgID: `dlq:${msg.info.stream}:${msg.seq}:${consumer}`,
      headers,
    });
  } catch {
    msg.nak(1_000);
    return false;
  }
  // No reason text on term: NATS 2.9 ignores a `+TERM <reason>` it cannot parse, leaving the
  // message pending forever. The reason travels in the dead letter's headers instead.
  msg.term();
  deadLettered.inc({ subject, reason });
  return true;
}
