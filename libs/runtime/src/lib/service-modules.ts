import type { DatabaseOptions } from '@sokoul/persistence';
import type { MessagingOptions } from '@sokoul/messaging';
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
