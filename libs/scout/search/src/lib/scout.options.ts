export const SCOUT_OPTIONS = Symbol('SCOUT_OPTIONS');

export interface ScoutOptions {
  /** Each indexer query gives up after this long; the others' results still count. */
  indexerTimeoutMs: number;
  /** Queries per indexer per minute, shared by every scout replica. */
  indexerRequestsPerMinute: number;
  /** After the n-th consecutive failure an indexer is skipped for 2^(n-1) × base, up to the maximum. */
  indexerBackoffBaseMs: number;
  indexerBackoffMaxMs: number;
  /** Decrypts indexer API keys (the gateway encrypted them with the same key). */
  secretsEncryptionKey: string;
  watchlist: {
    /** How often each replica looks for due items (about: ±20% jitter); 0 turns the schedule off. */
    tickMs: number;
    /** Items claimed per tick. */
    batchSize: number;
    /** Time between two searches of one item, plus up to `jitterSeconds`. */
    intervalSeconds: number;
    jitterSeconds: number;
    /** A grab the hunter has not confirmed after this long has its command sent again. */
    resendGrabAfterSeconds: number;
    /**
     * When an automatic download is decided: once the oracle has judged the search's releases
     * (`validation`, so a fake or a namesake is never grabbed), or as soon as the search is
     * ranked (`search`, for installations running no oracle).
     */
    grabAfter: 'validation' | 'search';
  };
  /** TMDB; without it searches run on their text alone. */
  tmdb?: {
    baseUrl?: string;
    apiKey?: string;
    bearerToken?: string;
    timeoutMs: number;
    language?: string;
    /** Failures in a row (timeouts, 5xx, 429s) after which TMDB is left alone for `breakerOpenMs`; searches use their text meanwhile. */
    breakerFailures: number;
    breakerOpenMs: number;
  };
}
