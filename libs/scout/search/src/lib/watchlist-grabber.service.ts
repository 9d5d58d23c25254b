import { Injectable } from '@nestjs/common';
import { type Media, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher } from '@sokoul/messaging';
import { ReleaseRepository, type SearchEntity, type Transaction, WatchlistRepository } from '@sokoul/persistence';

/** The id of the one download a watchlist item's grab may cause. */
export const watchlistRequestId = (itemId: string, releaseId: string) => `watchlist:${itemId}:${releaseId}`;

/**
 * Turns a watchlist search into a download when a release is good enough: the best grabbable
 * release (accepted by the profile, not judged a mismatch by the oracle) at or above the
 * profile's cutoff, if the item wants automatic downloads. The decision is one conditional
 * update (wanted → grabbing), so two replicas, a redelivery or a restart cannot grab twice;
 * the command that follows carries a stable id, and is sent again (de-duplicated) until the
 * hunter confirms.
 */
@Injectable()
export class WatchlistGrabberService {
  constructor(
    private readonly watchlist: WatchlistRepository,
    private readonly releases: ReleaseRepository,
    private readonly publisher: JetStreamPublisher,
  ) {}

  /** Picks and claims the release to grab among the search's stored releases, if any (in the caller's transaction when given). */
  async decide(search: SearchEntity, tx?: Transaction): Promise<void> {
    if (!search.watchlistItemId) return;
    const item = await this.watchlist.findById(search.watchlistItemId);
    if (!item || !item.autoDownload || item.status !== 'wanted') return;
    const best = await this.releases.bestToGrab(search.id, tx);
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
