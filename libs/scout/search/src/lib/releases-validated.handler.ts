import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type ReleasesValidated, Subjects } from '@sokoul/contracts';
import type { MessageContext } from '@sokoul/messaging';
import { SearchRepository } from '@sokoul/persistence';
import { SCOUT_OPTIONS, type ScoutOptions } from './scout.options';
import { WatchlistGrabberService } from './watchlist-grabber.service';

/**
 * A watchlist search's releases are judged: now the automatic download can be decided, on the
 * ranking with the oracle's verdicts. Scout replicas compete for the event; deciding twice is
 * harmless (the grab is a conditional update, the command has a stable id).
 */
@Controller()
export class ReleasesValidatedHandler {
  constructor(
    private readonly searches: SearchRepository,
    private readonly grabber: WatchlistGrabberService,
    @Inject(SCOUT_OPTIONS) private readonly options: ScoutOptions,
  ) {}

  @EventPattern(Subjects.releasesValidated)
  async handle(@Payload() validated: ReleasesValidated, @Ctx() context: MessageContext): Promise<void> {
    if (this.options.watchlist.grabAfter !== 'validation') return;
    const search = await this.searches.findById(validated.searchId);
    if (!search?.watchlistItemId || search.status !== 'completed') return;
    await this.grabber.decide(search);
    await this.grabber.requestDownload(search, context.correlationId);
  }
}
