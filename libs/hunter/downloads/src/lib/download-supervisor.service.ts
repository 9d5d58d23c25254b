import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@sokoul/messaging';
import { DOWNLOAD_STATUSES, type DownloadEntity, DownloadRepository, LibraryFileRepository } from '@sokoul/persistence';
import { downloadMetrics } from './download.metrics';
import { DownloadWorker } from './download-worker.service';
import type { DownloadClients } from './download-clients.provider';
import { DOWNLOAD_CLIENTS, HUNTER_OPTIONS, type HunterOptions } from './hunter.options';

/**
 * The hunter's loop: every tick it frees the downloads of hunters that died, renews its own
 * claims, takes queued downloads up to its concurrency limit, and reconciles each download it
 * holds with its BitTorrent client. One action per download at a time; a slow one (waiting for
 * metadata) never holds up the others.
 */
/** A file this old and still without a hash was left by a hunter that stopped before hashing it. */
const UNHASHED_GRACE_SECONDS = 300;

@Injectable()
export class DownloadSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DownloadSupervisor.name);
  private readonly instanceId: string;
  private readonly busy = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private nudged = false;
  private hashing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly downloads: DownloadRepository,
    private readonly libraryFiles: LibraryFileRepository,
    private readonly worker: DownloadWorker,
    @Inject(DOWNLOAD_CLIENTS) private readonly clients: DownloadClients,
    @Inject(HUNTER_OPTIONS) private readonly options: HunterOptions,
    @Inject(MESSAGING_OPTIONS) messaging: MessagingOptions,
  ) {
    this.instanceId = messaging.instanceId;
  }

  async onApplicationBootstrap(): Promise<void> {
    await mkdir(this.options.downloadDir, { recursive: true });
    await mkdir(this.options.libraryDir, { recursive: true });
    if (this.options.tickMs <= 0) return;
    // A transfer that completes is acted on at once, not at the next tick.
    for (const client of this.clients.values()) client.onTransferComplete?.(() => this.nudge());
    this.schedule(this.options.tickMs);
  }

  /**
   * Runs a tick now instead of waiting for the timer: a download was queued or resumed, or a
   * transfer completed. A tick already running is followed by another one straight away.
   */
  nudge(): void {
    if (this.stopped || this.options.tickMs <= 0) return;
    if (this.ticking) {
      this.nudged = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        const again = this.nudged;
        this.nudged = false;
        this.schedule(again ? 0 : this.options.tickMs);
      });
    }, delayMs);
  }

  /**
   * Stops ticking, lets running actions finish, hands every held download back to the queue
   * (the next hunter resumes them at once instead of waiting for the lease), closes the clients.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.busy.values(), this.hashing]);
    for (const download of await this.downloads.held(this.instanceId).catch(() => [])) await this.worker.handBack(download).catch(() => undefined);
    await Promise.allSettled([...this.clients.values()].map((client) => client.close()));
  }

  /** One pass; never throws (logged: the next tick tries again). */
  async tick(): Promise<void> {
    try {
      await this.downloads.releaseExpired();
      await this.downloads.renewLeases(this.instanceId, this.options.leaseSeconds);
      const before = await this.downloads.held(this.instanceId);
      const transferring = before.filter((d) => d.status === 'downloading' || d.status === 'queued').length;
      const claimed = await this.downloads.claimQueued(this.instanceId, this.options.advertisedUrl, [...this.clients.keys()], this.options.maxActive - transferring, this.options.leaseSeconds);
      // What was held, with the claimed rows' fresh versions (a queued row of ours may be claimed again).
      const fresh = new Set(claimed.map((d) => d.id));
      const held = [...before.filter((d) => !fresh.has(d.id)), ...claimed];
      this.count(held);
      for (const download of held) this.act(download);
      this.hashLeftovers();
    } catch (error) {
      this.logger.warn(`tick failed, the next one retries: ${(error as Error).message}`);
    }
  }

  /** Waits until no action is running (tests step the loop with `tick` and this). */
  async settled(): Promise<void> {
    while (this.busy.size > 0) await Promise.allSettled(this.busy.values());
  }

  /** One library file a crashed hunter left without its hash, at a time, off the tick. */
  private hashLeftovers(): void {
    if (this.hashing || this.stopped) return;
    this.hashing = this.libraryFiles
      .unhashed(UNHASHED_GRACE_SECONDS, 1)
      .then(async ([file]) => {
        if (file) await this.worker.recordHash(file.relativePath);
      })
      .catch((error: Error) => this.logger.warn(`could not hash a library file: ${error.message}`))
      .finally(() => (this.hashing = undefined));
  }

  private act(download: DownloadEntity): void {
    if (this.busy.has(download.id) || this.stopped) return;
    const action = this.worker.reconcile(download).finally(() => this.busy.delete(download.id));
    this.busy.set(download.id, action);
  }

  private count(held: readonly DownloadEntity[]): void {
    for (const status of DOWNLOAD_STATUSES) downloadMetrics.active.set({ status }, held.filter((d) => d.status === status).length);
  }
}
