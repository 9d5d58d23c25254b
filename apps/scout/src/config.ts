import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, redisEnv, secretsEnv } from '@sokoul/config';

export const scoutConfigSchema = z.object({
  SCOUT_PORT: port(3001),
  ...secretsEnv,
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type ScoutConfig = z.infer<typeof scoutConfigSchema>;
