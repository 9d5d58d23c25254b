import { connect, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { type FakeTmdb, type FakeTorznabIndexer, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { createDataSource, runMigrations } from '@sokoul/persistence';
import { type Account, type ServiceName, ServiceProcess, namespaceEnv, postJson, signUp, testEnvironment, uniqueNamespace } from '@sokoul/testing';

/** Where the platform's servers are: a scenario's own ones, or the shared test servers for the others. */
export interface PlatformServers {
  databaseUrl?: string;
  natsUrl?: string;
  redisUrl?: string;
}

/**
 * One scenario's platform on servers it may own: a namespace (schema, streams, key prefix), its
 * schema migrated, the services it starts as real processes, a fake TMDB and Torznab indexer,
 * an admin who registered the indexer and a user who searches.
 */
export class ServersPlatform {
  readonly services: ServiceProcess[] = [];
  db!: DataSource;
  nats!: NatsConnection;
  tmdb!: FakeTmdb;
  indexer!: FakeTorznabIndexer;
  admin!: Account;
  user!: Account;
  readonly databaseUrl: string;
  /** The searches' statuses when `uncompleted` gave up on them (for the notes). */
  lastStatuses = new Map<string, string>();
  readonly natsUrl: string;
  readonly redisUrl: string;

  private constructor(
    readonly namespace: string,
    private readonly servers: PlatformServers,
  ) {
    this.databaseUrl = servers.databaseUrl ?? testEnvironment.TEST_DATABASE_URL;
    this.natsUrl = servers.natsUrl ?? testEnvironment.NATS_URL;
    this.redisUrl = servers.redisUrl ?? testEnvironment.REDIS_URL;
  }

  static async create(label: string, servers: PlatformServers, options: { indexerDelayMs?: number } = {}): Promise<ServersPlatform> {
    const platform = new ServersPlatform(uniqueNamespace(label), servers);
    platform.db = createDataSource({ url: platform.databaseUrl, schema: platform.namespace, poolSize: 3, applicationName: `chaos-${label}` });
    await platform.db.initialize();
    await runMigrations(platform.db);
    platform.nats = await connect({ servers: platform.natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    platform.tmdb = await startFakeTmdb();
    platform.indexer = await startFakeTorznabIndexer({ name: 'alpha', site: 'alpha', delayMs: options.indexerDelayMs });
    return platform;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...namespaceEnv(this.namespace), DATABASE_URL: this.databaseUrl, NATS_URL: this.natsUrl, REDIS_URL: this.redisUrl, ...extra };
  }

  /** The scout's environment: the fake TMDB, no watchlist ticks. */
  scoutEnv(extra: Record<string, string> = {}): Record<string, string> {
    // The load is ours, not a fault: the indexer's per-minute request budget (60 by default) must not fail searches.
    return { TMDB_BASE_URL: this.tmdb.url, TMDB_READ_ACCESS_TOKEN: this.tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0', SCOUT_INDEXER_TIMEOUT_MS: '5000', SCOUT_INDEXER_REQUESTS_PER_MINUTE: '100000', ...extra };
  }

  async start(name: ServiceName, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await ServiceProcess.start(name, this.env(extra));
    this.services.push(service);
    return service;
  }

  get gateway(): ServiceProcess {
    const gateway = this.services.find((s) => s.name === 'gateway');
    if (!gateway) throw new Error('the gateway is not started');
    return gateway;
  }

  api(path: string): string {
    return `${this.gateway.url}/api/v1${path}`;
  }

  /** The admin (first account) registers the indexer and tests it; `user` is who searches. */
  async accounts(): Promise<void> {
    this.admin = await signUp(this.gateway.url, 'admin');
    this.user = await signUp(this.gateway.url, 'searcher');
    const created = await postJson<{ id: string }>(this.api('/indexers'), { name: this.indexer.name, url: this.indexer.url, apiKey: this.indexer.apiKey }, this.admin.accessToken);
    if (created.status !== 201) throw new Error(`indexer not created: ${created.status} ${JSON.stringify(created.body)}`);
    // As an admin sets one up (README): tested, so its capabilities are stored and searches need not store them.
    const tested = await postJson(this.api(`/indexers/${created.body.id}/test`), {}, this.admin.accessToken);
    if (tested.status !== 200) throw new Error(`indexer test failed: ${tested.status} ${JSON.stringify(tested.body)}`);
  }

  /** One API request as a client sees it: status (0 when it hung past `timeoutMs`), latency, Retry-After. */
  async request(method: 'GET' | 'POST', path: string, options: { body?: unknown; token?: string; timeoutMs?: number } = {}): Promise<ClientOutcome> {
    const started = Date.now();
    try {
      const response = await fetch(this.api(path), {
        method,
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      const text = await response.text();
      return {
        status: response.status,
        ms: Date.now() - started,
        retryAfter: response.headers.get('retry-after'),
        problem: (response.headers.get('content-type') ?? '').startsWith('application/problem+json'),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    } catch (error) {
      return { status: 0, ms: Date.now() - started, retryAfter: null, problem: false, body: { error: (error as Error).message } };
    }
  }

  /** Asks for a search as the user. */
  search(query: string, timeoutMs?: number): Promise<ClientOutcome> {
    return this.request('POST', '/searches', { body: { query }, token: this.user.accessToken, timeoutMs });
  }

  /** The status of each search in `ids` (from the database the API reads). */
  async statuses(ids: readonly string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; status: string }> = await this.db.query(`SELECT id, status FROM searches WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Waits until every search in `ids` is completed, for as long as they keep completing: gives
   * up once none completed for `stallMs` (or after 10 min). Returns those that never completed
   * (lost, from the user's side: accepted, and no result ever); a backlog still draining is not lost.
   */
  async uncompleted(ids: readonly string[], stallMs: number): Promise<string[]> {
    const hardDeadline = Date.now() + 10 * 60_000;
    let lastProgress = Date.now();
    let openBefore = Number.POSITIVE_INFINITY;
    for (;;) {
      const statuses = await this.statuses(ids).catch(() => undefined);
      const open = ids.filter((id) => statuses?.get(id) !== 'completed');
      if (open.length === 0) return open;
      if (open.length < openBefore) {
        openBefore = open.length;
        lastProgress = Date.now();
      }
      if (Date.now() - lastProgress > stallMs || Date.now() > hardDeadline) {
        this.lastStatuses = statuses ?? new Map();
        return open;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** `search.completed` events stored beyond one per finished search (completed or failed): a search told twice. */
  async duplicateCompletions(): Promise<number> {
    const jsm = await this.nats.jetstreamManager();
    const subject = `${this.namespace}.sokoul.search.completed`;
    const { state } = await jsm.streams.info(`${this.namespace.toUpperCase()}_SOKOUL_EVENTS`, { subjects_filter: subject });
    const [{ finished }] = await this.db.query(`SELECT count(*)::int AS finished FROM searches WHERE status IN ('completed', 'failed')`);
    return Math.max(0, (state.subjects?.[subject] ?? 0) - finished);
  }

  /** Messages dead-lettered in this namespace (each one a piece of work given up on). */
  async deadLetters(): Promise<number> {
    const jsm = await this.nats.jetstreamManager();
    return (await jsm.streams.info(`${this.namespace.toUpperCase()}_SOKOUL_DLQ`)).state.messages;
  }

  /** Stops the services and fakes; removes what the namespace left on shared servers. */
  async destroy(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    await Promise.all([this.tmdb?.close(), this.indexer?.close()]);
    if (!this.servers.natsUrl && this.nats) {
      const jsm = await this.nats.jetstreamManager();
      for (const name of ['SOKOUL_COMMANDS', 'SOKOUL_EVENTS', 'SOKOUL_DLQ']) await jsm.streams.delete(`${this.namespace.toUpperCase()}_${name}`).catch(() => undefined);
    }
    await this.nats?.close().catch(() => undefined);
    if (!this.servers.databaseUrl && this.db?.isInitialized) await this.db.query(`DROP SCHEMA IF EXISTS "${this.namespace}" CASCADE`);
    if (this.db?.isInitialized) await this.db.destroy().catch(() => undefined);
  }
}

export interface ClientOutcome {
  /** 0: no answer within the client's timeout (a hang), or the connection failed. */
  status: number;
  ms: number;
  retryAfter: string | null;
  /** Answered as application/problem+json. */
  problem: boolean;
  body: Record<string, unknown>;
}

/** A 503 the client can act on: problem+json with a Retry-After of whole seconds. */
export function isRetryable503(outcome: ClientOutcome): boolean {
  return outcome.status === 503 && outcome.problem && /^\d+$/.test(outcome.retryAfter ?? '');
}

/** GET `url`'s status (0 when it did not answer within `timeoutMs`). */
export async function statusOf(url: string, timeoutMs = 5_000): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** The `q` quantile (0–1) of `values`, or null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
