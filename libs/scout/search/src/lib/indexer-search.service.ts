import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Media } from '@sokoul/contracts';
import { counter, gauge, histogram } from '@sokoul/observability';
import { type IndexerEntity, IndexerRepository, type IndexerReport, SecretCipher } from '@sokoul/persistence';
import {
  type TorznabCapabilities,
  TorznabClient,
  TorznabRateLimitedError,
  type TorznabRelease,
  type TorznabSearchRequest,
  planSearch,
} from '@sokoul/torznab';
import { IndexerGate } from './indexer-gate';
import { SCOUT_OPTIONS, type ScoutOptions } from './scout.options';

const requests = counter('sokoul_indexer_requests_total', 'Queries sent to indexers, by outcome (ok, failed, skipped).', ['indexer', 'outcome']);
const backoff = gauge('sokoul_indexer_backoff_seconds', 'How long an indexer is skipped after its last failure or 429 (0: healthy).', ['indexer']);
const searchDuration = histogram('sokoul_search_duration_seconds', 'Time an indexer took to answer a search.', ['indexer'], [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30]);

/** One release as one indexer listed it. */
export interface IndexerHit {
  indexer: { id: string; name: string; priority: number };
  release: TorznabRelease;
}

export interface IndexerSearchOutcome {
  hits: IndexerHit[];
  report: IndexerReport[];
}

/** The Torznab request for a search: ids and episode when known, the title as text always. */
export function torznabRequestFor(media: Media, categories: readonly number[]): TorznabSearchRequest {
  return {
    text: media.year && media.kind === 'movie' ? `${media.title} ${media.year}` : media.title,
    kind: media.kind === 'movie' ? 'movie' : 'tv',
    ...(media.imdbId ? { imdbId: media.imdbId } : {}),
    ...(media.tmdbId ? { tmdbId: media.tmdbId } : {}),
    ...(media.tvdbId ? { tvdbId: media.tvdbId } : {}),
    ...(media.season !== null ? { season: media.season } : {}),
    ...(media.episode !== null ? { episode: media.episode } : {}),
    ...(categories.length > 0 ? { categories } : {}),
  };
}

/**
 * Asks every enabled indexer at once, each with its own deadline, through the shared gate
 * (budget, 429s, backoff). An indexer that fails or is skipped is reported, never fatal: the
 * search uses whatever the others found.
 */
@Injectable()
export class IndexerSearchService {
  private readonly logger = new Logger(IndexerSearchService.name);
  private readonly cipher: SecretCipher;

  constructor(
    private readonly indexers: IndexerRepository,
    private readonly gate: IndexerGate,
    @Inject(SCOUT_OPTIONS) private readonly options: ScoutOptions,
  ) {
    this.cipher = new SecretCipher(options.secretsEncryptionKey);
  }

  async search(media: Media): Promise<IndexerSearchOutcome> {
    const enabled = await this.indexers.listEnabled();
    const outcomes = await Promise.all(enabled.map((indexer) => this.searchOne(indexer, media)));
    return { hits: outcomes.flatMap((o) => o.hits), report: outcomes.map((o) => o.report) };
  }

  private async searchOne(indexer: IndexerEntity, media: Media): Promise<{ hits: IndexerHit[]; report: IndexerReport }> {
    const started = performance.now();
    const report = (outcome: IndexerReport['outcome'], releases: number, detail?: string): IndexerReport => {
      requests.inc({ indexer: indexer.name, outcome });
      return { indexerId: indexer.id, name: indexer.name, outcome, releases, durationMs: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
    };

    const decision = await this.gate.admit(indexer.id);
    if (!decision.allowed) return { hits: [], report: report('skipped', 0, `${decision.reason}, retry in ${Math.ceil(decision.retryInMs / 1000)} s`) };

    const client = new TorznabClient({ baseUrl: indexer.url, apiKey: this.cipher.decrypt(indexer.apiKeyEncrypted), timeoutMs: this.options.indexerTimeoutMs });
    const signal = AbortSignal.timeout(this.options.indexerTimeoutMs);
    const stopTimer = searchDuration.startTimer({ indexer: indexer.name });
    try {
      const caps = await this.capabilitiesOf(indexer, client, signal);
      const result = await client.query(planSearch(torznabRequestFor(media, indexer.categories), caps), { signal });
      stopTimer();
      await this.gate.succeeded(indexer.id);
      backoff.set({ indexer: indexer.name }, 0);
      const skipped = result.skipped.length > 0 ? `${result.skipped.length} malformed item(s) skipped` : undefined;
      const hits = result.releases.map((release) => ({ indexer: { id: indexer.id, name: indexer.name, priority: indexer.priority }, release }));
      return { hits, report: report('ok', hits.length, skipped) };
    } catch (error) {
      stopTimer();
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof TorznabRateLimitedError) {
        await this.gate.rateLimited(indexer.id, error.retryAfterMs ?? 60_000);
        backoff.set({ indexer: indexer.name }, (error.retryAfterMs ?? 60_000) / 1000);
        return { hits: [], report: report('failed', 0, `rate limited: ${message}`) };
      }
      const backoffMs = await this.gate.failed(indexer.id);
      backoff.set({ indexer: indexer.name }, backoffMs / 1000);
      this.logger.warn({ msg: 'indexer query failed', indexer: indexer.name, error: message, backoffMs });
      return { hits: [], report: report('failed', 0, message) };
    }
  }

  /** What the indexer can search with: stored by its last test, else asked once and stored. */
  private async capabilitiesOf(indexer: IndexerEntity, client: TorznabClient, signal: AbortSignal): Promise<TorznabCapabilities> {
    if (indexer.capabilities) return indexer.capabilities as unknown as TorznabCapabilities;
    const caps = await client.capabilities({ signal });
    // Keeping them is an optimisation: a failed write (Postgres away) is not the indexer's failure.
    await this.indexers.setCapabilities(indexer.id, caps as unknown as Record<string, unknown>).catch((error: Error) => {
      this.logger.warn({ msg: 'indexer capabilities not stored', indexer: indexer.name, error: error.message });
    });
    return caps;
  }
}
