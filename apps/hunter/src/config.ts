import { z } from 'zod';
import { logEnv, natsEnv, port } from '@sokoul/config';

export const hunterConfigSchema = z.object({
  HUNTER_PORT: port(3002),
  ...natsEnv,
  ...logEnv,
});

export type HunterConfig = z.infer<typeof hunterConfigSchema>;
