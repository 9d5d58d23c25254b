import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { XMLValidator } from 'fast-xml-parser';
import { type Media, Subjects } from '@sokoul/contracts';
import { type NewRelease, ReleaseEntity } from '@sokoul/persistence';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type ParsedRelease, parseReleaseTitle } from '@sokoul/release-parser';
import { TorznabClient, type TorznabCapabilities, parseFeed, planSearch, torznabSearchParams } from '@sokoul/torznab';
import { type SearchBenchEnvironment, WORK } from './environment';
import { type Identification, type IndexerSearchOutcome, mergeHits, torznabRequestFor } from './scout';

/**
 * The pieces of `SearchRunService.run`, each timed alone with the inputs the real search gives
 * it, in its order. Their sum should come close to the end-to-end time.
 */
export const STAGES = {
  start: 'markRunning (UPDATE + SELECT)',
  identify: 'identify (parse the query, TMDB through the Redis cache)',
  indexers: 'IndexerSearchService.search (DB list, gate, Torznab, XML)',
  profile: 'quality profile (SELECT)',
  merge: 'mergeHits',
  blocklist: 'blocklist lookup of the info-hashes (SELECT … IN)',
  parse: 'parseReleaseTitle × releases',
  rank: 'ReleaseRanker.rank × releases (+ rows)',
  store: 'transaction: processed + insertMany + markFinished (+ watchlist grab)',
  announce: 'SELECT search + listRanked + publish 2 events (+ watchlist grab)',
} as const;
export type StageName = keyof typeof STAGES;

/** Parts of some stages, timed on their own beside them (not part of the sum). */
export const BREAKDOWN = {
  torznab: { within: 'indexers', label: 'N TorznabClient.query in parallel (fetch + XML)' },
  feed: { within: 'indexers', label: 'parseFeed × N bodies, one after another (CPU)' },
  xmlValidate: { within: 'indexers', label: 'of which XMLValidator.validate (CPU)' },
  insertSql: { within: 'store', label: 'TypeORM building the INSERTs (CPU)' },
  insertPg: { within: 'store', label: 'the same INSERTs sent with pg, rolled back' },
  listRanked: { within: 'announce', label: 'listRanked(1000): every column, jsonb included' },
  publishFound: { within: 'announce', label: 'publish releases.found (validate, JSON, JetStream ack)' },
} as const;
export type BreakdownName = keyof typeof BREAKDOWN;

export type StageSample = Record<StageName | BreakdownName, number> & { releases: number };

/** A search that did not find every release from every indexer measured something else: stop. */
export class IncompleteSearchError extends Error {}

const since = (start: number) => performance.now() - start;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, since(start)];
}

export class SearchMeasurements {
  /** The exact search URL the scout sent to each indexer (with its key), for the baseline. */
  private feedUrls: string[] = [];
  /** Size of the last releases.found payload (JSON), for the report. */
  releasesFoundBytes = 0;
  /** The bodies the baseline read last, for the CPU-only feed parsing figure. */
  private bodies: string[] = [];

  constructor(private readonly environment: SearchBenchEnvironment) {}

  get expectedReleases(): number {
    return this.environment.options.indexers * this.environment.options.resultsPerIndexer;
  }

  /**
   * The exact search URL the scout sends each indexer, built as TorznabClient builds it from
   * the identified media and the stored caps; checked once to return every release.
   */
  async learnFeedUrls(): Promise<void> {
    const { media } = await this.environment.scout.identifier.identify({ searchId: randomUUID(), query: WORK.query, requestedBy: null });
    const caps = await this.capabilities();
    this.feedUrls = this.environment.fakes.map((fake, index) => {
      const url = new URL(fake.url);
      for (const [name, value] of torznabSearchParams(planSearch(torznabRequestFor(media, []), caps[index]))) url.searchParams.set(name, value);
      url.searchParams.set('apikey', fake.apiKey);
      return url.toString();
    });
    await this.baseline();
    const items = this.bodies.map((body) => body.split('<item>').length - 1);
    if (items.some((n) => n !== this.environment.options.resultsPerIndexer)) throw new Error(`the baseline's feeds hold ${items.join(', ')} items`);
  }

  /** The indexers' own cost: the same feeds fetched in parallel, bodies read, nothing parsed. */
  async baseline(): Promise<number> {
    const start = performance.now();
    const bodies = await Promise.all(
      this.feedUrls.map(async (url) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`baseline: ${response.status} from ${new URL(url).pathname}`);
        return response.text();
      }),
    );
    const ms = since(start);
    this.bodies = bodies;
    return ms;
  }

  /** `SearchRunService.run` on a fresh search row and a fresh command; only `run` is timed. */
  async endToEnd(): Promise<number> {
    const { scout } = this.environment;
    const queued = await this.environment.queueSearch();
    const [, ms] = await timed(() => scout.service.run(queued.request, queued.context));
    queued.msg.ack();
    const search = await scout.searches.findById(queued.request.searchId);
    const report = search?.indexerReport ?? [];
    if (search?.status !== 'completed' || search.releaseCount !== this.expectedReleases || report.some((r) => r.outcome !== 'ok')) {
      throw new IncompleteSearchError(
        `search ${queued.request.searchId} ended ${search?.status} with ${search?.releaseCount} releases (expected ${this.expectedReleases}): ` +
          report.map((r) => `${r.name} ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`).join(', '),
      );
    }
    return ms;
  }

  /** Each piece of the search path once, in order, feeding each the previous one's output. */
  async stages(): Promise<StageSample> {
    const { scout } = this.environment;
    const queued = await this.environment.queueSearch();
    queued.msg.ack();
    const { request, context } = queued;
    const sample = {} as StageSample;

    const [running, startMs] = await timed(() => scout.searches.markRunning(request.searchId));
    if (!running) throw new IncompleteSearchError(`search ${request.searchId} is gone`);
    sample.start = startMs;
    let identification: Identification;
    [identification, sample.identify] = await timed(() => scout.identifier.identify(request));
    const { media, status: metadataStatus } = identification;
    let outcome: IndexerSearchOutcome;
    [outcome, sample.indexers] = await timed(() => scout.indexerSearch.search(media));
    if (outcome.hits.length !== this.expectedReleases) throw new IncompleteSearchError(`the indexer stage found ${outcome.hits.length} releases, not ${this.expectedReleases}`);
    [, sample.torznab] = await timed(() => this.torznabAlone(media));
    sample.feed = this.cpu(() => this.bodies.forEach((body) => parseFeed(body)));
    sample.xmlValidate = this.cpu(() => this.bodies.forEach((body) => XMLValidator.validate(body)));

    let profile: Awaited<ReturnType<typeof scout.ranker.profileFor>>;
    [profile, sample.profile] = await timed(() => scout.ranker.profileFor(null));

    let start = performance.now();
    const merged = mergeHits(outcome.hits);
    sample.merge = since(start);
    let blocked: Set<string>;
    [blocked, sample.blocklist] = await timed(() => scout.blocklist.blockedAmong(merged.flatMap((r) => (r.infoHash ? [r.infoHash] : []))));
    start = performance.now();
    const parsed: ParsedRelease[] = merged.map((release) => parseReleaseTitle(release.title));
    sample.parse = since(start);
    start = performance.now();
    // As SearchRunService.find builds its rows.
    const rows: NewRelease[] = merged.map((release, index) => {
      const blocklisted = release.infoHash !== null && blocked.has(release.infoHash);
      const ranking = scout.ranker.rank({ ...release, parsed: parsed[index], blocklisted }, profile, media);
      return { id: randomUUID(), searchId: request.searchId, ...release, parsed: parsed[index] as unknown as Record<string, unknown>, ...ranking };
    });
    sample.rank = since(start);
    sample.releases = rows.length;

    // Before the real insert, so that Postgres does the same work (rolled back, nothing is kept).
    Object.assign(sample, await this.insertBreakdown(rows));
    [, sample.store] = await timed(() =>
      scout.processed.once(context.consumer, context.messageId, async (tx) => {
        await scout.releases.insertMany(rows, tx);
        await scout.searches.markFinished(request.searchId, { status: 'completed', releaseCount: rows.length, completedBy: 'scout-bench', media, metadataStatus, indexerReport: outcome.report }, tx);
        await scout.grabber.decide(running, tx);
      }),
    );
    let announced: Pick<StageSample, 'listRanked' | 'publishFound'>;
    [announced, sample.announce] = await timed(() => this.announce(request.searchId, context.correlationId));
    Object.assign(sample, announced);
    return sample;
  }

  /**
   * The statements ReleaseRepository.insertMany sends (500 rows each), built by TypeORM, then
   * sent through the driver in a transaction that is rolled back. What TypeORM adds on top
   * (RETURNING of the defaulted columns and merging them back into the rows) is the rest.
   */
  private async insertBreakdown(rows: NewRelease[]): Promise<Pick<StageSample, 'insertSql' | 'insertPg'>> {
    const { dataSource } = this.environment;
    let start = performance.now();
    const statements: Array<[string, unknown[]]> = [];
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500) as QueryDeepPartialEntity<ReleaseEntity>[];
      statements.push(dataSource.getRepository(ReleaseEntity).createQueryBuilder().insert().values(batch).orIgnore().getQueryAndParameters());
    }
    const insertSql = since(start);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      start = performance.now();
      for (const [sql, parameters] of statements) await runner.query(sql, parameters);
      return { insertSql, insertPg: since(start) };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /** The Torznab clients alone, as IndexerSearchService uses them, without the DB, gate or key decryption. */
  private async torznabAlone(media: Identification['media']): Promise<void> {
    const { fakes, scoutOptions } = this.environment;
    const caps = await this.capabilities();
    await Promise.all(
      fakes.map(async (fake, index) => {
        const client = new TorznabClient({ baseUrl: fake.url, apiKey: fake.apiKey, timeoutMs: scoutOptions.indexerTimeoutMs });
        const result = await client.query(planSearch(torznabRequestFor(media, []), caps[index]));
        if (result.releases.length !== this.environment.options.resultsPerIndexer) throw new IncompleteSearchError(`${fake.name} listed ${result.releases.length} releases`);
      }),
    );
  }

  private storedCaps?: TorznabCapabilities[];

  /** The caps stored on the indexers, in the order of the fakes (read once, untimed). */
  private async capabilities(): Promise<TorznabCapabilities[]> {
    if (!this.storedCaps) {
      const stored = await this.environment.scout.indexers.list();
      this.storedCaps = this.environment.fakes.map((fake) => {
        const caps = stored.find((indexer) => indexer.name === fake.name)?.capabilities;
        if (!caps) throw new Error(`no stored caps for ${fake.name}`);
        return caps as unknown as TorznabCapabilities;
      });
    }
    return this.storedCaps;
  }

  /** What SearchRunService.announce does (it is private): read back, publish both events. */
  private async announce(searchId: string, correlationId: string): Promise<Pick<StageSample, 'listRanked' | 'publishFound'>> {
    const { scout, publisher } = this.environment;
    const search = await scout.searches.findById(searchId);
    if (!search || search.status !== 'completed') throw new IncompleteSearchError(`search ${searchId} is ${search?.status ?? 'gone'}`);
    const [best, listRanked] = await timed(() => scout.releases.listRanked(search.id, 1000));
    const payload = {
      searchId: search.id,
      requestedBy: search.userId,
      media: (search.media as Media | null) ?? null,
      releases: best.map((r) => ({ releaseId: r.id, title: r.title, infoHash: r.infoHash, sizeBytes: r.sizeBytes, quality: r.quality, score: r.score, accepted: r.accepted })),
    };
    const [, publishFound] = await timed(() => publisher.publish(Subjects.releasesFound, payload, { id: `releases.found:${search.id}`, correlationId }));
    this.releasesFoundBytes = Buffer.byteLength(JSON.stringify(payload));
    await scout.grabber.requestDownload(search, correlationId);
    await publisher.publish(
      Subjects.searchCompleted,
      { searchId: search.id, status: 'completed', requestedBy: search.userId, releaseCount: search.releaseCount, completedAt: (search.completedAt ?? new Date()).toISOString() },
      { id: `search.completed:${search.id}`, correlationId },
    );
    return { listRanked, publishFound };
  }

  private cpu(fn: () => void): number {
    const start = performance.now();
    fn();
    return since(start);
  }
}

