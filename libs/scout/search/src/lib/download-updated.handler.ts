import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DownloadUpdated, Subjects } from '@sokoul/contracts';
import { WatchlistRepository } from '@sokoul/persistence';

/**
 * Closes the loop of a watchlist grab: the hunter accepted it (no more re-sends), or it failed
 * and the item is wanted again, searched at once for the next best release. A download that
 * failed as a duplicate is someone else's download of the very same torrent: that counts.
 */
@Controller()
export class DownloadUpdatedHandler {
  private readonly logger = new Logger(DownloadUpdatedHandler.name);

  constructor(private readonly watchlist: WatchlistRepository) {}

  @EventPattern(Subjects.downloadUpdated)
  async handle(@Payload() update: DownloadUpdated): Promise<void> {
    if (!update.watchlistItemId || !update.releaseId) return;
    const outcome = outcomeOf(update);
    if (await this.watchlist.settleGrab(update.watchlistItemId, update.releaseId, outcome)) {
      this.logger.log(`watchlist item ${update.watchlistItemId}: ${outcome === 'grabbed' ? 'download accepted' : `download ${update.status} (${update.failureCode ?? 'no reason'}), searching again`}`);
    }
  }
}

/** Accepted (whatever it does next, retries included) keeps the grab; failed or cancelled frees the item. */
function outcomeOf(update: DownloadUpdated): 'grabbed' | 'wanted' {
  if (update.status === 'cancelled') return 'wanted';
  if (update.status === 'failed') return update.failureCode === 'duplicate' ? 'grabbed' : 'wanted';
  return 'grabbed';
}
