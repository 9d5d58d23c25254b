import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, positiveInt, redisEnv, secretsEnv } from '@sokoul/config';
import { type AlertSink, parseAlertSinks } from '@sokoul/sentinel/alert-sinks';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean));

/** `name=path,name=path`: the folders whose free space is watched. */
const diskPaths = z
  .string()
  .default('downloads=data/downloads,library=data/library')
  .refine((value) => value.split(',').every((entry) => /^[a-z][a-z0-9_-]*=.+$/.test(entry.trim())), { error: 'expected name=path pairs, e.g. downloads=/data/downloads,library=/data/library' })
  .transform((value) =>
    value.split(',').map((entry) => {
      const [name, ...path] = entry.trim().split('=');
      return { name, path: path.join('=') };
    }),
  );

const alertSinks = z
  .string()
  .optional()
  .transform((value, context): AlertSink[] => {
    try {
      return parseAlertSinks(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const sentinelConfigSchema = z.object({
  SENTINEL_PORT: port(3004),
  SENTINEL_INTERVAL_MS: positiveInt(15_000),
  SENTINEL_EXPECTED_SERVICES: list('gateway,scout,hunter,oracle'),
  SENTINEL_MISSED_HEARTBEATS: positiveInt(3),
  SENTINEL_LAG_THRESHOLD: positiveInt(100),
  SENTINEL_DEAD_LETTER_WINDOW_S: positiveInt(3600),
  SENTINEL_DISK_PATHS: diskPaths,
  SENTINEL_DISK_MIN_FREE_BYTES: positiveInt(5 * 1024 ** 3),
  SENTINEL_DISK_MIN_FREE_PERCENT: z.coerce.number().min(0).max(100).default(5),
  SENTINEL_STALLED_AFTER_S: positiveInt(1800),
  SENTINEL_INDEXER_INTERVAL_S: positiveInt(300),
  /** `format=url,…` with format json, ntfy, discord or slack. */
  SENTINEL_ALERT_WEBHOOKS: alertSinks,
  /** The oracle's model server, watched when set (the same value as the oracle's). */
  ORACLE_LLM_URL: z.url({ protocol: /^https?$/, error: 'expected an http or https URL, e.g. http://127.0.0.1:8080/v1' }).optional(),
  ORACLE_LLM_API_KEY: z.string().min(1).optional(),
  ...secretsEnv,
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type SentinelConfig = z.infer<typeof sentinelConfigSchema>;
