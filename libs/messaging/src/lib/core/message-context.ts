import type { JsMsg } from 'nats';
import type { Envelope, Subject } from '@sokoul/contracts';

/** What a handler may know about the message it is handling, besides the payload. */
export class MessageContext {
  constructor(
    private readonly msg: JsMsg,
    readonly subject: Subject,
    readonly envelope: Envelope,
    /** Durable (or broadcast) consumer the message came through; part of idempotency keys. */
    readonly consumer: string,
  ) {}

  get messageId(): string {
    return this.envelope.id;
  }

  get correlationId(): string {
    return this.envelope.correlationId;
  }

  /** 1 on first delivery, then counts redeliveries. */
  get deliveryCount(): number {
    return this.msg.info.deliveryCount;
  }

  /** Tells JetStream the handler is still at work; the runner also does it on a timer. */
  working(): void {
    this.msg.working();
  }
}
