import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamManager, type NatsConnection, connect } from 'nats';
import type { DataSource } from 'typeorm';
import { type DownloadProgress, type DownloadRequested, type DownloadUpdated, type Envelope, type Media, Streams, Subjects } from '@sokoul/contracts';
import {
  type DownloadClient,
  type DownloadClientKind,
  type InspectOptions,
  QBittorrentClient,
  type TorrentMetadata,
  type TorrentSource,
  TransmissionClient,
  type TransferStatus,
} from '@sokoul/hunter/download-clients';
import { type LocalSwarm, type LocalSwarmOptions, startLocalSwarm, startQBittorrentDaemon, startTransmissionDaemon } from '@sokoul/hunter/testing';
import { JetStreamPublisher, type MessagingOptions, Wire, ensureStreams } from '@sokoul/messaging';
import { BlocklistRepository, type DownloadEntity, DownloadRepository, LibraryFileRepository, ReleaseRepository } from '@sokoul/persistence';
import { createTestSchema, eventually, removeNamespace, storeRelease, testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { DownloadClients } from './download-clients.provider';
import { DownloadEventsService } from './download-events.service';
import { DownloadIntakeService } from './download-intake.service';
import { DownloadSupervisor } from './download-supervisor.service';
import { DownloadWorker } from './download-worker.service';
import type { HunterOptions } from './hunter.options';

/*
 * The hunter end to end with each daemon as the download's client: the same worker and
 * supervisor as in production, a real transmission-daemon / qbittorrent-nox, real transfers from
 * a loopback swarm. Transmission keeps a new peer choked ~10 s and ramps up slowly (~15–30 s per
 * transfer, docs/research/bittorrent-engines.md §5), so each daemon's scenarios run side by side
 * (`it.concurrent`), each with its own swarm, torrent and download.
 */
const TEST_TIMEOUT_MS = 180_000;
/** Per wait for a transfer (Transmission: one choke cycle plus the ramp-up, with room to spare). */
const TRANSFER_TIMEOUT_MS = 90_000;
/** The supervisor runs on its own timer, as in the service; the tests only watch the rows. */
const TICK_MS = 200;
const MiB = 1024 * 1024;
/** Files are whole multiples of it: a piece spanning two files would write into the unselected one. */
const PIECE = 256 * 1024;
const namespace = uniqueNamespace('hunter_daemons');
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

type DaemonKind = Exclude<DownloadClientKind, 'embedded'>;

/** A daemon under test, with what the tests read from it around the adapter. */
interface Daemon {
  kind: DaemonKind;
  /** The production adapter, pointed at the daemon. */
  client: DownloadClient;
  options: NonNullable<HunterOptions['clients'][DaemonKind]>;
  /** The daemon's own default download folder: nothing of the hunter's may land there. */
  ownDownloadDir: string;
  /** What the daemon appends to a file's name while it is incomplete ('' when nothing). */
  partialSuffix: string;
  /**
   * Payload bytes the daemon received for a torrent, by its own counter; null when it does not have
   * it. qBittorrent's lags its refresh interval (1.5 s): only Transmission's is exact at any moment.
   */
  payload(infoHash: string): Promise<number | null>;
  /** Whether the adapter's `remove` with deleteData returns only once the daemon has deleted the files. */
  removalWaitsForDeletion: boolean;
  /** Lets the swarm's seeders reach the daemon; the returned function stops that. */
  feed(swarm: LocalSwarm): () => void;
  stop(): Promise<void>;
}

async function startTransmission(): Promise<Daemon> {
  const daemon = await startTransmissionDaemon();
  let sessionId = '';
  const rpc = async (method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    for (;;) {
      const response = await fetch(daemon.rpcUrl, { method: 'POST', headers: { 'X-Transmission-Session-Id': sessionId }, body: JSON.stringify({ method, arguments: args }) });
      if (response.status !== 409) return ((await response.json()) as { arguments: Record<string, unknown> }).arguments;
      sessionId = response.headers.get('X-Transmission-Session-Id') ?? '';
    }
  };
  const session = await rpc('session-get', {});
  return {
    kind: 'transmission',
    client: new TransmissionClient({ url: daemon.rpcUrl }),
    options: { url: daemon.rpcUrl },
    ownDownloadDir: daemon.downloadDir,
    // On by default in 3.00: an incomplete file is `<name>.part`, renamed once its last piece is verified.
    partialSuffix: session['rename-partial-files'] === true ? '.part' : '',
    removalWaitsForDeletion: true,
    payload: async (infoHash) => {
      const { torrents } = (await rpc('torrent-get', { ids: [infoHash], fields: ['downloadedEver'] })) as { torrents: { downloadedEver: number }[] };
      return torrents[0]?.downloadedEver ?? null;
    },
    // Transmission never dials 127.x peers: the seeders dial it, again and again (it drops them
    // while it wants nothing, and while the torrent is stopped).
    feed: (swarm) => {
      const dial = () => swarm.dial(`127.0.0.1:${daemon.peerPort}`);
      dial();
      const dialing = setInterval(dial, 2_000);
      return () => clearInterval(dialing);
    },
    stop: daemon.stop,
  };
}

async function startQBittorrent(): Promise<Daemon> {
  const daemon = await startQBittorrentDaemon();
  const login = await fetch(`${daemon.url}/api/v2/auth/login`, { method: 'POST', body: new URLSearchParams({ username: daemon.username, password: daemon.password }) });
  const cookie = login.headers.getSetCookie()[0].split(';')[0];
  const get = (endpoint: string) => fetch(`${daemon.url}/api/v2/${endpoint}`, { headers: { cookie } });
  const preferences = (await (await get('app/preferences')).json()) as { incomplete_files_ext: boolean };
  return {
    kind: 'qbittorrent',
    client: new QBittorrentClient({ url: daemon.url, username: daemon.username, password: daemon.password }),
    options: { url: daemon.url, username: daemon.username, password: daemon.password },
    ownDownloadDir: daemon.downloadDir,
    partialSuffix: preferences.incomplete_files_ext ? '.!qB' : '',
    // libtorrent deletes on its disk thread after answering; the worker removes the folder itself too.
    removalWaitsForDeletion: false,
    payload: async (infoHash) => {
      const response = await get(`torrents/properties?hash=${infoHash}`);
      if (response.status === 404) return null;
      return ((await response.json()) as { total_downloaded: number }).total_downloaded;
    },
    // Nothing: the worker gives qBittorrent no peers, so it must find the swarm from the magnet
    // alone (its `x.pe=` seeder and `tr=` tracker), as it would from an indexer's magnet.
    feed: () => () => undefined,
    stop: daemon.stop,
  };
}

/**
 * Each daemon's releases differ in group and resolution: their torrents, and the names they are
 * filed under in the one library (`library_files.relative_path` is unique), never collide.
 */
const DAEMONS: readonly { label: string; kind: DaemonKind; tag: string; resolution: string; start: () => Promise<Daemon> }[] = [
  { label: 'Transmission', kind: 'transmission', tag: 'TRN', resolution: '1080p', start: startTransmission },
  { label: 'qBittorrent', kind: 'qbittorrent', tag: 'QBT', resolution: '720p', start: startQBittorrent },
];

/**
 * The real adapter, every call passed through unchanged, with a record of what the hunter asked
 * of the daemon and what the daemon had done by then: the worker's steps happen inside one
 * reconcile, too fast to observe from outside.
 */
class Observed implements DownloadClient {
  readonly kind: DownloadClientKind;
  /** The calls made for each torrent, in order, each logged once it returned. */
  readonly calls = new Map<string, string[]>();
  /** The daemon's payload counter and the adapter's status just before the hunter first removed the torrent. */
  readonly atRemoval = new Map<string, { payload: number | null; status: TransferStatus | null }>();
  /** Payload files still under the save folder when `remove` with deleteData had returned (before the worker's own `rm`). */
  readonly leftAfterRemoval = new Map<string, string[]>();
  /** Each `complete` the adapter reported while a selected file was not whole, under its final name, on disk. */
  readonly prematureCompletions: string[] = [];
  private readonly saveDirs = new Map<string, string>();

  constructor(private readonly daemon: Daemon) {
    this.kind = daemon.client.kind;
  }

  async inspect(source: TorrentSource, options: InspectOptions): Promise<TorrentMetadata> {
    this.saveDirs.set(source.infoHash.toLowerCase(), options.saveDir);
    const metadata = await this.daemon.client.inspect(source, options);
    this.log(source.infoHash, 'inspect');
    return metadata;
  }

  async start(infoHash: string, fileIndexes: readonly number[]): Promise<void> {
    await this.daemon.client.start(infoHash, fileIndexes);
    this.log(infoHash, `start ${fileIndexes.join(',')}`);
  }

  async pause(infoHash: string): Promise<void> {
    await this.daemon.client.pause(infoHash);
    this.log(infoHash, 'pause');
  }

  async resume(infoHash: string): Promise<void> {
    await this.daemon.client.resume(infoHash);
    this.log(infoHash, 'resume');
  }

  async remove(infoHash: string, options: { deleteData: boolean }): Promise<void> {
    const hash = infoHash.toLowerCase();
    if (!this.atRemoval.has(hash)) {
      const [payload, status] = await Promise.all([this.daemon.payload(hash), this.daemon.client.status(hash)]);
      if (payload !== null || status !== null) this.atRemoval.set(hash, { payload, status });
    }
    await this.daemon.client.remove(infoHash, options);
    this.log(hash, options.deleteData ? 'remove +data' : 'remove');
    const saveDir = this.saveDirs.get(hash);
    if (options.deleteData && saveDir && !this.leftAfterRemoval.has(hash)) this.leftAfterRemoval.set(hash, await filesUnder(saveDir));
  }

  async status(infoHash: string): Promise<TransferStatus | null> {
    const status = await this.daemon.client.status(infoHash);
    if (status?.state === 'complete') await this.checkOnDisk(status);
    return status;
  }

  async addPeers(infoHash: string, peers: readonly string[]): Promise<void> {
    await this.daemon.client.addPeers(infoHash, peers);
    this.log(infoHash, `addPeers ${peers.length}`);
  }

  ping(): Promise<void> {
    return this.daemon.client.ping();
  }

  close(): Promise<void> {
    return this.daemon.client.close();
  }

  private log(infoHash: string, call: string): void {
    const hash = infoHash.toLowerCase();
    this.calls.set(hash, [...(this.calls.get(hash) ?? []), call]);
  }

  private async checkOnDisk(status: TransferStatus): Promise<void> {
    const saveDir = this.saveDirs.get(status.infoHash);
    if (!saveDir) return;
    for (const file of status.files.filter((f) => f.selected)) {
      const size = await stat(join(saveDir, file.path)).then((s) => s.size, () => null);
      if (size === file.length) continue;
      const partial = this.daemon.partialSuffix && existsSync(join(saveDir, file.path + this.daemon.partialSuffix)) ? `, ${file.path}${this.daemon.partialSuffix} still there` : '';
      this.prematureCompletions.push(`${file.path}: ${size === null ? 'missing' : `${size} of ${file.length} bytes`}${partial}`);
    }
  }
}

/** One hunter as the service assembles it, with one daemon as its only client, ticking on its own timer. */
interface Hunter {
  options: HunterOptions;
  supervisor: DownloadSupervisor;
  intake: DownloadIntakeService;
}

async function startHunter(daemon: Daemon, client: Observed): Promise<Hunter> {
  const messaging = { instanceId: `hunter-${daemon.kind}-${randomUUID().slice(0, 8)}` } as MessagingOptions;
  const options: HunterOptions = {
    // The daemon runs on this machine: it writes straight into `<downloadDir>/<download id>`.
    downloadDir: join(root, 'downloads'),
    libraryDir: join(root, 'library'),
    defaultClient: daemon.kind,
    maxActive: 8,
    tickMs: TICK_MS,
    leaseSeconds: 30,
    metadataTimeoutMs: 30_000,
    // Transmission sends nothing for ~10 s after each (re)connection: not a stall.
    stallTimeoutMs: 60_000,
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
    clients: { embedded: { port: 0, publicDiscovery: false }, [daemon.kind]: daemon.options },
  };
  const clients = new DownloadClients([[daemon.kind, client]]);
  const events = new DownloadEventsService(publisher);
  const worker = new DownloadWorker(downloads, new LibraryFileRepository(dataSource), blocklist, events, clients, options, messaging);
  const supervisor = new DownloadSupervisor(downloads, new LibraryFileRepository(dataSource), worker, clients, options, messaging);
  const intake = new DownloadIntakeService(downloads, releases, blocklist, events, options);
  // Creates both folders and starts ticking.
  await supervisor.onApplicationBootstrap();
  return { options, supervisor, intake };
}

/** A search and one of its releases, as the scout stores them. */
async function release(title: string, from: LocalSwarm, media: Media | null): Promise<DownloadRequested> {
  const { searchId, releaseId } = await storeRelease(dataSource, { title, infoHash: from.infoHash, magnetUrl: from.magnet, sizeBytes: from.totalBytes });
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

/** Polls until `probe` gives a value; `what` and the last value name what did not happen. */
async function until<T>(probe: () => Promise<T | null>, what: string, timeoutMs = TRANSFER_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Waits for the row to get there; a row that ends failed instead fails the wait at once, saying why. */
async function rowUntil(id: string, done: (row: DownloadEntity) => boolean, what: string): Promise<DownloadEntity> {
  let last: DownloadEntity | null = null;
  try {
    return await until(async () => {
      last = await status(id);
      if (done(last)) return last;
      if (last.status === 'failed') throw new Error(`${what}: the download failed instead (${last.failureCode}: ${last.error})`);
      return null;
    }, what);
  } catch (error) {
    const row = last as DownloadEntity | null;
    const summary = row && { status: row.status, downloadedBytes: row.downloadedBytes, totalBytes: row.totalBytes, peers: row.peers, attempts: row.attempts, failureCode: row.failureCode, error: row.error };
    throw new Error(`${(error as Error).message}; the download: ${JSON.stringify(summary)}`);
  }
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

/** Regular files under `dir` (none when it does not exist), relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

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
  root = await mkdtemp(join(tmpdir(), 'sokoul-hunter-daemons-'));
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await drop?.();
  await removeNamespace(namespace);
  await rm(root, { recursive: true, force: true });
});

for (const { label, kind, tag, resolution, start } of DAEMONS) {
  describe(`the hunter with ${label} as the download's client`, () => {
    let daemon: Daemon;
    let client: Observed;
    let hunter: Hunter;

    beforeAll(async () => {
      daemon = await start();
      client = new Observed(daemon);
      hunter = await startHunter(daemon, client);
    }, 30_000);

    afterAll(async () => {
      await hunter?.supervisor.onApplicationShutdown();
      // A download a failed test left behind must not be claimed by the next daemon's hunter.
      await dataSource?.query(`DELETE FROM downloads WHERE client = $1 AND status NOT IN ('completed', 'failed', 'cancelled')`, [kind]);
      await daemon?.stop();
    }, 30_000);

    async function withSwarm<T>(options: LocalSwarmOptions, run: (swarm: LocalSwarm) => Promise<T>): Promise<T> {
      const swarm = await startLocalSwarm(options);
      const stopFeeding = daemon.feed(swarm);
      try {
        return await run(swarm);
      } finally {
        stopFeeding();
        await swarm.close();
      }
    }

    it.concurrent(`downloads a requested release through ${label} into the download's folder, files it into the library by the naming scheme, and says so`, async () => {
      const name = `The.Matrix.1999.${resolution}.BluRay.x264-${tag}`;
      const spec = { name, pieceLength: PIECE, files: [{ path: `${name}.mkv`, size: 3 * MiB }, { path: `${tag}.nfo`, size: PIECE }] };
      await withSwarm(spec, async (movie) => {
        const request = await release(name, movie, MATRIX);
        await hunter.intake.accept(request);
        const download = await downloadOf(request.requestId);
        expect(download).toMatchObject({ client: kind, status: 'queued' });

        // Completed first, then the daemon told to forget it (no seeding asked for), then let go.
        const done = await rowUntil(download.id, (d) => d.status === 'completed' && d.claimedBy === null, 'completed and let go');

        expect(done).toMatchObject({ downloadedBytes: 3 * MiB, totalBytes: 3 * MiB, claimedBy: null, failureCode: null, seeding: false });
        const mkv = movie.files.find((f) => f.path.endsWith('.mkv'))!;
        const [file] = await libraryFiles.ofDownload(download.id);
        expect(file).toMatchObject({ relativePath: `The Matrix (1999)/The Matrix (1999) [Bluray-${resolution}].mkv`, sizeBytes: 3 * MiB, sha256: mkv.sha256, importMethod: 'hardlink' });
        const filed = join(hunter.options.libraryDir, file.relativePath);
        expect(await sha256(filed)).toBe(mkv.sha256);
        // Filed from where the daemon wrote it: its file in the download's folder, under its final
        // name (no partial suffix left), is the very inode now in the library.
        const saveDir = join(hunter.options.downloadDir, download.id);
        expect(await filesUnder(saveDir)).toEqual([`${name}/${name}.mkv`]);
        expect((await stat(filed)).ino).toBe((await stat(join(saveDir, name, `${name}.mkv`))).ino);
        expect(await filesUnder(daemon.ownDownloadDir)).toEqual([]);
        // The adapter said `complete` only once the file was whole under its final name.
        expect(client.prematureCompletions).toEqual([]);
        // No seeding asked for: the daemon was told to forget the torrent, keeping its files.
        expect(await daemon.client.status(movie.infoHash)).toBeNull();
        expect(client.calls.get(movie.infoHash)?.at(-1)).toBe('remove');
        // The .nfo was never selected nor fetched.
        const atRemoval = client.atRemoval.get(movie.infoHash)?.status;
        expect(atRemoval?.files.map((f) => ({ path: f.path, selected: f.selected, downloadedBytes: f.downloadedBytes }))).toEqual(
          movie.files.map((f) => ({ path: `${name}/${f.path}`, selected: f.path.endsWith('.mkv'), downloadedBytes: f.path.endsWith('.mkv') ? 3 * MiB : 0 })),
        );
        const updates = await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id);
        expect(updates.map((u) => u.status)).toEqual(['queued', 'downloading', 'completed']);
      });
    }, TEST_TIMEOUT_MS);

    it.concurrent(`pauses and resumes a ${label} download as its row says, and reports progress meanwhile`, async () => {
      const name = `The.Matrix.1999.${resolution}.WEB-DL-${tag}`;
      // Throttled so the transfer is still running when it is paused.
      const spec = { name, files: [{ path: `${name}.mkv`, size: 4 * MiB }], uploadLimit: 512 * 1024, pieceLength: 64 * 1024 };
      await withSwarm(spec, async (slow) => {
        const request = await release(name, slow, MATRIX);
        await hunter.intake.accept(request);
        const download = await downloadOf(request.requestId);
        const saveDir = join(hunter.options.downloadDir, download.id);
        const moving = await rowUntil(download.id, (d) => d.downloadedBytes > 0, 'first bytes recorded');
        expect(moving.status).toBe('downloading');

        await downloads.transition(download.id, ['queued', 'downloading'], 'paused');
        // Once the hunter has paused it (qBittorrent's state lags its pause, and its resume, by up to 1.5 s).
        const paused = await until(async () => {
          if (!client.calls.get(slow.infoHash)?.includes('pause')) return null;
          const now = await daemon.client.status(slow.infoHash);
          return now?.state === 'paused' ? now : null;
        }, `${label} paused`);
        expect(await rowUntil(download.id, (d) => d.downloadSpeed === 0, 'speed 0 recorded')).toMatchObject({ status: 'paused', etaSeconds: null });
        expect(paused.downloadedBytes).toBeLessThan(4 * MiB);
        // While incomplete the daemon keeps the file under its partial name: nothing could import it yet.
        expect(await filesUnder(saveDir)).toEqual([`${name}.mkv${daemon.partialSuffix}`]);
        // The seeders keep dialing all along (Transmission): a pause that let them back in would show.
        await sleep(4_000);
        expect(await daemon.client.status(slow.infoHash)).toMatchObject({ state: 'paused', downloadedBytes: paused.downloadedBytes });
        const stillPaused = await status(download.id);
        expect(stillPaused).toMatchObject({ status: 'paused', downloadSpeed: 0 });
        expect(stillPaused.downloadedBytes).toBeLessThanOrEqual(paused.downloadedBytes);

        await downloads.transition(download.id, ['paused'], 'queued');
        const done = await rowUntil(download.id, (d) => d.status === 'completed' && d.claimedBy === null, 'completed after resume, filed and let go');

        expect(done).toMatchObject({ downloadedBytes: 4 * MiB, totalBytes: 4 * MiB });
        const [file] = await libraryFiles.ofDownload(download.id);
        expect(file).toMatchObject({ relativePath: `The Matrix (1999)/The Matrix (1999) [WEBDL-${resolution}].mkv`, sha256: slow.files[0].sha256 });
        expect(await sha256(join(hunter.options.libraryDir, file.relativePath))).toBe(slow.files[0].sha256);
        expect(client.prematureCompletions).toEqual([]);
        const progress = await eventsOf<DownloadProgress>(Subjects.downloadProgress, download.id);
        expect(progress.length).toBeGreaterThan(1);
        expect(progress.every((p, i) => i === 0 || p.downloadedBytes >= progress[i - 1].downloadedBytes)).toBe(true);
        expect(progress.every((p) => p.totalBytes === 4 * MiB && p.progress >= 0 && p.progress <= 1)).toBe(true);
        const updates = await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id);
        // The pause and the resume are the row's own transitions (the API announces those); the
        // worker announces starting again after the resume.
        expect(updates.map((u) => u.status)).toEqual(['queued', 'downloading', 'downloading', 'completed']);
      });
    }, TEST_TIMEOUT_MS);

    it.concurrent(`cancels a ${label} download and deletes what the daemon wrote when asked to`, async () => {
      const name = `The.Matrix.1999.BDRip-${tag}`;
      // Larger than Transmission's 4 MiB write cache, and slow, so data reaches the disk well before the end.
      const spec = { name, files: [{ path: `${name}.mkv`, size: 12 * MiB }], uploadLimit: 256 * 1024, pieceLength: 64 * 1024 };
      await withSwarm(spec, async (slow) => {
        const request = await release(name, slow, MATRIX);
        await hunter.intake.accept(request);
        const download = await downloadOf(request.requestId);
        const saveDir = join(hunter.options.downloadDir, download.id);
        await rowUntil(download.id, (d) => d.downloadedBytes > 0, 'first bytes recorded');
        // The daemon writes into the download's own folder (Transmission counts blocks still in its
        // write cache: the file shows up a little after the first bytes).
        expect(await until(async () => ((await filesUnder(saveDir)).length ? filesUnder(saveDir) : null), 'first write on disk')).toEqual([`${name}.mkv${daemon.partialSuffix}`]);

        await downloads.transition(download.id, ['queued', 'downloading', 'paused'], 'cancelled', { deleteData: true });
        await rowUntil(download.id, (d) => d.claimedBy === null, 'cancellation handled');

        expect(await status(download.id)).toMatchObject({ status: 'cancelled' });
        expect(await daemon.client.status(slow.infoHash)).toBeNull();
        expect(client.calls.get(slow.infoHash)?.at(-1)).toBe('remove +data');
        const atRemoval = client.atRemoval.get(slow.infoHash)?.status;
        expect(atRemoval?.downloadedBytes).toBeGreaterThan(0);
        expect(atRemoval?.downloadedBytes).toBeLessThan(12 * MiB);
        // The daemon deleted what it wrote (Transmission before answering), not only the worker's own `rm` of the folder.
        if (daemon.removalWaitsForDeletion) expect(client.leftAfterRemoval.get(slow.infoHash)).toEqual([]);
        expect(existsSync(saveDir)).toBe(false);
        // libtorrent deletes on its disk thread after answering: a write still in flight must not bring anything back.
        await sleep(2_000);
        expect(existsSync(saveDir)).toBe(false);
        expect(await filesUnder(daemon.ownDownloadDir)).toEqual([]);
        expect(await libraryFiles.ofDownload(download.id)).toEqual([]);
      });
    }, TEST_TIMEOUT_MS);

    it.concurrent(`refuses a ${label} torrent whose file list holds an executable, blocklists it, and fetches none of it`, async () => {
      const name = `The.Matrix.1999.${resolution}.BluRay.x264-FAKE${tag}`;
      const spec = { name, pieceLength: PIECE, files: [{ path: `${name}.mkv.exe`, size: 2 * PIECE }, { path: 'readme.txt', content: Buffer.from('run the exe') }] };
      await withSwarm(spec, async (fake) => {
        const request = await release(name, fake, MATRIX);
        await hunter.intake.accept(request);
        const download = await downloadOf(request.requestId);

        await rowUntil(download.id, (d) => d.status === 'failed', 'failed');

        expect(await status(download.id)).toMatchObject({ status: 'failed', failureCode: 'executable', downloadedBytes: 0, claimedBy: null });
        expect(await blocklist.blockedAmong([fake.infoHash])).toEqual(new Set([fake.infoHash]));
        // Nothing but the file list was asked for: never resumed nor started, removed with its (empty) folder.
        expect(client.calls.get(fake.infoHash)).toEqual(['inspect', 'remove +data']);
        const atRemoval = client.atRemoval.get(fake.infoHash);
        // The daemon's own payload counter (exact for Transmission; qBittorrent's lags), and every file untouched.
        expect(atRemoval?.payload).toBe(0);
        expect(atRemoval?.status?.files.map((f) => [f.selected, f.downloadedBytes])).toEqual([[false, 0], [false, 0]]);
        expect(await daemon.client.status(fake.infoHash)).toBeNull();
        expect(existsSync(join(hunter.options.downloadDir, download.id))).toBe(false);
        expect(await filesUnder(daemon.ownDownloadDir)).toEqual([]);
        const [failed] = (await eventsOf<DownloadUpdated>(Subjects.downloadUpdated, download.id)).filter((u) => u.status === 'failed');
        expect(failed).toMatchObject({ failureCode: 'executable', blocklisted: true });
      });
    }, TEST_TIMEOUT_MS);
  });
}
