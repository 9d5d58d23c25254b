import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamManager, type NatsConnection, connect } from 'nats';
import type { DataSource } from 'typeorm';
import { type DownloadProgress, type DownloadRequested, type DownloadUpdated, type Envelope, type Media, Streams, Subjects } from '@sokoul/contracts';
import { EmbeddedClient } from '@sokoul/hunter/download-clients';
import { type LocalSwarm, startLocalSwarm } from '@sokoul/hunter/testing';
import { JetStreamPublisher, type MessagingOptions, Wire, ensureStreams } from '@sokoul/messaging';
import { BlocklistRepository, type DownloadEntity, DownloadRepository, LibraryFileRepository, ReleaseRepository } from '@sokoul/persistence';
import { createTestSchema, eventually, removeNamespace, storeRelease, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { DownloadClients } from './download-clients.provider';
import { DownloadEventsService } from './download-events.service';
import { DownloadIntakeService } from './download-intake.service';
import { DownloadSupervisor } from './download-supervisor.service';
import { DownloadWorker } from './download-worker.service';
import type { HunterOptions } from './hunter.options';

jest.setTimeout(60_000);

const MiB = 1024 * 1024;
const namespace = uniqueNamespace('hunter');
const wire = new Wire(namespace);
const MATRIX: Media = { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null, tmdbId: 603, imdbId: 'tt0133093', tvdbId: null };

let dataSource: DataSource;
let drop: () => Promise<void>;
let nc: NatsConnection;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;
let downloads: DownloadRepository;
let libraryFiles: LibraryFileRepository;
let blocklist: BlocklistRepository;
let releases: ReleaseRepository;
let root: string;
let options: HunterOptions;
const hunters: Hunter[] = [];
const swarms: LocalSwarm[] = [];

/** One hunter as the service assembles it: its own embedded engine, worker, supervisor, intake. */
interface Hunter {
  instanceId: string;
  supervisor: DownloadSupervisor;
  intake: DownloadIntakeService;
  client: EmbeddedClient;
  /** Steps the loop until `done` holds (ticks are driven by the test, not a timer). */
  until(done: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
}

function startHunter(overrides: Partial<HunterOptions> = {}): Hunter {
  const instanceId = `hunter-test-${randomUUID().slice(0, 8)}`;
  const messaging = { instanceId } as MessagingOptions;
  const settings = { ...options, ...overrides };
  const client = new EmbeddedClient(settings.clients.embedded);
  const clients = new DownloadClients([['embedded', client]]);
  const events = new DownloadEventsService(publisher);
  const worker = new DownloadWorker(downloads, new LibraryFileRepository(dataSource), blocklist, events, clients, settings, messaging);
  const supervisor = new DownloadSupervisor(downloads, new LibraryFileRepository(dataSource), worker, clients, settings, messaging);
  const intake = new DownloadIntakeService(downloads, releases, blocklist, events, settings);
  const hunter: Hunter = {
    instanceId,
    supervisor,
    intake,
    client,
    until: async (done, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await supervisor.tick();
        await supervisor.settled();
        if (await done()) return;
        if (Date.now() > deadline) throw new Error(`the hunter did not get there in time: ${JSON.stringify(await dataSource.query('SELECT status, failure_code, error FROM downloads'))}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
  hunters.push(hunter);
  return hunter;
}

async function swarm(...args: Parameters<typeof startLocalSwarm>): Promise<LocalSwarm> {
  const started = await startLocalSwarm(...args);
  swarms.push(started);
  return started;
}

/** A search and one of its releases, as the scout stores them. */
async function release(title: string, from: LocalSwarm, media: Media | null, overrides: { magnetUrl?: string; sizeBytes?: number } = {}): Promise<DownloadRequested> {
  const { searchId, releaseId } = await storeRelease(dataSource, { title, infoHash: from.infoHash, magnetUrl: overrides.magnetUrl ?? from.magnet, sizeBytes: overrides.sizeBytes ?? from.totalBytes });
  return { requestId: `test:${releaseId}`, releaseId, searchId, requestedBy: null, watchlistItemId: null, infoHash: from.infoHash, title, media };
}

async function downloadOf(requestId: string): Promise<DownloadEntity> {
  return eventually(async () => {
    const [row] = await dataSource.getRepository('DownloadEntity').find({ where: { requestId } });
    if (!row) throw new Error(`no download for ${requestId}`);
    return row as DownloadEntity;
  });
}

async function status(id: string): Promise<DownloadEntity> {
  return (await downloads.findById(id)) as DownloadEntity;
}

async function eventsOf<T>(subject: string, downloadId: string): Promise<T[]> {
  const stream = wire.stream(Streams.events);
  const { state } = await jsm.streams.info(stream);
  const found: T[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const stored = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!stored || stored.subject !== wire.subject(subject as never)) continue;
    const payload = (stored.json() as Envelope<T & { downloadId: string }>).payload;
    if (payload.downloadId === downloadId) found.push(payload);
  }
  return found;
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

beforeAll(async () => {
  ({ dataSource, drop } = await createTestSchema(namespace));
  nc = await connect({ servers: testEnvironment.NATS_URL });
  jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, wire);
  publisher = new JetStreamPublisher(nc.jetstream(), wire);
  downloads = new DownloadRepository(dataSource);
  libraryFiles = new LibraryFileRepository(dataSource);
  blocklist = new BlocklistRepository(dataSource);
  releases = new ReleaseRepository(dataSource);
  root = await mkdtemp(join(tmpdir(), 'sokoul-hunter-'));
  options = {
    downloadDir: join(root, 'downloads'),
    libraryDir: join(root, 'library'),
    defaultClient: 'embedded',
    maxActive: 3,
    tickMs: 0,
    leaseSeconds: 30,
    metadataTimeoutMs: 10_000,
    stallTimeoutMs: 30_000,
    maxAttempts: 3,
    retryBaseMs: 50,
    seedRatio: 0,
    seedSeconds: 0,
    maxFiles: 100,
    maxTotalBytes: 1024 * MiB,
    sampleMaxBytes: 128 * 1024,
    torrentFetch: { maxBytes: MiB, timeoutMs: 5_000 },
    minFreeBytes: 0,
    advertisedUrl: 'http://127.0.0.1:1',
    streamSecret: 'a-shared-secret-of-at-least-32-characters',
    clients: { embedded: { port: 0, publicDiscovery: false } },
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(options.downloadDir, { recursive: true });
  await mkdir(options.libraryDir, { recursive: true });
});

afterEach(async () => {
  for (const hunter of hunters.splice(0)) await hunter.client.close();
  // Each test's downloads end with it: a leftover queued one would take the next test's slots.
  await dataSource.query(`DELETE FROM downloads`);
  for (const s of swarms.splice(0)) await s.close();
});

afterAll(async () => {
  await nc?.close();
  await drop?.();
  await removeNamespace(namespace);
  await rm(root, { recursive: true, force: true });
});

describe('the hunter', () => {
  it('downloads a requested release, files it into the library by the naming scheme, and says so', async () => {
    const movie = await swarm({ name: 'The.Matrix.1999.1080p.BluRay.x264-GROUP', files: [{ path: 'The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv', size: 3 * MiB }, { path: 'GROUP.nfo', content: Buffer.from('nfo') }] });
    const hunter = startHunter();
    const request = await release('The.Matrix.1999.1080p.BluRay.x264-GROUP', movie, MATRIX);

    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);
    await hunter.until(async () => (await status(download.id)).status === 'completed');

    const done = await status(download.id);
    expect(done).toMatchObject({ status: 'completed', downloadedBytes: 3 * MiB, totalBytes: 3 * MiB, claimedBy: null, failureCode: null });
    const [file] = await libraryFiles.ofDownload(download.id);
    expect(file).toMatchObject({ relativePath: 'The Matrix (1999)/The Matrix (1999) [Bluray-1080p].mkv', sizeBytes: 3 * MiB, sha256: movie.files.find((f) => f.path.endsWith('.mkv'))?.sha256 });
    expect(await sha256(join(options.libraryDir, file.relativePath))).toBe(file.sha256);
    // The .nfo was never fetched, let alone filed.
    expect((await readdir(options.libraryDir, { recursive: true })).filter((p) => p.endsWith('.nfo'))).toEqual([]);
    const updates = await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id);
    expect(updates.map((u) => u.status)).toEqual(['queued', 'downloading', 'completed']);
  });

  it('records a request once however often it arrives', async () => {
    const movie = await swarm({ name: 'The.Matrix.1999.720p.WEB-DL', files: [{ path: 'The.Matrix.1999.720p.WEB-DL.mkv', size: 256 * 1024 }] });
    const hunter = startHunter();
    const request = await release('The.Matrix.1999.720p.WEB-DL', movie, MATRIX);

    await Promise.all([hunter.intake.accept(request), hunter.intake.accept(request), startHunter().intake.accept(request)]);

    expect(await dataSource.getRepository('DownloadEntity').countBy({ requestId: request.requestId })).toBe(1);
  });

  it('never fetches the same torrent twice at once: a second request for it is refused as a duplicate', async () => {
    const movie = await swarm({ name: 'The.Matrix.1999.2160p.UHD.BluRay', files: [{ path: 'The.Matrix.1999.2160p.UHD.BluRay.mkv', size: 256 * 1024 }] });
    const hunter = startHunter();
    const first = await release('The.Matrix.1999.2160p.UHD.BluRay', movie, MATRIX);
    const second = await release('The.Matrix.1999.2160p.UHD.BluRay', movie, MATRIX);

    await hunter.intake.accept(first);
    await hunter.intake.accept(second);

    expect(await downloadOf(first.requestId)).toMatchObject({ status: 'queued' });
    expect(await downloadOf(second.requestId)).toMatchObject({ status: 'failed', failureCode: 'duplicate' });
  });

  it('refuses a release whose title is not the requested film, before fetching anything', async () => {
    const other = await swarm({ name: 'The.Matrix.Reloaded.2003.1080p.BluRay', files: [{ path: 'The.Matrix.Reloaded.2003.1080p.BluRay.mkv', size: 256 * 1024 }] });
    const hunter = startHunter();
    const request = await release('The.Matrix.Reloaded.2003.1080p.BluRay', other, MATRIX);

    await hunter.intake.accept(request);

    const refused = await downloadOf(request.requestId);
    expect(refused.status).toBe('failed');
    expect(refused.failureCode).toMatch(/^wrong-/);
    expect(existsSync(join(options.downloadDir, refused.id))).toBe(false);
  });

  it('refuses a torrent whose file list holds an executable, blocklists it, and leaves nothing on disk', async () => {
    const fake = await swarm({ name: 'The.Matrix.1999.1080p.BluRay.x264-FAKE', files: [{ path: 'The.Matrix.1999.1080p.BluRay.x264-FAKE.mkv.exe', size: 512 * 1024 }, { path: 'readme.txt', content: Buffer.from('run the exe') }] });
    const hunter = startHunter();
    const request = await release('The.Matrix.1999.1080p.BluRay.x264-FAKE', fake, MATRIX);

    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);
    await hunter.until(async () => (await status(download.id)).status === 'failed');

    expect(await status(download.id)).toMatchObject({ failureCode: 'executable', downloadedBytes: 0, claimedBy: null });
    expect(await blocklist.blockedAmong([fake.infoHash])).toEqual(new Set([fake.infoHash]));
    expect(existsSync(join(options.downloadDir, download.id))).toBe(false);
    const [failed] = (await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id)).filter((u) => u.status === 'failed');
    expect(failed).toMatchObject({ failureCode: 'executable', blocklisted: true });
  });

  it('pauses and resumes a download as its row says, and reports progress meanwhile', async () => {
    const slow = await swarm({ name: 'The.Matrix.1999.1080p.WEB-DL', files: [{ path: 'The.Matrix.1999.1080p.WEB-DL.mkv', size: 4 * MiB }], uploadLimit: MiB, pieceLength: 64 * 1024 });
    const hunter = startHunter();
    const request = await release('The.Matrix.1999.1080p.WEB-DL', slow, MATRIX);
    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);
    await hunter.until(async () => (await status(download.id)).downloadedBytes > 0);

    await downloads.transition(download.id, ['queued', 'downloading'], 'paused');
    await hunter.until(async () => (await hunter.client.status(slow.infoHash))?.state === 'paused');
    const paused = (await hunter.client.status(slow.infoHash))?.downloadedBytes;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await hunter.until(async () => true);
    expect((await hunter.client.status(slow.infoHash))?.downloadedBytes).toBe(paused);
    expect(await status(download.id)).toMatchObject({ status: 'paused', downloadSpeed: 0 });

    await downloads.transition(download.id, ['paused'], 'queued');
    await hunter.until(async () => (await status(download.id)).status === 'completed');

    const progress = await eventsOf<DownloadProgress>(Subjects.downloadProgress, download.id);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p, i) => i === 0 || p.downloadedBytes >= progress[i - 1].downloadedBytes)).toBe(true);
    expect(progress.every((p) => p.totalBytes === 4 * MiB && p.progress >= 0 && p.progress <= 1)).toBe(true);
  });

  it('cancels a download and deletes its data when asked to', async () => {
    const slow = await swarm({ name: 'The.Matrix.1999.BDRip', files: [{ path: 'The.Matrix.1999.BDRip.mkv', size: 4 * MiB }], uploadLimit: 512 * 1024, pieceLength: 64 * 1024 });
    const hunter = startHunter();
    const request = await release('The.Matrix.1999.BDRip', slow, MATRIX);
    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);
    await hunter.until(async () => (await status(download.id)).downloadedBytes > 0);

    await downloads.transition(download.id, ['queued', 'downloading', 'paused'], 'cancelled', { deleteData: true });
    await hunter.until(async () => (await status(download.id)).claimedBy === null);

    expect(await hunter.client.status(slow.infoHash)).toBeNull();
    expect(existsSync(join(options.downloadDir, download.id))).toBe(false);
    expect(await libraryFiles.ofDownload(download.id)).toEqual([]);
  });

  it('takes over the downloads of a hunter that died, and resumes from what is on disk', async () => {
    const slow = await swarm({ name: 'The.Matrix.1999.HDTV', files: [{ path: 'The.Matrix.1999.HDTV.mkv', size: 6 * MiB }], uploadLimit: 2 * MiB, pieceLength: 64 * 1024 });
    const first = startHunter({ leaseSeconds: 1 });
    const request = await release('The.Matrix.1999.HDTV', slow, MATRIX);
    await first.intake.accept(request);
    const download = await downloadOf(request.requestId);
    await first.until(async () => (await status(download.id)).downloadedBytes >= MiB);
    // Killed: no hand-back, its engine gone, its lease left to expire.
    await first.client.close();
    const before = (await status(download.id)).downloadedBytes;

    const second = startHunter({ leaseSeconds: 1 });
    await second.until(async () => (await status(download.id)).claimedBy === second.instanceId);
    await second.until(async () => (await status(download.id)).status === 'completed');

    const done = await status(download.id);
    expect(done.downloadedBytes).toBe(6 * MiB);
    const [file] = await libraryFiles.ofDownload(download.id);
    expect(file.sha256).toBe(slow.files[0].sha256);
    // The second engine found the first one's pieces on disk (verified) instead of fetching them again.
    expect(before).toBeGreaterThanOrEqual(MiB);
    expect((await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id)).filter((u) => u.status === 'completed')).toHaveLength(1);
  });

  it('finishes with the right bytes when a seeder disappears mid-transfer and another remains', async () => {
    const film = await swarm({ name: 'The.Matrix.1999.1080p.BluRay.DTS', files: [{ path: 'The.Matrix.1999.1080p.BluRay.DTS.mkv', size: 6 * MiB }], uploadLimit: MiB, pieceLength: 64 * 1024 });
    await film.addSeeder();
    const hunter = startHunter();
    const request = await release('The.Matrix.1999.1080p.BluRay.DTS', film, MATRIX);
    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);
    await hunter.until(async () => (await status(download.id)).downloadedBytes > 0);

    await film.stopSeeder(film.seeders()[0]);
    await hunter.until(async () => (await status(download.id)).status === 'completed');

    const [file] = await libraryFiles.ofDownload(download.id);
    expect(file.sha256).toBe(film.files[0].sha256);
    expect(film.seeders()).toHaveLength(1);
  });

  it('seeds a completed download until its time is up, then lets go of it (the library file stays)', async () => {
    const film = await swarm({ name: 'The.Matrix.1999.720p.HDTV', files: [{ path: 'The.Matrix.1999.720p.HDTV.mkv', size: 512 * 1024 }] });
    const hunter = startHunter({ seedRatio: 10, seedSeconds: 2 });
    const request = await release('The.Matrix.1999.720p.HDTV', film, MATRIX);
    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);

    await hunter.until(async () => (await status(download.id)).status === 'completed');
    expect(await status(download.id)).toMatchObject({ seeding: true, claimedBy: hunter.instanceId });
    expect((await hunter.client.status(film.infoHash))?.state).toBe('complete');

    await hunter.until(async () => !(await status(download.id)).seeding);
    expect(await status(download.id)).toMatchObject({ status: 'completed', seeding: false, claimedBy: null });
    expect(await hunter.client.status(film.infoHash)).toBeNull();
    const [file] = await libraryFiles.ofDownload(download.id);
    expect(await sha256(join(options.libraryDir, file.relativePath))).toBe(film.files[0].sha256);
  });

  it('retries a magnet nobody seeds with backoff, then fails it and blocklists the torrent', async () => {
    const gone = await swarm({ name: 'The.Matrix.1999.DVDRip', files: [{ path: 'The.Matrix.1999.DVDRip.avi', size: 64 * 1024 }], tracker: false });
    const hunter = startHunter({ metadataTimeoutMs: 300 });
    // A magnet with no tracker and no peer: nobody can give its metadata.
    const request = await release('The.Matrix.1999.DVDRip', gone, MATRIX, { magnetUrl: gone.bareMagnet });
    await hunter.intake.accept(request);
    const download = await downloadOf(request.requestId);

    await hunter.until(async () => (await status(download.id)).status === 'failed');

    expect(await status(download.id)).toMatchObject({ failureCode: 'no-peers', attempts: 3 });
    expect(await blocklist.blockedAmong([gone.infoHash])).toEqual(new Set([gone.infoHash]));
    const updates = await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id);
    expect(updates.map((u) => [u.status, u.failureCode])).toEqual([
      ['queued', null],
      ['queued', 'no-peers'],
      ['queued', 'no-peers'],
      ['failed', 'no-peers'],
    ]);
  });
});
