import { randomUUID } from 'node:crypto';
import { AckPolicy, type Consumer, type JetStreamManager, type JsMsg, type NatsConnection, type StoredMsg, connect } from 'nats';
import type { DataSource } from 'typeorm';
import { type DownloadRequested, type Envelope, type ReleasesFound, type SearchCompleted, type SearchRequested, Streams, Subjects, decodeMessage } from '@sokoul/contracts';
import { JetStreamPublisher, MessageContext, type MessagingOptions, NonRetryableError, Wire, ensureStreams } from '@sokoul/messaging';
import Redis from 'ioredis';
import { register as metricsRegistry } from 'prom-client';
import { type FakeTmdb, type FakeTorznabIndexer, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import {
  IndexerRepository,
  ProcessedMessageEntity,
  ProcessedMessageRepository,
  QualityProfileRepository,
  BlocklistRepository,
  ReleaseRepository,
  SearchRepository,
  SecretCipher,
  UserEntity,
  WatchlistRepository,
} from '@sokoul/persistence';
import { DEFAULT_QUALITY_PROFILE } from '@sokoul/release-ranking';
import { TmdbClient } from '@sokoul/scout/tmdb';
import { createTestSchema, removeNamespace, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { IndexerGate } from './indexer-gate';
import { IndexerSearchService } from './indexer-search.service';
import { MediaIdentifier } from './media-identifier';
import { ReleaseRanker } from './release-ranker.service';
import { ReleaseRescoringService } from './release-rescoring.service';
import { ReleasesValidatedHandler } from './releases-validated.handler';
import type { ScoutOptions } from './scout.options';
import { SearchRunService } from './search-run.service';
import { WatchlistGrabberService } from './watchlist-grabber.service';
import { WatchlistSchedulerService } from './watchlist-scheduler.service';

jest.setTimeout(30_000);

const namespace = uniqueNamespace('scout_run');
const wire = new Wire(namespace);
const commandsStream = wire.stream(Streams.commands);
const eventsStream = wire.stream(Streams.events);
const consumerName = wire.consumerName('scout', Subjects.searchRequested);

const messaging: MessagingOptions = {
  service: 'scout',
  instanceId: 'scout-test-1',
  servers: testEnvironment.NATS_URL,
  namespace,
  ackWaitMs: 30_000,
  maxDeliver: 3,
  retryBackoffMs: [100],
  concurrency: 2,
  drainTimeoutMs: 2_000,
};

const scoutOptions: ScoutOptions = {
  indexerTimeoutMs: 1_500,
  indexerRequestsPerMinute: 1_000,
  indexerBackoffBaseMs: 60_000,
  indexerBackoffMaxMs: 600_000,
  secretsEncryptionKey: `scout-spec-key-${namespace}`,
  watchlist: { tickMs: 0, batchSize: 10, intervalSeconds: 3600, jitterSeconds: 60, resendGrabAfterSeconds: 300, grabAfter: 'search' },
};

let dataSource: DataSource;
let redis: Redis;
let tmdbServer: FakeTmdb;
let releases: ReleaseRepository;
let indexers: IndexerRepository;
let profiles: QualityProfileRepository;
let rescoring: ReleaseRescoringService;
let watchlist: WatchlistRepository;
let grabber: WatchlistGrabberService;
let nc: NatsConnection | undefined;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;
let commands: Consumer;
let searches: SearchRepository;
let processed: ProcessedMessageRepository;
let service: SearchRunService;
let searchRunService: (options: ScoutOptions) => SearchRunService;
/** Every command a test pulled; acked after it (a no-op for one the test already nak'ed). */
const pulled: JsMsg[] = [];

interface Delivered {
  msg: JsMsg;
  context: MessageContext;
}

/** Pulls the next command the way the runner does, and wraps it in a real MessageContext. */
async function receive(): Promise<Delivered> {
  const msg = await commands.next({ expires: 5_000 });
  if (!msg) throw new Error('no search.requested command was delivered');
  pulled.push(msg);
  const decoded = decodeMessage(Subjects.searchRequested, msg.data);
  if (!decoded.ok) throw new Error(`undecodable command: ${decoded.detail}`);
  return { msg, context: new MessageContext(msg, Subjects.searchRequested, decoded.envelope, consumerName) };
}

/** Publishes a search.requested command on the real commands stream and receives it. */
async function command(request: SearchRequested, correlationId?: string): Promise<Delivered> {
  await publisher.publish(Subjects.searchRequested, request, correlationId ? { correlationId } : {});
  return receive();
}

async function queuedSearch(userId: string | null = null): Promise<SearchRequested> {
  const id = randomUUID();
  await searches.create({ id, userId, query: 'The Matrix 1999' });
  return { searchId: id, query: 'The Matrix 1999', requestedBy: userId };
}

/** The search.completed events stored in the events stream for one search. */
async function completedEvents(searchId: string): Promise<StoredMsg[]> {
  const { state } = await jsm.streams.info(eventsStream);
  const found: StoredMsg[] = [];
  if (state.messages === 0) return found;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const stored = await jsm.streams.getMessage(eventsStream, { seq });
    if (stored.subject !== wire.subject(Subjects.searchCompleted)) continue;
    if ((stored.json() as Envelope<SearchCompleted>).payload.searchId === searchId) found.push(stored);
  }
  return found;
}

function processedRows(messageId: string): Promise<number> {
  return dataSource.getRepository(ProcessedMessageEntity).countBy({ messageId });
}

beforeAll(async () => {
  ({ dataSource } = await createTestSchema(namespace));
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, wire);
  await jsm.consumers.add(commandsStream, {
    durable_name: consumerName,
    ack_policy: AckPolicy.Explicit,
    filter_subject: wire.subject(Subjects.searchRequested),
  });
  const js = nc.jetstream();
  commands = await js.consumers.get(commandsStream, consumerName);
  publisher = new JetStreamPublisher(js, wire);
  searches = new SearchRepository(dataSource);
  processed = new ProcessedMessageRepository(dataSource);
  releases = new ReleaseRepository(dataSource);
  indexers = new IndexerRepository(dataSource);
  profiles = new QualityProfileRepository(dataSource);
  redis = new Redis(testEnvironment.REDIS_URL, { keyPrefix: `${namespace}:` });
  tmdbServer = await startFakeTmdb();
  const tmdb = new TmdbClient({ baseUrl: tmdbServer.url, bearerToken: tmdbServer.bearerToken, timeoutMs: 2_000, maxRateLimitWaitMs: 0 });
  const ranker = new ReleaseRanker(profiles);
  watchlist = new WatchlistRepository(dataSource);
  grabber = new WatchlistGrabberService(watchlist, releases, publisher);
  const blocklist = new BlocklistRepository(dataSource);
  const identifier = new MediaIdentifier(tmdb);
  const indexerSearch = new IndexerSearchService(indexers, new IndexerGate(redis, scoutOptions), scoutOptions);
  searchRunService = (options) => new SearchRunService(searches, releases, blocklist, processed, identifier, indexerSearch, ranker, grabber, publisher, messaging, options);
  service = searchRunService(scoutOptions);
  rescoring = new ReleaseRescoringService(releases, blocklist, searches, ranker);
});

afterEach(() => {
  for (const msg of pulled.splice(0)) msg.ack();
});

afterAll(async () => {
  await tmdbServer?.close();
  await redis?.quit();
  await dataSource?.destroy();
  await nc?.close();
  await removeNamespace(namespace);
});

describe('SearchRunService.run (real Postgres and JetStream)', () => {
  it('completes a queued search, recording the instance that completed it and when', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    const search = await searches.findById(request.searchId);
    expect(search).toMatchObject({ status: 'completed', completedBy: 'scout-test-1', releaseCount: 0, error: null });
    expect(search?.startedAt).toBeInstanceOf(Date);
    expect(search?.completedAt).toBeInstanceOf(Date);
    expect(search!.completedAt!.getTime()).toBeGreaterThanOrEqual(search!.startedAt!.getTime());
  });

  it('records the message as processed under its consumer, in the same run', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    expect(await processed.count(consumerName, context.messageId)).toBe(1);
    expect(await processedRows(context.messageId)).toBe(1);
  });

  it('publishes one search.completed event with a stable message id and the final state as payload', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    const search = await searches.findById(request.searchId);
    const events = await completedEvents(request.searchId);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.subject).toBe(wire.subject(Subjects.searchCompleted));
    expect(event.header.get('Nats-Msg-Id')).toBe(`search.completed:${request.searchId}`);
    const envelope = event.json() as Envelope<SearchCompleted>;
    expect(envelope).toMatchObject({ id: `search.completed:${request.searchId}`, type: 'search.completed', schemaVersion: 1 });
    expect(envelope.payload).toEqual({
      searchId: request.searchId,
      status: 'completed',
      requestedBy: null,
      releaseCount: 0,
      completedAt: search!.completedAt!.toISOString(),
    });
    expect(decodeMessage(Subjects.searchCompleted, event.data).ok).toBe(true);
  });

  it('names the owner of the search as requestedBy in the event', async () => {
    const userId = randomUUID();
    await dataSource.getRepository(UserEntity).insert({
      id: userId,
      username: `neo-${userId.slice(0, 8)}`,
      email: `neo-${userId.slice(0, 8)}@example.test`,
      passwordHash: 'not-a-real-hash',
      role: 'user',
    });
    const request = await queuedSearch(userId);
    const { context } = await command(request);

    await service.run(request, context);

    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope<SearchCompleted>).payload.requestedBy).toBe(userId);
  });

  it("carries the command's correlationId on the event, in the envelope and the header", async () => {
    const correlationId = `corr-${randomUUID()}`;
    const request = await queuedSearch();
    const { context } = await command(request, correlationId);

    await service.run(request, context);

    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope).correlationId).toBe(correlationId);
    expect(event.header.get('Sokoul-Correlation-Id')).toBe(correlationId);
  });

  it('uses the command id as correlationId when the command started a new correlation', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await service.run(request, context);

    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope).correlationId).toBe(context.messageId);
  });

  it('handles a redelivery of the same message once: one processed row, one event, completedAt unchanged', async () => {
    const request = await queuedSearch();
    const first = await command(request);
    await service.run(request, first.context);
    const afterFirst = await searches.findById(request.searchId);
    // The process "crashed" before acking: JetStream delivers the same message again.
    first.msg.nak();
    const second = await receive();
    expect(second.context.messageId).toBe(first.context.messageId);
    expect(second.context.deliveryCount).toBe(2);

    await service.run(request, second.context);

    const afterSecond = await searches.findById(request.searchId);
    expect(afterSecond?.status).toBe('completed');
    expect(afterSecond?.completedAt?.toISOString()).toBe(afterFirst?.completedAt?.toISOString());
    expect(afterSecond?.startedAt?.toISOString()).toBe(afterFirst?.startedAt?.toISOString());
    expect(await processedRows(first.context.messageId)).toBe(1);
    const events = await completedEvents(request.searchId);
    expect(events).toHaveLength(1);
    expect((events[0].json() as Envelope<SearchCompleted>).payload.completedAt).toBe(afterFirst!.completedAt!.toISOString());
  });

  it('lets two deliveries of one message racing in parallel complete the search once', async () => {
    const request = await queuedSearch();
    const { context } = await command(request);

    await Promise.all([service.run(request, context), service.run(request, context)]);

    expect((await searches.findById(request.searchId))?.status).toBe('completed');
    expect(await processedRows(context.messageId)).toBe(1);
    expect(await completedEvents(request.searchId)).toHaveLength(1);
  });

  it('rejects a search id that does not exist with a NonRetryableError, writing and publishing nothing', async () => {
    const request: SearchRequested = { searchId: randomUUID(), query: 'Nowhere 2000', requestedBy: null };
    const { context } = await command(request);

    const outcome = service.run(request, context);

    await expect(outcome).rejects.toBeInstanceOf(NonRetryableError);
    await expect(outcome).rejects.toThrow(`search ${request.searchId} does not exist`);
    expect(await processedRows(context.messageId)).toBe(0);
    expect(await completedEvents(request.searchId)).toHaveLength(0);
  });

  it('does not complete again a search that was already finished before its command arrived', async () => {
    const request = await queuedSearch();
    await searches.markFinished(request.searchId, { status: 'failed', releaseCount: 0, error: 'indexer said no', completedBy: 'scout-other' });
    const before = await searches.findById(request.searchId);
    const { context } = await command(request);

    await service.run(request, context);

    const after = await searches.findById(request.searchId);
    expect(after).toMatchObject({ status: 'failed', completedBy: 'scout-other', error: 'indexer said no' });
    expect(after?.completedAt?.toISOString()).toBe(before?.completedAt?.toISOString());
    const [event] = await completedEvents(request.searchId);
    expect((event.json() as Envelope<SearchCompleted>).payload).toMatchObject({ status: 'failed', error: 'indexer said no' });
  });
});

describe('the whole search path: TMDB, several indexers (one slow, one broken), merge, rank (real HTTP, Postgres, Redis, JetStream)', () => {
  const fakes: FakeTorznabIndexer[] = [];
  const cipher = new SecretCipher(scoutOptions.secretsEncryptionKey);
  let alpha: FakeTorznabIndexer;
  let beta: FakeTorznabIndexer;
  let slow: FakeTorznabIndexer;
  let broken: FakeTorznabIndexer;

  async function register(fake: FakeTorznabIndexer, priority: number, enabled = true): Promise<void> {
    fakes.push(fake);
    await indexers.create({ id: randomUUID(), name: fake.name, url: fake.url, apiKeyEncrypted: cipher.encrypt(fake.apiKey), categories: [], priority, enabled });
  }

  async function searchFor(query: string): Promise<SearchRequested> {
    const id = randomUUID();
    await searches.create({ id, userId: null, query });
    const request = { searchId: id, query, requestedBy: null };
    const { context } = await command(request);
    await service.run(request, context);
    return request;
  }

  async function releasesFoundEvent(searchId: string) {
    const { state } = await jsm.streams.info(eventsStream);
    for (let seq = state.last_seq; seq >= state.first_seq; seq--) {
      const stored = await jsm.streams.getMessage(eventsStream, { seq });
      if (stored.subject !== wire.subject(Subjects.releasesFound)) continue;
      const envelope = stored.json() as Envelope<ReleasesFound>;
      if (envelope.payload.searchId === searchId) return envelope;
    }
    return undefined;
  }

  beforeAll(async () => {
    alpha = await startFakeTorznabIndexer({ name: 'alpha', site: 'alpha' });
    beta = await startFakeTorznabIndexer({ name: 'beta', site: 'beta', flavour: 'prowlarr' });
    slow = await startFakeTorznabIndexer({ name: 'slow', site: 'gamma', delayMs: 5_000 });
    broken = await startFakeTorznabIndexer({ name: 'broken', site: 'gamma', brokenXml: true });
    await register(alpha, 10);
    await register(beta, 20);
    await register(slow, 30);
    await register(broken, 40);
    await register(await startFakeTorznabIndexer({ name: 'switched-off', site: 'alpha' }), 1, false);
  });

  afterAll(async () => {
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  it('identifies the film on TMDB and asks each indexer by IMDb id, with the richest mode it supports', async () => {
    const { searchId } = await searchFor('Dune Part Two 2024');

    const search = await searches.findById(searchId);
    expect(search).toMatchObject({ status: 'completed', metadataStatus: 'identified' });
    expect(search?.media).toMatchObject({ kind: 'movie', title: 'Dune: Part Two', year: 2024, tmdbId: 693134, imdbId: 'tt15239678' });
    const asked = alpha.requests.filter((r) => r.query['t'] !== 'caps');
    expect(asked.at(-1)?.query).toMatchObject({ t: 'movie', imdbid: expect.stringMatching(/15239678/) });
    expect(fakes.find((f) => f.name === 'switched-off')?.requests).toHaveLength(0);
  });

  it('reports the slow and the broken indexer as failed without losing what the others found', async () => {
    const { searchId } = await searchFor('Oppenheimer 2023');

    const report = (await searches.findById(searchId))?.indexerReport ?? [];
    expect(Object.fromEntries(report.map((r) => [r.name, r.outcome]))).toEqual({ alpha: 'ok', beta: 'ok', slow: expect.stringMatching(/failed|skipped/), broken: expect.stringMatching(/failed|skipped/) });
    expect(await releases.countForSearch(searchId)).toBeGreaterThan(0);
  });

  it('merges the same torrent listed by two indexers into one release, de-duplicated by info-hash', async () => {
    const { searchId } = await searchFor('Dune Part Two 2024');

    const stored = await releases.listRanked(searchId, 1000);
    const hashes = stored.map((r) => r.infoHash).filter(Boolean);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(stored.some((r) => r.indexers.includes('alpha') && r.indexers.includes('beta'))).toBe(true);
  });

  it('ranks releases by the default profile, with the reasons that sum to each score and a reason for each rejection', async () => {
    const { searchId } = await searchFor('Dune Part Two 2024');

    const ranked = await releases.listRanked(searchId, 1000);
    const accepted = ranked.filter((r) => r.accepted);
    expect(accepted.length).toBeGreaterThan(0);
    for (const release of ranked) {
      expect(release.reasons.reduce((sum, r) => sum + (r.points ?? 0), 0)).toBe(release.score);
      if (!release.accepted) expect(release.rejections.length).toBeGreaterThan(0);
    }
    const scores = accepted.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const cams = ranked.filter((r) => ['CAM', 'TELESYNC'].includes(r.quality));
    expect(cams.every((r) => !r.accepted)).toBe(true);
  });

  it('never accepts a blocklisted torrent, and says why', async () => {
    const first = await searchFor('Oppenheimer 2023');
    const target = (await releases.listRanked(first.searchId, 1000)).find((r) => r.accepted && r.infoHash);
    await new BlocklistRepository(dataSource).add({ id: randomUUID(), infoHash: target!.infoHash!, title: target!.title, reason: 'fake: wrong file list', createdBy: null });

    const { searchId } = await searchFor('Oppenheimer 2023');

    const again = (await releases.listRanked(searchId, 1000)).find((r) => r.infoHash === target!.infoHash);
    expect(again).toMatchObject({ accepted: false, rejections: [expect.objectContaining({ code: 'blocklisted' })] });
  });

  it('announces the ranked releases to the oracle (releases.found) with a stable id', async () => {
    const { searchId } = await searchFor('Dune Part Two 2024');

    const event = await releasesFoundEvent(searchId);
    expect(event?.id).toBe(`releases.found:${searchId}`);
    expect(event?.payload.media).toMatchObject({ tmdbId: 693134 });
    expect(event?.payload.releases.length).toBe(await releases.countForSearch(searchId));
    expect(decodeMessage(Subjects.releasesFound, Buffer.from(JSON.stringify(event))).ok).toBe(true);
  });

  it('skips an indexer that keeps failing (backoff shared in Redis) instead of waiting for it again', async () => {
    await searchFor('Dune 2021');
    const before = broken.requests.length;

    const { searchId } = await searchFor('Dune 2021');

    expect(broken.requests.length).toBe(before);
    const report = (await searches.findById(searchId))?.indexerReport ?? [];
    expect(report.find((r) => r.name === 'broken')).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/backing-off/) });
    const backoff = await metricsRegistry.getSingleMetric('sokoul_indexer_backoff_seconds')?.get();
    expect(backoff?.values.find((v) => v.labels['indexer'] === 'broken')?.value).toBeGreaterThan(0);
    expect(backoff?.values.find((v) => v.labels['indexer'] === 'alpha')?.value).toBe(0);
  });

  it("honours an indexer's 429 Retry-After: it is not asked again before then", async () => {
    alpha.configure({ rateLimit: { afterRequests: 0, retryAfterSeconds: 120 } });
    try {
      await searchFor('The Matrix 1999');
      const before = alpha.requests.length;
      const { searchId } = await searchFor('The Matrix 1999');
      expect(alpha.requests.length).toBe(before);
      const report = (await searches.findById(searchId))?.indexerReport ?? [];
      expect(report.find((r) => r.name === 'alpha')).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/rate-limited/) });
    } finally {
      alpha.configure({});
      await redis.del(`indexer:${(await indexers.list()).find((i) => i.name === 'alpha')?.id}:rate-limited`);
    }
  });

  it('searches on the text alone, and says so, when TMDB is unavailable', async () => {
    tmdbServer.setFaults({ fail: 'http500' });
    try {
      const { searchId } = await searchFor('Oppenheimer 2023');
      const search = await searches.findById(searchId);
      expect(search).toMatchObject({ status: 'completed', metadataStatus: 'unavailable' });
      expect(search?.media).toMatchObject({ title: 'Oppenheimer', year: 2023, tmdbId: null });
      expect(search?.releaseCount).toBeGreaterThan(0);
    } finally {
      tmdbServer.setFaults({});
    }
  });

  describe('the watchlist', () => {
    let anyGoodProfile: string;
    const scheduler = () => new WatchlistSchedulerService(watchlist, searches, grabber, publisher, scoutOptions);

    beforeAll(async () => {
      // Every quality it allows meets its cutoff: the first accepted release is good enough.
      const qualities = [...DEFAULT_QUALITY_PROFILE.qualities];
      anyGoodProfile = (await profiles.create({ id: randomUUID(), name: 'Anything good', isDefault: false, rules: { ...DEFAULT_QUALITY_PROFILE, name: 'Anything good', cutoff: qualities[qualities.length - 1] } })).id;
    });

    /** A new user's watchlist item (a title is on a user's list once). */
    async function watch(autoDownload: boolean) {
      const userId = randomUUID();
      await dataSource.getRepository(UserEntity).insert({ id: userId, username: `w-${userId.slice(0, 8)}`, email: `w-${userId.slice(0, 8)}@example.test`, passwordHash: 'x', role: 'user' });
      return watchlist.create({ id: randomUUID(), userId, kind: 'movie', tmdbId: 693134, title: 'Dune: Part Two', year: 2024, season: null, episode: null, profileId: anyGoodProfile, autoDownload });
    }

    /** Commands on the stream for a watchlist item (pending, not consumed: no hunter runs here). */
    async function downloadCommands(itemId: string) {
      const { state } = await jsm.streams.info(commandsStream);
      const found: Envelope<DownloadRequested>[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const stored = await jsm.streams.getMessage(commandsStream, { seq }).catch(() => undefined);
        if (stored?.subject !== wire.subject(Subjects.downloadRequested)) continue;
        const envelope = stored.json() as Envelope<DownloadRequested>;
        if (envelope.payload.watchlistItemId === itemId) found.push(envelope);
      }
      return found;
    }

    /** Receives the search command the scheduler queued for this item, as the scout's consumer would. */
    async function scheduledSearch(itemId: string) {
      const item = await watchlist.findById(itemId);
      const delivered = await receive();
      const request = delivered.msg.json<Envelope<SearchRequested>>().payload;
      expect(request.searchId).toBe(item?.lastSearchId);
      return { request, context: delivered.context };
    }

    it('claims each due item once, whichever of two replicas ticks first, and queues its search with the TMDB id', async () => {
      const item = await watch(true);

      const claimed = await Promise.all([scheduler().tick(), scheduler().tick()]);

      expect(claimed.reduce((a, b) => a + b, 0)).toBe(1);
      const updated = await watchlist.findById(item.id);
      expect(updated?.nextSearchAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
      const search = await searches.findById(updated!.lastSearchId!);
      expect(search).toMatchObject({ query: 'Dune: Part Two 2024', watchlistItemId: item.id, profileId: anyGoodProfile, userId: item.userId });
      const { request } = await scheduledSearch(item.id);
      expect(request).toMatchObject({ tmdb: { kind: 'movie', id: 693134 }, requestedBy: item.userId });
    });

    it('grabs the best release meeting the cutoff exactly once, however many times the search runs', async () => {
      const item = await watch(true);
      await scheduler().tick();
      const { request, context } = await scheduledSearch(item.id);

      await Promise.all([service.run(request, context), service.run(request, context)]);
      await service.run(request, context);

      const grabbed = await watchlist.findById(item.id);
      expect(grabbed?.status).toBe('grabbing');
      const best = (await releases.listRanked(request.searchId, 1000)).filter((r) => r.accepted && r.meetsCutoff)[0];
      expect(grabbed?.grabbedReleaseId).toBe(best.id);
      const commands = await downloadCommands(item.id);
      expect(commands).toHaveLength(1);
      expect(commands[0].payload).toMatchObject({ requestId: `watchlist:${item.id}:${best.id}`, releaseId: best.id, requestedBy: item.userId, infoHash: best.infoHash });
      expect(await scheduler().tick()).toBe(0);
    });

    it("waits for the oracle's verdicts when told to, then grabs the best release it did not refuse", async () => {
      const validationFirst: ScoutOptions = { ...scoutOptions, watchlist: { ...scoutOptions.watchlist, grabAfter: 'validation' } };
      const waiting = searchRunService(validationFirst);
      const item = await watch(true);
      await scheduler().tick();
      const { request, context } = await scheduledSearch(item.id);

      await waiting.run(request, context);

      expect((await watchlist.findById(item.id))?.status).toBe('wanted');
      expect(await downloadCommands(item.id)).toHaveLength(0);

      const [best, runnerUp] = (await releases.listRanked(request.searchId, 1000)).filter((r) => r.accepted && r.meetsCutoff);
      const judgedAt = new Date();
      await releases.recordJudgements(request.searchId, [{ releaseId: best.id, verdict: 'mismatch', confidence: 0.9, reasons: ['A different film'], scoreAdjustment: -91, judgedBy: 'heuristic' }], judgedAt);
      const handler = new ReleasesValidatedHandler(searches, grabber, validationFirst);
      const validated = { searchId: request.searchId, requestedBy: item.userId, verdicts: [], validatedAt: judgedAt.toISOString() };

      await Promise.all([handler.handle(validated, context), handler.handle(validated, context)]);

      expect(await watchlist.findById(item.id)).toMatchObject({ status: 'grabbing', grabbedReleaseId: runnerUp.id });
      expect((await downloadCommands(item.id)).map((c) => c.payload.releaseId)).toEqual([runnerUp.id]);
    });

    it('only searches, never downloads, when automatic download is off', async () => {
      const item = await watch(false);
      await dataSource.query(`UPDATE watchlist_items SET tmdb_id = 438631, title = 'Dune', year = 2021 WHERE id = $1`, [item.id]);
      await scheduler().tick();
      const { request, context } = await scheduledSearch(item.id);
      await service.run(request, context);

      expect((await watchlist.findById(item.id))?.status).toBe('wanted');
      expect(await downloadCommands(item.id)).toHaveLength(0);
    });
  });

  it('re-ranks stored releases when the default profile changes, without asking any indexer', async () => {
    const { searchId } = await searchFor('Dune Part Two 2024');
    const requestsBefore = fakes.reduce((n, f) => n + f.requests.length, 0);
    const only720p = { ...DEFAULT_QUALITY_PROFILE, name: 'Only 720p', qualities: ['WEBDL-720p', 'Bluray-720p', 'HDTV-720p'], cutoff: 'WEBDL-720p' };
    const profile = await profiles.create({ id: randomUUID(), name: 'Only 720p', isDefault: true, rules: only720p });

    await rescoring.rescore({ profileId: profile.id, change: 'updated', isDefault: true, changedAt: new Date().toISOString() });

    const reranked = await releases.listRanked(searchId, 1000);
    expect(reranked.filter((r) => r.accepted).every((r) => r.quality.endsWith('720p'))).toBe(true);
    expect(reranked.some((r) => r.quality === 'WEBDL-2160p' && r.rejections.some((x) => x.code === 'quality-not-allowed'))).toBe(true);
    expect(fakes.reduce((n, f) => n + f.requests.length, 0)).toBe(requestsBefore);
  });
});
