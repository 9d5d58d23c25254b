import type { DatabaseOptions } from '@sokoul/persistence';
import type { MessagingOptions } from '@sokoul/messaging';
import type { TracingOptions } from '@sokoul/observability';
import type { RedisOptions } from '@sokoul/redis';

/*
 * The env fragments of @sokoul/config, mapped once onto the options of the modules that use
 * them, so the five apps do not each spell the mapping out.
 */

export interface DatabaseEnv {
  DATABASE_URL: string;
  DATABASE_SCHEMA: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_MIGRATE_ON_START: boolean;
}

export interface NatsEnv {
  NATS_URL: string;
  NATS_ACK_WAIT_MS: number;
  NATS_MAX_DELIVER: number;
  NATS_RETRY_BACKOFF_MS: number[];
  NATS_CONCURRENCY: number;
  NATS_DRAIN_TIMEOUT_MS: number;
  NATS_HEARTBEAT_INTERVAL_MS?: number;
  SOKOUL_NAMESPACE?: string;
}

export function databaseOptions(env: DatabaseEnv, service: string): DatabaseOptions & { migrateOnStart: boolean } {
  return {
    url: env.DATABASE_URL,
    schema: env.DATABASE_SCHEMA,
    poolSize: env.DATABASE_POOL_SIZE,
    applicationName: `sokoul-${service}`,
    migrateOnStart: env.DATABASE_MIGRATE_ON_START,
  };
}

export function messagingOptions(env: NatsEnv, service: string, instanceId: string): MessagingOptions {
  return {
    service,
    instanceId,
    servers: env.NATS_URL,
    namespace: env.SOKOUL_NAMESPACE,
    ackWaitMs: env.NATS_ACK_WAIT_MS,
    maxDeliver: env.NATS_MAX_DELIVER,
    retryBackoffMs: env.NATS_RETRY_BACKOFF_MS,
    concurrency: env.NATS_CONCURRENCY,
    drainTimeoutMs: env.NATS_DRAIN_TIMEOUT_MS,
    heartbeatIntervalMs: env.NATS_HEARTBEAT_INTERVAL_MS,
  };
}

export function redisOptions(env: { REDIS_URL: string; SOKOUL_NAMESPACE?: string }, service: string): RedisOptions {
  return { url: env.REDIS_URL, keyPrefix: env.SOKOUL_NAMESPACE, connectionName: `sokoul-${service}` };
}

export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_TRACES_SAMPLER_ARG: number;
}

/**
 * Where spans go: the traces endpoint as it is, else `/v1/traces` under the base endpoint (as
 * OpenTelemetry's exporters read these variables); undefined when tracing is off.
 */
export function tracesUrl(env: Pick<TracingEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/** Tracing's options, or undefined when no OTLP endpoint is set: tracing is off. */
export function tracingOptions(env: TracingEnv, service: string, instanceId?: string): TracingOptions | undefined {
  const url = tracesUrl(env);
  if (!url) return undefined;
  return { serviceName: env.OTEL_SERVICE_NAME ?? service, tracesUrl: url, sampleRatio: env.OTEL_TRACES_SAMPLER_ARG, instanceId };
}
