import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import Redis from 'ioredis';
import { AckPolicy, type Consumer, type JetStreamManager, type JsMsg, type NatsConnection, connect } from 'nats';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { type SearchRequested, Streams, Subjects, decodeMessage } from '@sokoul/contracts';
import { type FakeTmdb, startFakeTmdb } from '@sokoul/fakes';
import { JetStreamPublisher, MessageContext, type MessagingOptions, Wire, ensureStreams } from '@sokoul/messaging';
import { SecretCipher, createDataSource, runMigrations } from '@sokoul/persistence';
import { TorznabClient } from '@sokoul/torznab';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import type { Cleanup } from '../messaging/cleanup';
import type { FakeIndexerInfo, FakeIndexerOptions } from './fake-indexers';
import { type Scout, type ScoutOptions, assembleScout } from './scout';

/** The film every fake indexer serves and every search asks for (the fake TMDB knows it too). */
export const WORK = { id: 'dune-part-two', query: 'Dune Part Two 2024' } as const;

export interface EnvironmentOptions {
  indexers: number;
  resultsPerIndexer: number;
  /** Each fake indexer waits this long before answering a search. */
  delayMs: number;
  tmdb: boolean;
  /** Per indexer query, as SCOUT_INDEXER_TIMEOUT_MS. */
  indexerTimeoutMs: number;
}

/** One search ready to run: its row is queued and its command was delivered, as the runner would. */
export interface QueuedSearch {
  request: SearchRequested;
  context: MessageContext;
  msg: JsMsg;
}

/** Postgres pool of a service (DATABASE_POOL_SIZE's default). */
const POOL_SIZE = 10;

const ROOT = join(__dirname, '../../..');
/** Starting the indexers' process (tsx compiling the fakes) takes a few seconds on a busy machine. */
const FAKES_START_TIMEOUT_MS = 60_000;

/**
 * Everything the scout talks to, made for this run and undone by `cleanup`: a Postgres schema
 * with the migrations applied, the JetStream streams of a namespace, Redis keys under that
 * namespace, a fake TMDB and `indexers` fake Torznab indexers (in a process of their own)
 * registered with their capabilities already stored (as after the gateway's `test` of an indexer).
 */
export class SearchBenchEnvironment {
  readonly namespace = uniqueNamespace('bench_search');
  readonly wire = new Wire(this.namespace);
  fakes: FakeIndexerInfo[] = [];
  dataSource!: DataSource;
  redis!: Redis;
  nc!: NatsConnection;
  publisher!: JetStreamPublisher;
  scout!: Scout;
  scoutOptions!: ScoutOptions;
  tmdb?: FakeTmdb;
  private commands!: Consumer;
  private readonly consumerName = this.wire.consumerName('scout', Subjects.searchRequested);

  private constructor(readonly options: EnvironmentOptions) {}

  static async start(options: EnvironmentOptions, cleanup: Cleanup, progress: (message: string) => void): Promise<SearchBenchEnvironment> {
    const environment = new SearchBenchEnvironment(options);
    progress(`namespace ${environment.namespace} (schema, streams, Redis keys)`);
    await environment.setUp(cleanup, progress);
    return environment;
  }

  /** A fresh search row and a fresh `search.requested` command, pulled from the commands stream. */
  async queueSearch(): Promise<QueuedSearch> {
    const request: SearchRequested = { searchId: randomUUID(), query: WORK.query, requestedBy: null };
    await this.scout.searches.create({ id: request.searchId, userId: null, query: request.query });
    await this.publisher.publish(Subjects.searchRequested, request);
    const msg = await this.commands.next({ expires: 5_000 });
    if (!msg) throw new Error('the search.requested command was not delivered');
    const decoded = decodeMessage(Subjects.searchRequested, msg.data);
    if (!decoded.ok) throw new Error(`undecodable command: ${decoded.detail}`);
    return { request: decoded.envelope.payload, context: new MessageContext(msg, Subjects.searchRequested, decoded.envelope, this.consumerName), msg };
  }

  private async setUp(cleanup: Cleanup, progress: (message: string) => void): Promise<void> {
    const { namespace } = this;
    this.dataSource = createDataSource({ url: testEnvironment.TEST_DATABASE_URL, schema: namespace, poolSize: POOL_SIZE, applicationName: `bench-${namespace}` });
    await this.dataSource.initialize();
    cleanup.add(`Postgres schema ${namespace}`, async () => {
      // After Ctrl-C the measuring loop may still be inside a transaction: close the pool
      // first (bounded), then drop from a connection of our own.
      await withTimeout(this.dataSource.destroy(), 5_000).catch(() => undefined);
      await dropSchema(namespace);
    });
    await runMigrations(this.dataSource);

    this.redis = new Redis(testEnvironment.REDIS_URL, { keyPrefix: `${namespace}:`, lazyConnect: true });
    cleanup.add(`Redis keys ${namespace}:*`, async () => {
      await deleteRedisKeys(`${namespace}:*`);
      await this.redis.quit();
    });
    await this.redis.connect();

    this.nc = await connect({ servers: testEnvironment.NATS_URL.split(','), name: `bench-search-${namespace}` });
    cleanup.add(`NATS streams ${namespace.toUpperCase()}_*`, async () => {
      const jsm = await this.nc.jetstreamManager();
      for (const name of Object.values(Streams)) await jsm.streams.delete(this.wire.stream(name)).catch(() => undefined);
      await this.nc.close();
    });
    const jsm = await this.nc.jetstreamManager();
    await ensureStreams(jsm, this.wire);
    this.commands = await this.commandConsumer(jsm);
    this.publisher = new JetStreamPublisher(this.nc.jetstream(), this.wire);

    await this.startFakes(cleanup, progress);
    this.scoutOptions = this.scoutOptionsFor();
    this.scout = assembleScout({ dataSource: this.dataSource, redis: this.redis, publisher: this.publisher, messaging: this.messagingOptions(), options: this.scoutOptions });
    await this.registerIndexers();
  }

  /** The durable consumer scout's runner uses, pulled by hand so the bench controls each command. */
  private async commandConsumer(jsm: JetStreamManager): Promise<Consumer> {
    const stream = this.wire.stream(Streams.commands);
    await jsm.consumers.add(stream, { durable_name: this.consumerName, ack_policy: AckPolicy.Explicit, filter_subject: this.wire.subject(Subjects.searchRequested) });
    return this.nc.jetstream().consumers.get(stream, this.consumerName);
  }

  private async startFakes(cleanup: Cleanup, progress: (message: string) => void): Promise<void> {
    const { indexers, resultsPerIndexer, delayMs } = this.options;
    const child = spawnFakeIndexers({ count: indexers, resultsPerIndexer, delayMs, work: WORK.id });
    cleanup.add(`fake indexers (pid ${child.pid})`, () => stopChild(child));
    this.fakes = await readyLine(child);
    if (this.options.tmdb) {
      this.tmdb = await startFakeTmdb();
      const tmdb = this.tmdb;
      cleanup.add('fake TMDB', () => tmdb.close());
    }
    progress(`${indexers} fake indexers × ${resultsPerIndexer} releases, ${delayMs} ms delay each (pid ${child.pid}); fake TMDB ${this.tmdb ? 'on' : 'off'}`);
  }

  /** What the scout gets from its config, with the per-indexer budget lifted (see README). */
  private scoutOptionsFor(): ScoutOptions {
    return {
      indexerTimeoutMs: this.options.indexerTimeoutMs,
      // The default (60 a minute per indexer) would skip indexers during the run: the bench asks
      // each one far more often than any user would. The gate's Redis round trips are the same.
      indexerRequestsPerMinute: 1_000_000,
      indexerBackoffBaseMs: 30_000,
      indexerBackoffMaxMs: 3_600_000,
      secretsEncryptionKey: `bench-only-encryption-key-of-${this.namespace}`,
      // Read only by the watchlist scheduler, which the bench does not run; the scout's defaults.
      watchlist: { tickMs: 60_000, batchSize: 20, intervalSeconds: 6 * 3600, jitterSeconds: 1800, resendGrabAfterSeconds: 300, grabAfter: 'search' },
      ...(this.tmdb ? { tmdb: { baseUrl: this.tmdb.url, bearerToken: this.tmdb.bearerToken, timeoutMs: 10_000, breakerFailures: 3, breakerOpenMs: 30_000 } } : {}),
    };
  }

  private messagingOptions(): MessagingOptions {
    // Only instanceId (completedBy) is read by the search; the rest are the services' defaults.
    return {
      service: 'scout',
      instanceId: 'scout-bench',
      servers: testEnvironment.NATS_URL,
      namespace: this.namespace,
      ackWaitMs: 30_000,
      maxDeliver: 5,
      retryBackoffMs: [1_000, 5_000, 30_000, 120_000],
      concurrency: 4,
      drainTimeoutMs: 10_000,
    };
  }

  /** As the gateway does: API key encrypted, then a `test` that stores the caps. */
  private async registerIndexers(): Promise<void> {
    const cipher = new SecretCipher(this.scoutOptions.secretsEncryptionKey);
    for (const [index, fake] of this.fakes.entries()) {
      const indexer = await this.scout.indexers.create({
        id: randomUUID(),
        name: fake.name,
        url: fake.url,
        apiKeyEncrypted: cipher.encrypt(fake.apiKey),
        categories: [],
        priority: 10 + index,
        enabled: true,
      });
      const caps = await new TorznabClient({ baseUrl: fake.url, apiKey: fake.apiKey }).capabilities();
      await this.scout.indexers.setCapabilities(indexer.id, caps as unknown as Record<string, unknown>);
    }
  }
}

function spawnFakeIndexers(options: FakeIndexerOptions): ChildProcess {
  // stdin is the child's lifeline: it exits when it closes, even if the bench is killed outright.
  return spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-indexers.ts'), JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** The indexers the child started, from the one line it prints once they listen. */
function readyLine(child: ChildProcess): Promise<FakeIndexerInfo[]> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as Readable });
    const timer = setTimeout(() => reject(new Error(`the fake indexers did not start within ${FAKES_START_TIMEOUT_MS} ms`)), FAKES_START_TIMEOUT_MS);
    const exited = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the fake indexers exited (${code}) before they were ready`));
    };
    child.once('exit', exited);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', exited);
      lines.close();
      resolve(JSON.parse(line) as FakeIndexerInfo[]);
    });
  });
}

/** Closes its stdin (it closes its servers and exits), SIGKILL if it has not after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}

/** DROP SCHEMA, tried again when it loses a deadlock to a transaction that is still ending. */
async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: testEnvironment.TEST_DATABASE_URL });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        return;
      } catch (error) {
        const retryable = ['40P01', '55P03'].includes((error as { code?: string }).code ?? '');
        if (!retryable || attempt === 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  } finally {
    await client.end();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** SCAN + DEL on a client without the key prefix (ioredis does not prefix SCAN's MATCH). */
async function deleteRedisKeys(pattern: string): Promise<void> {
  const admin = new Redis(testEnvironment.REDIS_URL, { lazyConnect: true });
  await admin.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    admin.disconnect();
  }
}
