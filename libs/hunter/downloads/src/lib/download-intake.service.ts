import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DownloadRequested } from '@sokoul/contracts';
import { BlocklistRepository, DownloadRepository, type NewDownload, ReleaseRepository } from '@sokoul/persistence';
import { matchReleaseToMedia } from '@sokoul/release-ranking';
import { DownloadEventsService } from './download-events.service';
import { HUNTER_OPTIONS, type HunterOptions } from './hunter.options';

/**
 * Turns a download command (a watchlist grab) into a queued download, once per request id.
 * A request that cannot be honoured is still recorded, failed with its reason, so the item's
 * owner sees why and the scout can pick the next best release.
 */
@Injectable()
export class DownloadIntakeService {
  private readonly logger = new Logger(DownloadIntakeService.name);

  constructor(
    private readonly downloads: DownloadRepository,
    private readonly releases: ReleaseRepository,
    private readonly blocklist: BlocklistRepository,
    private readonly events: DownloadEventsService,
    @Inject(HUNTER_OPTIONS) private readonly options: HunterOptions,
  ) {}

  async accept(request: DownloadRequested): Promise<void> {
    const release = await this.releases.findById(request.releaseId);
    const base: NewDownload = {
      id: randomUUID(),
      requestId: request.requestId,
      userId: request.requestedBy,
      releaseId: release ? release.id : null,
      searchId: release ? request.searchId : null,
      watchlistItemId: request.watchlistItemId,
      infoHash: release?.infoHash ?? request.infoHash,
      title: request.title,
      media: request.media,
      claimedSizeBytes: release?.sizeBytes ?? null,
      sourceUrl: release?.magnetUrl ?? release?.downloadUrl ?? '',
      client: this.options.defaultClient,
    };
    const refusal = await this.refusal(base, request);
    const outcome = await this.downloads.request(refusal ? { ...base, status: 'failed', ...refusal } : base);

    if (outcome.outcome === 'already-active') {
      // Someone's download already fetches this torrent: this request is satisfied by it.
      const duplicate = await this.downloads.request({
        ...base,
        status: 'failed',
        failureCode: 'duplicate',
        error: `already being downloaded (download ${outcome.download.id})`,
      });
      await this.events.updated(duplicate.download);
      return;
    }
    if (outcome.outcome === 'created') this.logger.log(`download ${outcome.download.id} ${outcome.download.status} for request ${request.requestId}`);
    await this.events.updated(outcome.download);
  }

  private async refusal(download: NewDownload, request: DownloadRequested): Promise<{ failureCode: string; error: string } | null> {
    if (!download.releaseId) return { failureCode: 'release-gone', error: 'the release no longer exists (its search was deleted)' };
    if (!download.sourceUrl) return { failureCode: 'no-link', error: 'the indexer gave this release neither a magnet nor a .torrent link' };
    if (download.infoHash && (await this.blocklist.blockedAmong([download.infoHash])).size > 0) {
      return { failureCode: 'blocklisted', error: 'this torrent is on the blocklist' };
    }
    if (request.media) {
      const match = matchReleaseToMedia(request.title, request.media);
      if (!match.ok) return { failureCode: match.code, error: match.reason };
    }
    return null;
  }
}
