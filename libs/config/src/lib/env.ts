import { z } from 'zod';

/** Only plain decimal digits: Number() would also take "0x50" or "8e3". */
const decimal = (message: string) => z.string().regex(/^\d+$/, { error: message });

/** A TCP port given as an environment variable. */
export const port = (fallback: number) => {
  const error = 'expected an integer between 1 and 65535';
  return decimal(error)
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().min(1, { error }).max(65535, { error }));
};

export const positiveInt = (fallback: number) =>
  decimal('expected a positive integer')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().positive({ error: 'expected a positive integer' }));

function hasProtocol(protocols: string[]): (value: string) => boolean {
  return (value) => {
    try {
      return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  };
}

export const url = (protocols: string[], fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(hasProtocol(protocols), { error: `expected a ${protocols.join(' or ')} URL` });

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** A comma-separated list of positive millisecond values, e.g. "1000,5000,30000". */
export const millisecondList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => v.split(',').every((part) => /^\d+$/.test(part.trim()) && Number(part) > 0), {
      error: 'expected comma-separated positive milliseconds, e.g. 1000,5000,30000',
    })
    .transform((v) => v.split(',').map((part) => Number(part.trim())));

/** Lower-case identifier used to isolate streams, schemas and keys (tests, several stacks on one host). */
export const namespace = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,30}$/, { error: 'expected lower-case letters, digits and _ (max 31), starting with a letter' })
  .optional();

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], { error: 'expected fatal, error, warn, info, debug or trace' })
  .default('info');

/** Fragments every service composes into its own schema. */
export const databaseEnv = {
  DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/sokoul'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a lower-case Postgres schema name' })
    .default('public'),
  DATABASE_POOL_SIZE: positiveInt(10),
  DATABASE_MIGRATE_ON_START: booleanFlag(false),
};

export const natsEnv = {
  NATS_URL: url(['nats', 'tls'], 'nats://127.0.0.1:4222'),
  NATS_ACK_WAIT_MS: positiveInt(30_000),
  NATS_MAX_DELIVER: positiveInt(5),
  NATS_RETRY_BACKOFF_MS: millisecondList('1000,5000,30000,120000'),
  NATS_CONCURRENCY: positiveInt(4),
  NATS_DRAIN_TIMEOUT_MS: positiveInt(10_000),
  /** How often the process tells the sentinel it is alive. */
  NATS_HEARTBEAT_INTERVAL_MS: positiveInt(10_000),
  SOKOUL_NAMESPACE: namespace,
};

export const redisEnv = {
  REDIS_URL: url(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
};

export const logEnv = {
  LOG_LEVEL: logLevel,
};

/** A secret of at least `minLength` characters; its value is never echoed in errors. */
export const secret = (minLength: number) =>
  z
    .string({ error: `required: at least ${minLength} random characters (e.g. openssl rand -base64 48)` })
    .min(minLength, { error: `expected at least ${minLength} characters (e.g. openssl rand -base64 48)` });

/** Encrypts credentials kept in the database (indexer API keys); shared by the services that read or write them. */
export const secretsEnv = {
  SECRETS_ENCRYPTION_KEY: secret(32),
};

/** Unset, or set to nothing (`NAME=` in an env file): both mean absent. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A fraction between 0 and 1, e.g. "0.25". */
const ratio = (fallback: number) =>
  z
    .string()
    .regex(/^(0|1|0?\.\d+|1\.0+)$/, { error: 'expected a number between 0 and 1, e.g. 0.25' })
    .default(String(fallback))
    .transform(Number);

const httpUrl = z.string().refine(hasProtocol(['http', 'https']), { error: 'expected an http or https URL' });

/**
 * OpenTelemetry tracing, under the standard OTEL_* names. Off unless an OTLP/HTTP endpoint is
 * set: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the URL spans are posted to as it is,
 * OTEL_EXPORTER_OTLP_ENDPOINT a base that gets `/v1/traces`. OTEL_SERVICE_NAME defaults to the
 * service; OTEL_TRACES_SAMPLER_ARG is the share of new traces kept (a caller's decision is followed).
 */
export const tracingEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(httpUrl),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(httpUrl),
  OTEL_SERVICE_NAME: optional(z.string().regex(/^[\w.-]{1,63}$/, { error: 'expected letters, digits, _, . or - (max 63)' })),
  OTEL_TRACES_SAMPLER_ARG: ratio(1),
};
