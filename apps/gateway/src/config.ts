import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, redisEnv } from '@sokoul/config';

export const gatewayConfigSchema = z.object({
  GATEWAY_PORT: port(3000),
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
