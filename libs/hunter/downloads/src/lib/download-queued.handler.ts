import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DownloadUpdated, Subjects } from '@sokoul/contracts';
import type { SubscriptionExtras } from '@sokoul/messaging';
import { DownloadSupervisor } from './download-supervisor.service';

/**
 * Every hunter hears of downloads queued (requested or resumed) and looks for work at once
 * rather than at its next tick; whichever claims the row first takes it.
 */
@Controller()
export class DownloadQueuedHandler {
  constructor(private readonly supervisor: DownloadSupervisor) {}

  @EventPattern(Subjects.downloadUpdated, { delivery: 'broadcast' } satisfies SubscriptionExtras)
  handle(@Payload() update: DownloadUpdated): void {
    if (update.status === 'queued') this.supervisor.nudge();
  }
}
