import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Media, type SearchRequested, Subjects } from '@sokoul/contracts';
import { JetStreamPublisher, MESSAGING_OPTIONS, type MessageContext, type MessagingOptions, NonRetryableError } from '@sokoul/messaging';
import { BlocklistRepository, type NewRelease, ProcessedMessageRepository, ReleaseRepository, type SearchEntity, SearchRepository } from '@sokoul/persistence';
import { parseReleaseTitle } from '@sokoul/release-parser';
import { IndexerSearchService } from './indexer-search.service';
import { MediaIdentifier } from './media-identifier';
import { mergeHits } from './release-merger';
import { ReleaseRanker } from './release-ranker.service';
import { SCOUT_OPTIONS, type ScoutOptions } from './scout.options';
import { WatchlistGrabberService } from './watchlist-grabber.service';

/** `releases.found` carries at most this many, best first: the oracle judges the top of the list. */
const RELEASES_IN_EVENT = 1000;

/**
 * Runs one search: identify the title, ask every indexer, merge, parse and rank, store, then
 * announce. Safe to run any number of times for the same message (redelivery after a crash,
 * a second replica): releases and the final state are written once, in one transaction with
 * the message's idempotency record, and events carry stable ids so JetStream keeps one copy.
 */
@Injectable()
export class SearchRunService {
  constructor(
    private readonly searches: SearchRepository,
    private readonly releases: ReleaseRepository,
    private readonly blocklist: BlocklistRepository,
    private readonly processed: ProcessedMessageRepository,
    private readonly identifier: MediaIdentifier,
    private readonly indexerSearch: IndexerSearchService,
    private readonly ranker: ReleaseRanker,
    private readonly grabber: WatchlistGrabberService,
    private readonly publisher: JetStreamPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    @Inject(SCOUT_OPTIONS) private readonly options: ScoutOptions,
  ) {}

  async run(request: SearchRequested, context: MessageContext): Promise<void> {
    const running = await this.searches.markRunning(request.searchId);
    if (!running) throw new NonRetryableError(`search ${request.searchId} does not exist`);
    if (running.status === 'running') await this.find(running, request, context);

    const search = await this.searches.findById(request.searchId);
    if (!search || (search.status !== 'completed' && search.status !== 'failed')) {
      throw new Error(`search ${request.searchId} is ${search?.status ?? 'gone'} after completion`);
    }
    await this.announce(search, context.correlationId);
  }

  private async find(search: SearchEntity, request: SearchRequested, context: MessageContext): Promise<void> {
    const { media, status: metadataStatus } = await this.identifier.identify(request);
    const { hits, report } = await this.indexerSearch.search(media);
    const profile = await this.ranker.profileFor(search.profileId);
    const merged = mergeHits(hits);
    const blocked = await this.blocklist.blockedAmong(merged.flatMap((r) => (r.infoHash ? [r.infoHash] : [])));
    const rows: NewRelease[] = merged.map((release) => {
      const parsed = parseReleaseTitle(release.title);
      const ranking = this.ranker.rank({ ...release, parsed, blocklisted: release.infoHash !== null && blocked.has(release.infoHash) }, profile, media);
      return { id: randomUUID(), searchId: search.id, ...release, parsed: parsed as unknown as Record<string, unknown>, ...ranking };
    });
    const everyIndexerFailed = report.length > 0 && report.every((r) => r.outcome !== 'ok');

    await this.processed.once(context.consumer, context.messageId, async (tx) => {
      await this.releases.insertMany(rows, tx);
      await this.searches.markFinished(
        search.id,
        {
          status: everyIndexerFailed ? 'failed' : 'completed',
          releaseCount: rows.length,
          ...(everyIndexerFailed ? { error: `no indexer answered: ${report.map((r) => `${r.name}: ${r.detail ?? r.outcome}`).join('; ')}`.slice(0, 1000) } : {}),
          completedBy: this.messaging.instanceId,
          media,
          metadataStatus,
          indexerReport: report,
        },
        tx,
      );
      if (this.options.watchlist.grabAfter === 'search') await this.grabber.decide(search, tx);
    });
  }

  /** What was stored (so a redelivery announces the same thing), with stable message ids. */
  private async announce(search: SearchEntity, correlationId: string | undefined): Promise<void> {
    if (search.status === 'completed') {
      const best = await this.releases.listRankedSummaries(search.id, RELEASES_IN_EVENT);
      await this.publisher.publish(
        Subjects.releasesFound,
        {
          searchId: search.id,
          requestedBy: search.userId,
          media: (search.media as Media | null) ?? null,
          releases: best.map((r) => ({
            releaseId: r.id,
            title: r.title,
            infoHash: r.infoHash,
            sizeBytes: r.sizeBytes,
            quality: r.quality,
            score: r.score,
            accepted: r.accepted,
          })),
        },
        { id: `releases.found:${search.id}`, correlationId },
      );
      await this.grabber.requestDownload(search, correlationId);
    }
    await this.publisher.publish(
      Subjects.searchCompleted,
      {
        searchId: search.id,
        status: search.status as 'completed' | 'failed',
        requestedBy: search.userId,
        releaseCount: search.releaseCount,
        completedAt: (search.completedAt ?? new Date()).toISOString(),
        ...(search.error ? { error: search.error } : {}),
      },
      { id: `search.completed:${search.id}`, correlationId },
    );
  }
}
