import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, positiveInt, redisEnv } from '@sokoul/config';

export const sentinelConfigSchema = z.object({
  SENTINEL_PORT: port(3004),
  SENTINEL_INTERVAL_MS: positiveInt(15_000),
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type SentinelConfig = z.infer<typeof sentinelConfigSchema>;
