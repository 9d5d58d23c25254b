import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type DownloadProgress, type DownloadUpdated, Subjects } from '@sokoul/contracts';
import type { MessageContext, SubscriptionExtras } from '@sokoul/messaging';
import { toClientEvent } from './client-event';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Every gateway replica reads every download event (broadcast) and tells its own clients: the
 * download's owner and admins. Progress arrives at most once a second per download.
 */
@Controller()
export class DownloadEventsHandler {
  constructor(private readonly realtime: RealtimeGateway) {}

  @EventPattern(Subjects.downloadUpdated, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  updated(@Payload() payload: DownloadUpdated, @Ctx() context: MessageContext): void {
    this.realtime.broadcast(toClientEvent(payload, context), payload.requestedBy);
  }

  @EventPattern(Subjects.downloadProgress, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  progress(@Payload() payload: DownloadProgress, @Ctx() context: MessageContext): void {
    this.realtime.broadcast(toClientEvent(payload, context), payload.requestedBy);
  }
}
