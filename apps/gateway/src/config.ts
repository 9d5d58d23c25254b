import { isIP } from 'node:net';
import { z } from 'zod';
import { databaseEnv, logEnv, natsEnv, port, positiveInt, redisEnv, secret, secretsEnv } from '@sokoul/config';

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Empty (trust no proxy), a hop count, or proxies' addresses/CIDRs; never "everything". */
const trustProxy = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const value = v.trim();
    if (value === '') return undefined;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    const invalid = entries.find((e) => !PROXY_NAMES.includes(e) && isIP(e.split('/')[0]) === 0);
    if (invalid !== undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a hop count or proxy addresses/CIDRs (or ${PROXY_NAMES.join(', ')}), got "${invalid}"` });
      return z.NEVER;
    }
    return entries;
  });

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
  GATEWAY_TRUST_PROXY: trustProxy,
  RATE_LIMIT_PER_USER_PER_MINUTE: positiveInt(600),
  RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(120),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(30),
  LOGIN_THROTTLE_WINDOW_S: positiveInt(15 * 60),
  AUTH_REGISTRATION: z.enum(['open', 'invite', 'closed'], { error: 'expected open, invite or closed' }).default('open'),
  /** The hunters' library folder as this gateway sees it (read-only is enough): served by /library/:id/stream. */
  GATEWAY_LIBRARY_DIR: z.string().min(1).default('data/library'),
  /** The sentinel's interval (the same variable): its results older than three of them are shown as stale. */
  SENTINEL_INTERVAL_MS: positiveInt(15_000),
  /** Shared with the hunters: the BitTorrent client a download uses unless its request names one. */
  HUNTER_DEFAULT_CLIENT: z.enum(['embedded', 'transmission', 'qbittorrent']).default('embedded'),
  ...secretsEnv,
  ...databaseEnv,
  ...natsEnv,
  ...redisEnv,
  ...logEnv,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** `main.js migrate` needs only the database: a migration job carries no API secrets. */
export const migrationConfigSchema = z.object({ ...databaseEnv, ...logEnv });
