import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port } from '@sokoul/config';

export const scoutConfigSchema = z.object({
  SCOUT_PORT: port(3001),
  ...databaseEnv,
  ...natsEnv,
  ...logEnv,
});

export type ScoutConfig = z.infer<typeof scoutConfigSchema>;
