import type { MessageContext } from '@sokoul/messaging';
import type { ClientEvent } from './realtime.gateway';

/** What a WebSocket client receives for a bus event: its type, stable id, time and payload. */
export function toClientEvent(payload: unknown, context: MessageContext): ClientEvent {
  return { type: context.envelope.type, id: context.messageId, occurredAt: context.envelope.occurredAt, data: payload };
}
