import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subjects } from '@sokoul/contracts';
import { JetStreamPublisher } from '@sokoul/messaging';
import { SearchRepository, type WatchlistItemEntity, WatchlistRepository } from '@sokoul/persistence';
import { SCOUT_OPTIONS, type ScoutOptions } from './scout.options';
import { WatchlistGrabberService } from './watchlist-grabber.service';

const pad = (n: number) => String(n).padStart(2, '0');

/** What a watchlist item is searched as: `Title Year` for a film, `Title S01E02` for an episode. */
export function watchlistQuery(item: Pick<WatchlistItemEntity, 'kind' | 'title' | 'year' | 'season' | 'episode'>): string {
  if (item.kind === 'movie') return `${item.title}${item.year ? ` ${item.year}` : ''}`.slice(0, 200);
  const season = item.season === null ? '' : ` S${pad(item.season)}${item.episode === null ? '' : `E${pad(item.episode)}`}`;
  return `${item.title.slice(0, 190)}${season}`;
}

/**
 * Searches due watchlist items on a jittered schedule. Every replica ticks; each due item is
 * claimed by exactly one of them (`SKIP LOCKED`) and its next search pushed ahead in the same
 * statement. A tick also re-sends the download command of grabs the hunter has not confirmed
 * (same message id: JetStream keeps one; the hunter is idempotent on the request id).
 */
@Injectable()
export class WatchlistSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WatchlistSchedulerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly watchlist: WatchlistRepository,
    private readonly searches: SearchRepository,
    private readonly grabber: WatchlistGrabberService,
    private readonly publisher: JetStreamPublisher,
    @Inject(SCOUT_OPTIONS) private readonly options: ScoutOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { tickMs } = this.options.watchlist;
    if (tickMs <= 0) return;
    const schedule = () => {
      // ±20% per tick, so replicas started together do not keep ticking together.
      this.timer = setTimeout(() => {
        this.running = this.tick().finally(schedule);
      }, tickMs * (0.8 + Math.random() * 0.4));
      this.timer.unref();
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: search what is due, re-send unconfirmed grabs. Never throws (logged instead). */
  async tick(): Promise<number> {
    const { batchSize, intervalSeconds, jitterSeconds, resendGrabAfterSeconds } = this.options.watchlist;
    try {
      const due = await this.watchlist.claimDue(batchSize, intervalSeconds, jitterSeconds);
      for (const item of due) await this.search(item);
      for (const item of await this.watchlist.listGrabbingSince(resendGrabAfterSeconds)) {
        const search = item.lastSearchId ? await this.searches.findById(item.lastSearchId) : null;
        if (search) await this.grabber.requestDownload(search);
      }
      return due.length;
    } catch (error) {
      this.logger.warn(`watchlist tick failed, next one retries: ${(error as Error).message}`);
      return 0;
    }
  }

  private async search(item: WatchlistItemEntity): Promise<void> {
    const searchId = randomUUID();
    const query = watchlistQuery(item);
    await this.searches.create({ id: searchId, userId: item.userId, query, profileId: item.profileId, watchlistItemId: item.id });
    await this.watchlist.recordSearch(item.id, searchId);
    await this.publisher.publish(
      Subjects.searchRequested,
      {
        searchId,
        query,
        requestedBy: item.userId,
        tmdb: { kind: item.kind, id: item.tmdbId },
        ...(item.season !== null ? { season: item.season } : {}),
        ...(item.episode !== null ? { episode: item.episode } : {}),
      },
      { id: `search.requested:${searchId}` },
    );
  }
}
