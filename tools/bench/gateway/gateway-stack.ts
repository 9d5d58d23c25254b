/**
 * What a gateway under measurement needs around it, shared by `run.ts` (the bench) and
 * `compare-builds.ts`: its own database and namespace on the test servers, its environment,
 * its start, the credentials to call it with, and the clean-up.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';
import { Streams } from '@sokoul/contracts';
import { Wire } from '@sokoul/messaging';
import { freePort, testEnvironment } from '@sokoul/testing';
import type { Target } from './load';
import { ServerProcess } from './servers';

export const ROOT = join(__dirname, '../../..');

/** High enough that no measured request is refused: the bench measures the pipeline, not 429s. */
export const RATE_LIMIT_PER_MINUTE = 1_000_000_000;

/** Runs `fn` on the test server's maintenance database (`postgres`), where the bench's own database is created and dropped. */
export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(testEnvironment.TEST_DATABASE_URL);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(database: string): string {
  const url = new URL(testEnvironment.TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** What the bench leaves on the shared NATS and Redis: the namespace's streams and keys. */
export async function removeNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: testEnvironment.NATS_URL.split(','), name: 'bench-gateway-cleanup' });
  try {
    const jsm = await nc.jetstreamManager();
    const wire = new Wire(namespace);
    for (const name of Object.values(Streams)) await jsm.streams.delete(wire.stream(name)).catch(() => undefined);
  } finally {
    await nc.close();
  }
  const redis = new Redis(testEnvironment.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface GatewayEnvironment {
  databaseUrl: string;
  namespace: string;
  jwtSecret: string;
  encryptionKey: string;
  logLevel: string;
}

/** Only what the gateway needs: not the bench's own environment (npm and tsx variables such as NODE_OPTIONS). */
export function gatewayEnv(environment: GatewayEnvironment, port?: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    DATABASE_URL: environment.databaseUrl,
    NATS_URL: testEnvironment.NATS_URL,
    REDIS_URL: testEnvironment.REDIS_URL,
    SOKOUL_NAMESPACE: environment.namespace,
    AUTH_JWT_SECRET: environment.jwtSecret,
    SECRETS_ENCRYPTION_KEY: environment.encryptionKey,
    AUTH_ACCESS_TOKEN_TTL_S: '3600',
    RATE_LIMIT_PER_USER_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    RATE_LIMIT_PER_IP_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    LOG_LEVEL: environment.logLevel,
    ...(port ? { GATEWAY_PORT: String(port) } : {}),
  };
}

/** `main.js migrate`: applies the migrations of that build to the environment's database. */
export function migrate(gatewayMain: string, environment: GatewayEnvironment): void {
  const run = spawnSync(process.execPath, [gatewayMain, 'migrate'], { cwd: ROOT, env: gatewayEnv(environment), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`main.js migrate failed (exit ${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
}

export async function startGateway(gatewayMain: string, label: string, environment: GatewayEnvironment, nodeFlags: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  return ServerProcess.start({ label, args: [gatewayMain], nodeFlags, env: gatewayEnv(environment, port), cwd: ROOT, port });
}

export async function call<T>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> }, expected: number): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: expected ${expected}, got ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Credentials {
  searchId: string;
  accessToken: string;
  apiKey: string;
}

/** Registers the first account (an admin), signs in, creates the search to read and a read-only API key. */
export async function createCredentials(gateway: string): Promise<Credentials> {
  const password = randomBytes(18).toString('base64url');
  await call(`${gateway}/api/v1/auth/register`, { method: 'POST', body: { username: 'bench-admin', email: 'bench-admin@example.org', password } }, 201);
  const { accessToken } = await call<{ accessToken: string }>(`${gateway}/api/v1/auth/login`, { method: 'POST', body: { login: 'bench-admin', password } }, 200);
  const bearer = { authorization: `Bearer ${accessToken}` };
  const { id: searchId } = await call<{ id: string }>(`${gateway}/api/v1/searches`, { method: 'POST', body: { query: 'bench' }, headers: bearer }, 202);
  const { key: apiKey } = await call<{ key: string }>(`${gateway}/api/v1/api-keys`, { method: 'POST', body: { name: 'bench', scopes: ['read'] }, headers: bearer }, 201);
  return { searchId, accessToken, apiKey };
}

/** One request first: a route that answers anything but 200 with the search would make the figures meaningless. */
export async function check(target: Target, searchId: string): Promise<void> {
  const body = await call<{ id?: string }>(target.url, { headers: target.headers }, 200);
  if (body.id !== searchId) throw new Error(`${target.label}: answered ${JSON.stringify(body).slice(0, 200)}, not the search ${searchId}`);
}
