import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, positiveInt, redisEnv, secretsEnv, url } from '@sokoul/config';

export const scoutConfigSchema = z.object({
  SCOUT_PORT: port(3001),
  SCOUT_INDEXER_TIMEOUT_MS: positiveInt(15_000),
  SCOUT_INDEXER_REQUESTS_PER_MINUTE: positiveInt(60),
  SCOUT_INDEXER_BACKOFF_BASE_MS: positiveInt(30_000),
  SCOUT_INDEXER_BACKOFF_MAX_MS: positiveInt(3_600_000),
  SCOUT_WATCHLIST_TICK_MS: z.coerce.number().int().min(0).default(60_000),
  SCOUT_WATCHLIST_BATCH: positiveInt(20),
  SCOUT_WATCHLIST_INTERVAL_S: positiveInt(6 * 3600),
  SCOUT_WATCHLIST_JITTER_S: z.coerce.number().int().min(0).default(1800),
  SCOUT_WATCHLIST_RESEND_GRAB_AFTER_S: positiveInt(300),
  /** `validation`: automatic downloads wait for the oracle's verdicts; `search`: decided on the profile's ranking alone (no oracle running). */
  SCOUT_WATCHLIST_GRAB_AFTER: z.enum(['validation', 'search'], { error: 'expected validation or search' }).default('validation'),
  /** TMDB: a v4 read access token (preferred) or a v3 API key; neither: searches use their text alone. */
  TMDB_READ_ACCESS_TOKEN: z.string().min(20).optional(),
  TMDB_API_KEY: z.string().min(16).optional(),
  TMDB_BASE_URL: url(['http', 'https'], 'https://api.themoviedb.org'),
  TMDB_TIMEOUT_MS: positiveInt(10_000),
  /** After this many failed TMDB requests in a row (timeouts, 5xx, 429s), TMDB is left alone for TMDB_BREAKER_OPEN_MS. */
  TMDB_BREAKER_FAILURES: positiveInt(3),
  TMDB_BREAKER_OPEN_MS: positiveInt(30_000),
  TMDB_LANGUAGE: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, { error: 'expected a language like en-US' }).default('en-US'),
  ...secretsEnv,
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type ScoutConfig = z.infer<typeof scoutConfigSchema>;
