import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type SystemAlert, Subjects } from '@sokoul/contracts';
import type { MessageContext, SubscriptionExtras } from '@sokoul/messaging';
import { toClientEvent } from './client-event';
import { RealtimeGateway } from './realtime.gateway';

/** Every gateway replica reads every alert (broadcast) and tells its admins, raised and resolved. */
@Controller()
export class SystemAlertHandler {
  constructor(private readonly realtime: RealtimeGateway) {}

  @EventPattern(Subjects.systemAlert, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  handle(@Payload() payload: SystemAlert, @Ctx() context: MessageContext): void {
    // Owned by nobody: admins only.
    this.realtime.broadcast(toClientEvent(payload, context), null);
  }
}
