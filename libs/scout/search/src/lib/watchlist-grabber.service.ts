import { Injectable } from '@nestjs/common';
import { type Media, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher } from '@sokoul/messaging';
import { type NewRelease, ReleaseRepository, type SearchEntity, type Transaction, WatchlistRepository } from '@sokoul/persistence';

/** The id of the one download a watchlist item's grab may cause. */
export const watchlistRequestId = (itemId: string, releaseId: string) => `watchlist:${itemId}:${releaseId}`;

/**
 * Turns a watchlist search into a download when a release is good enough: the best accepted
 * release at or above the profile's cutoff, if the item wants automatic downloads. The
 * decision is one conditional update (wanted → grabbing) in the search's own transaction, so
 * two replicas, a redelivery or a restart cannot grab twice; the command that follows carries
 * a stable id, and is sent again (de-duplicated) until the hunter confirms.
 */
@Injectable()
export class WatchlistGrabberService {
  constructor(
    private readonly watchlist: WatchlistRepository,
    private readonly releases: ReleaseRepository,
    private readonly publisher: JetStreamPublisher,
  ) {}

  /** Inside the search's transaction: picks and claims the release to grab, if any. */
  async decide(search: SearchEntity, stored: readonly NewRelease[], tx: Transaction): Promise<void> {
    if (!search.watchlistItemId) return;
    const item = await this.watchlist.findById(search.watchlistItemId);
    if (!item || !item.autoDownload || item.status !== 'wanted') return;
    const best = stored.filter((r) => r.accepted && r.meetsCutoff).sort((a, b) => b.score - a.score || (b.seeders ?? -1) - (a.seeders ?? -1))[0];
    if (best) await this.watchlist.markGrabbing(item.id, best.id, tx);
  }

  /** After commit (and again on redelivery): asks the hunter for the download this search decided. */
  async requestDownload(search: SearchEntity, correlationId?: string): Promise<boolean> {
    if (!search.watchlistItemId) return false;
    const item = await this.watchlist.findById(search.watchlistItemId);
    if (!item || item.status !== 'grabbing' || !item.grabbedReleaseId) return false;
    const release = await this.releases.findById(item.grabbedReleaseId);
    if (!release || release.searchId !== search.id) return false;
    await this.publisher.publish(
      Subjects.downloadRequested,
      {
        requestId: watchlistRequestId(item.id, release.id),
        releaseId: release.id,
        searchId: search.id,
        requestedBy: item.userId,
        watchlistItemId: item.id,
        infoHash: release.infoHash,
        title: release.title,
        media: (search.media as Media | null) ?? null,
      },
      { id: `download.requested:${watchlistRequestId(item.id, release.id)}`, correlationId },
    );
    return true;
  }
}
