import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Media } from '@sokoul/contracts';
import {
  type DownloadClient,
  DownloadClientUnavailableError,
  MetadataTimeoutError,
  type TorrentSource,
  TorrentRefusedError,
  type TransferStatus,
} from '@sokoul/hunter/download-clients';
import { importIntoLibrary, libraryPathFor, resolveInsideAsync, sanitiseName, sha256OfFile, vetTorrent } from '@sokoul/hunter/library';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@sokoul/messaging';
import { BlocklistRepository, type DownloadEntity, type DownloadProgressChanges, DownloadRepository, LibraryFileRepository } from '@sokoul/persistence';
import { DownloadEventsService } from './download-events.service';
import { downloadMetrics } from './download.metrics';
import { DOWNLOAD_CLIENTS, HUNTER_OPTIONS, type HunterOptions } from './hunter.options';
import { TorrentSourceError, resolveTorrentSource } from './torrent-source';

/** A failure with a stable code; `retryable` ones count an attempt and wait, the rest fail for good. */
class DownloadFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    /** The torrent itself is at fault (refused file list, dead after every attempt): never grab it again. */
    readonly blocklist: boolean,
  ) {
    super(message);
  }
}

type Clients = ReadonlyMap<DownloadEntity['client'], DownloadClient>;

/**
 * What the hunter does to one download on a tick, according to the state the row asks for.
 * Every action is safe to repeat: the row is the truth, the client is made to match it, and
 * every write is fenced by this hunter's claim and the status it acted on.
 */
@Injectable()
export class DownloadWorker {
  private readonly logger = new Logger(DownloadWorker.name);
  private readonly instanceId: string;
  private readonly progressSentAt = new Map<string, number>();

  constructor(
    private readonly downloads: DownloadRepository,
    private readonly libraryFiles: LibraryFileRepository,
    private readonly blocklist: BlocklistRepository,
    private readonly events: DownloadEventsService,
    @Inject(DOWNLOAD_CLIENTS) private readonly clients: Clients,
    @Inject(HUNTER_OPTIONS) private readonly options: HunterOptions,
    @Inject(MESSAGING_OPTIONS) messaging: MessagingOptions,
  ) {
    this.instanceId = messaging.instanceId;
  }

  async reconcile(download: DownloadEntity): Promise<void> {
    try {
      switch (download.status) {
        case 'queued':
          return await this.begin(download);
        case 'downloading':
          return await this.observe(download);
        case 'paused':
          return await this.hold(download);
        case 'cancelled':
          return await this.cancel(download);
        case 'completed':
          return await this.seed(download);
        case 'failed':
          return await this.downloads.release(download.id, this.instanceId);
      }
    } catch (error) {
      await this.failed(download, error);
    }
  }

  /** Lets go of everything on shutdown so the next hunter (or this one restarted) resumes at once. */
  async handBack(download: DownloadEntity): Promise<void> {
    await this.downloads.release(download.id, this.instanceId, download.status === 'downloading' ? { status: 'queued', seeding: false } : { seeding: false });
  }

  private client(download: DownloadEntity): DownloadClient {
    const client = this.clients.get(download.client);
    if (!client) throw new DownloadClientUnavailableError(download.client, 'not configured on this hunter');
    return client;
  }

  private saveDir(download: DownloadEntity): string {
    // The id is a UUID we generated: nothing from the torrent decides this directory.
    return join(this.options.downloadDir, download.id);
  }

  /** Queued (new, resumed, retried or taken over): file list first, vetted, then the transfer. */
  private async begin(download: DownloadEntity): Promise<void> {
    const client = this.client(download);
    const source = await this.sourceOf(download);
    if (download.infoHash && source.infoHash !== download.infoHash) {
      throw new DownloadFailure('hash-mismatch', `the link leads to torrent ${source.infoHash}, not the ${download.infoHash} the indexer listed`, false, false);
    }
    const saveDir = this.saveDir(download);
    await mkdir(saveDir, { recursive: true });
    const vet = (metadata: Parameters<typeof vetTorrent>[0]) =>
      vetTorrent(metadata, {
        media: download.media as Media | null,
        claimedSizeBytes: download.claimedSizeBytes,
        limits: { maxFiles: this.options.maxFiles, maxTotalBytes: this.options.maxTotalBytes, sampleMaxBytes: this.options.sampleMaxBytes },
      });
    // Judged the moment the list arrives (inside the client, before it touches the disk), and
    // once more here for clients that cannot run it themselves.
    const metadata = await client.inspect(source, { saveDir, timeoutMs: this.options.metadataTimeoutMs, ...(download.selectedFiles ? {} : { vet }) });

    let selected = download.selectedFiles;
    if (!selected) {
      const vetting = vet(metadata);
      if (!vetting.ok) throw new DownloadFailure(vetting.code, vetting.reason, false, true);
      selected = vetting.selected;
    }
    const totalBytes = selected.reduce((sum, index) => sum + (metadata.files[index]?.length ?? 0), 0);
    await this.ensureSpace(download, totalBytes);

    await client.resume(metadata.infoHash);
    await client.start(metadata.infoHash, selected);
    const now = new Date();
    const changes: DownloadProgressChanges = {
      status: 'downloading',
      infoHash: metadata.infoHash,
      selectedFiles: selected,
      totalBytes,
      files: selected.map((index) => ({ index, path: metadata.files[index].path, length: metadata.files[index].length, downloadedBytes: 0 })),
      startedAt: download.startedAt ?? now,
      lastProgressAt: now,
      ...(metadata.torrentFile ? { metainfo: metadata.torrentFile } : {}),
    };
    if (await this.downloads.record(download.id, this.instanceId, 'queued', changes)) {
      await this.events.updated({ ...download, ...changes } as DownloadEntity);
    }
  }

  private async sourceOf(download: DownloadEntity): Promise<TorrentSource> {
    const stored = await this.downloads.sourceOf(download.id);
    if (!stored) throw new DownloadFailure('gone', 'the download no longer exists', false, false);
    if (stored.metainfo && download.infoHash) return { kind: 'torrent-file', data: stored.metainfo, infoHash: download.infoHash };
    return resolveTorrentSource(stored.sourceUrl, this.options.torrentFetch);
  }

  private async ensureSpace(download: DownloadEntity, totalBytes: number): Promise<void> {
    const stats = await statfs(this.options.downloadDir);
    const free = Number(stats.bavail) * Number(stats.bsize);
    const needed = totalBytes - (download.downloadedBytes ?? 0) + this.options.minFreeBytes;
    if (free < needed) {
      throw new DownloadFailure('insufficient-space', `the download folder has ${formatBytes(free)} free; this torrent needs ${formatBytes(needed)} (keeping ${formatBytes(this.options.minFreeBytes)} spare)`, true, false);
    }
  }

  /** Downloading: report progress, notice completion, a client error or a stall. */
  private async observe(download: DownloadEntity): Promise<void> {
    const client = this.client(download);
    const status = download.infoHash ? await client.status(download.infoHash) : null;
    if (!status) {
      // The client forgot it (the embedded engine after a restart): add it again from what is stored.
      await this.downloads.record(download.id, this.instanceId, 'downloading', { status: 'queued' });
      return;
    }
    if (status.state === 'error') throw new DownloadFailure('client-error', `${download.client}: ${status.error ?? 'unknown error'}`, true, false);
    if (status.state === 'complete') return this.complete(download, status);

    const now = new Date();
    const moved = status.downloadedBytes > download.downloadedBytes;
    const lastProgressAt = moved || !download.lastProgressAt ? now : download.lastProgressAt;
    if (status.state === 'downloading' && now.getTime() - lastProgressAt.getTime() > this.options.stallTimeoutMs) {
      throw new DownloadFailure(status.peers === 0 ? 'no-peers' : 'stalled', `nothing received for ${Math.round(this.options.stallTimeoutMs / 1000)} s (${status.peers} peers)`, true, true);
    }
    await this.report(download, status, lastProgressAt);
  }

  private async report(download: DownloadEntity, status: TransferStatus, lastProgressAt: Date): Promise<void> {
    const files = status.files.filter((f) => f.selected).map(({ index, path, length, downloadedBytes }) => ({ index, path, length, downloadedBytes }));
    const recorded = await this.downloads.record(download.id, this.instanceId, download.status, {
      downloadedBytes: status.downloadedBytes,
      totalBytes: status.totalBytes,
      uploadedBytes: status.uploadedBytes,
      downloadSpeed: Math.round(status.downloadSpeed),
      peers: status.peers,
      etaSeconds: status.etaSeconds,
      files,
      lastProgressAt,
    });
    const progress = status.totalBytes > 0 ? Math.min(1, status.downloadedBytes / status.totalBytes) : 0;
    downloadMetrics.speed.set({ download: download.id }, status.downloadSpeed);
    downloadMetrics.progress.set({ download: download.id }, progress);
    const changed = status.downloadedBytes !== download.downloadedBytes || status.peers !== download.peers;
    // At most one progress event per second per download, however often the loop is woken.
    const now = Date.now();
    if (!recorded || !changed || now - (this.progressSentAt.get(download.id) ?? 0) < 1000) return;
    this.progressSentAt.set(download.id, now);
    await this.events.progress({
      downloadId: download.id,
      requestedBy: download.userId,
      status: download.status,
      downloadedBytes: status.downloadedBytes,
      totalBytes: status.totalBytes,
      progress,
      downloadSpeed: status.downloadSpeed,
      uploadSpeed: status.uploadSpeed,
      peers: status.peers,
      etaSeconds: status.etaSeconds,
      files: files.slice(0, 1000),
      observedAt: new Date().toISOString(),
    });
  }

  /** Every selected file is whole: file it into the library, then seed (or stop). */
  private async complete(download: DownloadEntity, status: TransferStatus): Promise<void> {
    const saveDir = this.saveDir(download);
    const chosen = status.files.filter((f) => f.selected);
    const targets = chosen.map((file) => ({ source: file.path, target: this.libraryTarget(download, file.path) }));
    // The hash of a hard link is recorded after completion: the file is in the library already.
    const imported = await importIntoLibrary({ downloadRoot: this.options.downloadDir, saveDir, libraryRoot: this.options.libraryDir, files: targets }, { hashLater: true });
    const seeding = this.options.seedRatio > 0 && this.options.seedSeconds > 0;
    const done = await this.downloads.complete(
      download.id,
      this.instanceId,
      imported.map((file) => ({ id: randomUUID(), relativePath: file.target, sizeBytes: file.sizeBytes, sha256: file.sha256, quality: null, importMethod: file.method })),
      { downloadedBytes: status.downloadedBytes, totalBytes: status.totalBytes, downloadSpeed: 0, etaSeconds: 0, completedAt: new Date(), seeding, files: chosen.map(({ index, path, length, downloadedBytes }) => ({ index, path, length, downloadedBytes })) },
    );
    if (!done) return;
    downloadMetrics.finished.inc({ outcome: 'completed' });
    this.forget(download.id);
    this.logger.log(`download ${download.id} completed: ${imported.length} file(s) in the library`);
    await this.events.updated({ ...download, status: 'completed' });
    for (const file of imported) if (!file.sha256) await this.recordHash(file.target);
    if (!seeding) await this.stopSeeding(download);
  }

  /** Hashes a library file and records it; also how files a crashed hunter left unhashed get theirs. */
  async recordHash(relativePath: string): Promise<void> {
    const path = await resolveInsideAsync(this.options.libraryDir, relativePath);
    await this.libraryFiles.recordHash(relativePath, await sha256OfFile(path));
  }

  private libraryTarget(download: DownloadEntity, path: string): string {
    const media = download.media as Media | null;
    if (media) return libraryPathFor({ media, release: { title: download.title }, sourceFile: { path } });
    // A magnet an admin added by hand: no media to name it after, so it keeps its own (made safe) names.
    return ['Unsorted', ...path.split('/').map((segment) => sanitiseName(segment))].join('/');
  }

  private async seed(download: DownloadEntity): Promise<void> {
    if (!download.seeding || !download.infoHash) return this.downloads.release(download.id, this.instanceId);
    const status = await this.client(download).status(download.infoHash);
    const size = download.totalBytes ?? 0;
    const seededFor = Date.now() - (download.completedAt?.getTime() ?? Date.now());
    if (!status || (size > 0 && status.uploadedBytes >= this.options.seedRatio * size) || seededFor >= this.options.seedSeconds * 1000) {
      return this.stopSeeding(download);
    }
    await this.downloads.record(download.id, this.instanceId, 'completed', { uploadedBytes: status.uploadedBytes });
  }

  private async stopSeeding(download: DownloadEntity): Promise<void> {
    if (download.infoHash) await this.client(download).remove(download.infoHash, { deleteData: false });
    await this.downloads.release(download.id, this.instanceId, { seeding: false });
  }

  private async hold(download: DownloadEntity): Promise<void> {
    const client = this.client(download);
    // Asked on every tick while paused: a look is cheaper than a daemon's stop-and-wait.
    if (download.infoHash && (await client.status(download.infoHash))?.state !== 'paused') await client.pause(download.infoHash);
    if (download.downloadSpeed !== 0) await this.downloads.record(download.id, this.instanceId, 'paused', { downloadSpeed: 0, etaSeconds: null });
    this.forget(download.id);
  }

  private async cancel(download: DownloadEntity): Promise<void> {
    if (download.infoHash) await this.client(download).remove(download.infoHash, { deleteData: download.deleteData });
    if (download.deleteData) await rm(this.saveDir(download), { recursive: true, force: true });
    await this.downloads.release(download.id, this.instanceId);
    downloadMetrics.finished.inc({ outcome: 'cancelled' });
    this.forget(download.id);
  }

  private async failed(download: DownloadEntity, error: unknown): Promise<void> {
    const failure = asFailure(error);
    if (!failure) {
      // Unexpected (a database hiccup, a bug): the next tick tries the same step again.
      this.logger.warn(`download ${download.id}: ${(error as Error).message}`);
      return;
    }
    const attempts = download.attempts + (failure.code === 'client-unavailable' ? 0 : 1);
    const client = this.clients.get(download.client);
    if (failure.retryable && attempts < this.options.maxAttempts) {
      if (download.infoHash) await client?.remove(download.infoHash, { deleteData: false }).catch(() => undefined);
      const delayMs = this.options.retryBaseMs * 2 ** Math.max(0, attempts - 1);
      const changes: DownloadProgressChanges = { status: 'queued', attempts, nextAttemptAt: new Date(Date.now() + delayMs), failureCode: failure.code, error: failure.message.slice(0, 1000), downloadSpeed: 0, peers: 0 };
      if (await this.downloads.record(download.id, this.instanceId, download.status, changes)) {
        downloadMetrics.attemptFailures.inc({ code: failure.code });
        this.logger.warn(`download ${download.id}: ${failure.message}; attempt ${attempts} of ${this.options.maxAttempts}, next in ${Math.round(delayMs / 1000)} s`);
        await this.downloads.release(download.id, this.instanceId);
        await this.events.updated({ ...download, ...changes } as DownloadEntity);
      }
      return;
    }
    if (download.infoHash) await client?.remove(download.infoHash, { deleteData: true }).catch(() => undefined);
    await rm(this.saveDir(download), { recursive: true, force: true });
    const blocklisted = failure.blocklist && download.infoHash !== null;
    if (blocklisted) {
      await this.blocklist.add({ id: randomUUID(), infoHash: download.infoHash as string, title: download.title, reason: `${failure.code}: ${failure.message}`.slice(0, 500), createdBy: null });
    }
    const changes: DownloadProgressChanges = { status: 'failed', attempts, failureCode: failure.code, error: failure.message.slice(0, 1000), downloadSpeed: 0, peers: 0, etaSeconds: null };
    if (await this.downloads.record(download.id, this.instanceId, download.status, changes)) {
      downloadMetrics.finished.inc({ outcome: 'failed' });
      this.logger.warn(`download ${download.id} failed (${failure.code}): ${failure.message}`);
      await this.downloads.release(download.id, this.instanceId);
      await this.events.updated({ ...download, ...changes } as DownloadEntity, { blocklisted });
    }
    this.forget(download.id);
  }

  private forget(downloadId: string): void {
    this.progressSentAt.delete(downloadId);
    downloadMetrics.speed.remove({ download: downloadId });
    downloadMetrics.progress.remove({ download: downloadId });
  }
}

function asFailure(error: unknown): DownloadFailure | null {
  if (error instanceof DownloadFailure) return error;
  if (error instanceof MetadataTimeoutError) return new DownloadFailure('no-peers', error.message, true, true);
  if (error instanceof TorrentRefusedError) return new DownloadFailure(error.code, error.reason, false, true);
  if (error instanceof TorrentSourceError) return new DownloadFailure(error.retryable ? 'source-unavailable' : 'invalid-source', error.message, error.retryable, false);
  if (error instanceof DownloadClientUnavailableError) return new DownloadFailure('client-unavailable', error.message, true, false);
  if (error instanceof Error && (error.name === 'LibraryImportError' || error.name === 'UnsafePathError' || error.name === 'LibraryNamingError')) {
    return new DownloadFailure('import-failed', error.message, false, false);
  }
  return null;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
