import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, positiveInt, redisEnv, secret } from '@sokoul/config';

export const gatewayConfigSchema = z.object({
  GATEWAY_PORT: port(3000),
  AUTH_JWT_SECRET: secret(32),
  AUTH_ACCESS_TOKEN_TTL_S: positiveInt(900),
  AUTH_REFRESH_TOKEN_TTL_S: positiveInt(30 * 24 * 3600),
  GATEWAY_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), {
      error: 'expected comma-separated origins like https://app.example.org (scheme and host, no path)',
    }),
  RATE_LIMIT_PER_USER_PER_MINUTE: positiveInt(600),
  RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(120),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(30),
  LOGIN_THROTTLE_WINDOW_S: positiveInt(15 * 60),
  AUTH_REGISTRATION: z.enum(['open', 'closed'], { error: 'expected open or closed' }).default('open'),
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** `main.js migrate` needs only the database: a migration job carries no API secrets. */
export const migrationConfigSchema = z.object({ ...databaseEnv, ...logEnv });
