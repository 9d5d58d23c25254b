import { Injectable } from '@nestjs/common';
import { type DownloadProgress, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher } from '@sokoul/messaging';
import type { DownloadEntity } from '@sokoul/persistence';

/** Announces a download's state changes and progress; ids are stable so a repeat is de-duplicated. */
@Injectable()
export class DownloadEventsService {
  constructor(private readonly publisher: JetStreamPublisher) {}

  /** Called once per transition (the worker's writes are fenced), so each call is a new event. */
  async updated(download: DownloadEntity, details: { blocklisted?: boolean } = {}): Promise<void> {
    await this.publisher.publish(
      Subjects.downloadUpdated,
      {
        downloadId: download.id,
        requestId: download.requestId,
        requestedBy: download.userId,
        watchlistItemId: download.watchlistItemId,
        releaseId: download.releaseId,
        infoHash: download.infoHash,
        title: download.title,
        status: download.status,
        failureCode: download.failureCode,
        reason: download.error,
        blocklisted: details.blocklisted ?? false,
        occurredAt: new Date().toISOString(),
      },
      // Unique per transition; a publish retried after a lost acknowledgement keeps its id.
      { id: `download.updated:${download.id}:${download.status}:${download.attempts}:${Date.now()}` },
    );
  }

  async progress(progress: DownloadProgress): Promise<void> {
    await this.publisher.publish(Subjects.downloadProgress, progress, { id: `download.progress:${progress.downloadId}:${progress.observedAt}` });
  }
}
