import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type SearchCompleted, Subjects } from '@sokoul/contracts';
import type { MessageContext, SubscriptionExtras } from '@sokoul/messaging';
import { toClientEvent } from './client-event';
import { RealtimeGateway } from './realtime.gateway';

/** Every gateway replica reads every completion (broadcast) and tells its own clients. */
@Controller()
export class SearchCompletedHandler {
  constructor(private readonly realtime: RealtimeGateway) {}

  @EventPattern(Subjects.searchCompleted, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  handle(@Payload() payload: SearchCompleted, @Ctx() context: MessageContext): void {
    this.realtime.broadcast(toClientEvent(payload, context), payload.requestedBy);
  }
}
