/**
 * The scout's search path assembled by hand, as `search-run.service.int-spec.ts` does: the same
 * classes the Nest module wires, constructed directly (tsx drops decorator metadata, which only
 * Nest's injector needs). This is the only file of the bench that reaches into the scout's own
 * libraries:
 * - `tools/bench` is tagged `scope:e2e, type:e2e`, and those tags may not depend on a
 *   `scope:scout` library nor on a `type:feature` one (`@sokoul/scout/search`, `@sokoul/scout/tmdb`);
 * - the pieces the bench times one by one (`IndexerSearchService`, `MediaIdentifier`,
 *   `ReleaseRanker`, `WatchlistGrabberService`, `mergeHits`, `torznabRequestFor`) are not in the
 *   `@sokoul/scout/search` barrel, so they are imported from the library's files.
 * Both are why the module-boundaries rule is switched off here, and only here. If the barrel
 * grows these exports, switch the deep imports to it.
 */
/* eslint-disable @nx/enforce-module-boundaries -- a benchmark of the scout's internals; see above */
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { JetStreamPublisher, MessagingOptions } from '@sokoul/messaging';
import {
  BlocklistRepository,
  IndexerRepository,
  ProcessedMessageRepository,
  QualityProfileRepository,
  ReleaseRepository,
  SearchRepository,
  WatchlistRepository,
} from '@sokoul/persistence';
import { IndexerGate, type ScoutOptions, SearchRunService } from '@sokoul/scout/search';
import { RedisTmdbCache, TmdbClient } from '@sokoul/scout/tmdb';
import { IndexerSearchService, torznabRequestFor } from '../../../libs/scout/search/src/lib/indexer-search.service';
import { MediaIdentifier } from '../../../libs/scout/search/src/lib/media-identifier';
import { mergeHits } from '../../../libs/scout/search/src/lib/release-merger';
import { ReleaseRanker } from '../../../libs/scout/search/src/lib/release-ranker.service';
import { WatchlistGrabberService } from '../../../libs/scout/search/src/lib/watchlist-grabber.service';

export type { IndexerHit, IndexerSearchOutcome } from '../../../libs/scout/search/src/lib/indexer-search.service';
export type { Identification } from '../../../libs/scout/search/src/lib/media-identifier';
export type { MergedRelease } from '../../../libs/scout/search/src/lib/release-merger';
export type { Ranking } from '../../../libs/scout/search/src/lib/release-ranker.service';
export type { ScoutOptions };
export { mergeHits, torznabRequestFor };

/** The whole service, and each piece it is made of, sharing the same connections. */
export interface Scout {
  service: SearchRunService;
  identifier: MediaIdentifier;
  indexerSearch: IndexerSearchService;
  ranker: ReleaseRanker;
  grabber: WatchlistGrabberService;
  blocklist: BlocklistRepository;
  searches: SearchRepository;
  releases: ReleaseRepository;
  processed: ProcessedMessageRepository;
  indexers: IndexerRepository;
}

export interface ScoutDependencies {
  dataSource: DataSource;
  /** With the namespace as key prefix, as the scout's RedisModule gives it. */
  redis: Redis;
  publisher: JetStreamPublisher;
  messaging: MessagingOptions;
  options: ScoutOptions;
}

/** As `SearchModule.forRoot` provides it: TMDB with its Redis cache, or none when not configured. */
function tmdbClient(options: ScoutOptions, redis: Redis): TmdbClient | undefined {
  if (!options.tmdb) return undefined;
  return new TmdbClient({ ...options.tmdb, cache: new RedisTmdbCache(redis) });
}

export function assembleScout({ dataSource, redis, publisher, messaging, options }: ScoutDependencies): Scout {
  const searches = new SearchRepository(dataSource);
  const releases = new ReleaseRepository(dataSource);
  const processed = new ProcessedMessageRepository(dataSource);
  const indexers = new IndexerRepository(dataSource);
  const identifier = new MediaIdentifier(tmdbClient(options, redis));
  const indexerSearch = new IndexerSearchService(indexers, new IndexerGate(redis, options), options);
  const ranker = new ReleaseRanker(new QualityProfileRepository(dataSource));
  const grabber = new WatchlistGrabberService(new WatchlistRepository(dataSource), releases, publisher);
  const blocklist = new BlocklistRepository(dataSource);
  const service = new SearchRunService(searches, releases, blocklist, processed, identifier, indexerSearch, ranker, grabber, publisher, messaging, options);
  return { service, identifier, indexerSearch, ranker, grabber, blocklist, searches, releases, processed, indexers };
}
