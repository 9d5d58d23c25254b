import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type ReleasesValidated, type SearchCompleted, Subjects } from '@sokoul/contracts';
import type { MessageContext, SubscriptionExtras } from '@sokoul/messaging';
import { toClientEvent } from './client-event';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Every gateway replica reads every search event (broadcast) and tells its own clients: the
 * search's owner and admins. First the search completes (ranked releases to read), then the
 * oracle's verdicts arrive (the ranking may change: read them again).
 */
@Controller()
export class SearchEventsHandler {
  constructor(private readonly realtime: RealtimeGateway) {}

  @EventPattern(Subjects.searchCompleted, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  completed(@Payload() payload: SearchCompleted, @Ctx() context: MessageContext): void {
    this.realtime.broadcast(toClientEvent(payload, context), payload.requestedBy);
  }

  @EventPattern(Subjects.releasesValidated, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  validated(@Payload() payload: ReleasesValidated, @Ctx() context: MessageContext): void {
    this.realtime.broadcast(toClientEvent(payload, context), payload.requestedBy);
  }
}
