import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { CircuitBreaker } from '@sokoul/circuit-breaker';
import { counter, gauge } from '@sokoul/observability';
import { REDIS_CLIENT } from '@sokoul/redis';
import { RedisTmdbCache, TmdbClient } from '@sokoul/scout/tmdb';
import { DownloadUpdatedHandler } from './download-updated.handler';
import { IndexerGate } from './indexer-gate';
import { IndexerSearchService } from './indexer-search.service';
import { MediaIdentifier } from './media-identifier';
import { QualityProfileChangedHandler } from './quality-profile-changed.handler';
import { ReleaseRanker } from './release-ranker.service';
import { ReleaseRescoringService } from './release-rescoring.service';
import { ReleasesValidatedHandler } from './releases-validated.handler';
import { SCOUT_OPTIONS, type ScoutOptions } from './scout.options';
import { TMDB_CLIENT } from './scout.tokens';
import { SearchRequestedHandler } from './search-requested.handler';
import { SearchRunService } from './search-run.service';
import { WatchlistGrabberService } from './watchlist-grabber.service';
import { WatchlistSchedulerService } from './watchlist-scheduler.service';

const cacheHits = counter('sokoul_cache_hits_total', 'Cache lookups that found an entry.', ['cache']);
const cacheMisses = counter('sokoul_cache_misses_total', 'Cache lookups that found nothing (or failed).', ['cache']);

const tmdbBreakerOpen = gauge('sokoul_tmdb_circuit_open', '1 while TMDB is left alone after failing repeatedly (searches use their text), else 0.', []);

/** TMDB with its Redis cache and circuit breaker, or nothing when TMDB is not configured (searches use their text). */
function tmdbClient(options: ScoutOptions, redis: Redis): TmdbClient | undefined {
  if (!options.tmdb) return undefined;
  const { breakerFailures, breakerOpenMs, ...tmdb } = options.tmdb;
  const logger = new Logger('Tmdb');
  tmdbBreakerOpen.set(0);
  const breaker = new CircuitBreaker({
    failureThreshold: breakerFailures,
    openMs: breakerOpenMs,
    onStateChange: (state) => {
      tmdbBreakerOpen.set(state === 'open' ? 1 : 0);
      logger.warn(`TMDB circuit ${state}${state === 'open' ? ': searches use their text until it is probed again' : ''}`);
    },
  });
  return new TmdbClient({
    ...tmdb,
    breaker,
    cache: new RedisTmdbCache(redis),
    onCacheEvent: ({ outcome }) => (outcome === 'hit' ? cacheHits : cacheMisses).inc({ cache: 'tmdb' }),
  });
}

/**
 * The scout: searches (identify, ask every indexer, merge, rank, store, announce) and
 * re-ranking when quality profiles change. Needs PersistenceModule, MessagingModule and
 * RedisModule from the application root.
 */
@Module({})
export class SearchModule {
  static forRoot(options: ScoutOptions): DynamicModule {
    return {
      module: SearchModule,
      controllers: [SearchRequestedHandler, QualityProfileChangedHandler, DownloadUpdatedHandler, ReleasesValidatedHandler],
      providers: [
        { provide: SCOUT_OPTIONS, useValue: options },
        { provide: TMDB_CLIENT, useFactory: tmdbClient, inject: [SCOUT_OPTIONS, REDIS_CLIENT] },
        IndexerGate,
        IndexerSearchService,
        MediaIdentifier,
        ReleaseRanker,
        ReleaseRescoringService,
        SearchRunService,
        WatchlistGrabberService,
        WatchlistSchedulerService,
      ],
    };
  }
}
