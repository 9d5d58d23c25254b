import { z } from 'zod';
import { logEnv, natsEnv, port } from '@sokoul/config';

export const oracleConfigSchema = z.object({
  ORACLE_PORT: port(3003),
  ...natsEnv,
  ...logEnv,
});

export type OracleConfig = z.infer<typeof oracleConfigSchema>;
