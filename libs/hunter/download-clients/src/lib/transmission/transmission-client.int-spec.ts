import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalSwarm, type TransmissionDaemon, startLocalSwarm, startTransmissionDaemon } from '@sokoul/hunter/testing';
import { DownloadClientUnavailableError, MetadataTimeoutError, type TransferStatus } from '../download-client';
import { TransmissionClient } from './transmission-client';

// Transmission keeps a new peer choked for ~10 s and ramps up slowly: ~15–30 s per transfer on
// loopback whatever the size (docs/research/bittorrent-engines.md §5). The transfers therefore
// run side by side (`it.concurrent`), each with its own swarm and directory.
const TEST_TIMEOUT_MS = 120_000;
const TRANSFER_TIMEOUT_MS = 90_000;
const MiB = 1024 * 1024;
/** Files are whole multiples of it: a piece spanning two files would write into the unselected one. */
const PIECE = 256 * 1024;

let daemon: TransmissionDaemon;
let client: TransmissionClient;

beforeAll(async () => {
  daemon = await startTransmissionDaemon();
  client = new TransmissionClient({ url: daemon.rpcUrl });
});

afterAll(async () => {
  await client?.close();
  await daemon?.stop();
});

/**
 * Transmission never dials loopback peers, so the seeders dial it, again and again: the first
 * dial may come before it knows the torrent, and it drops seeders while it wants nothing.
 */
async function withSwarm<T>(options: Parameters<typeof startLocalSwarm>[0], run: (swarm: LocalSwarm, saveDir: string) => Promise<T>): Promise<T> {
  const swarm = await startLocalSwarm(options);
  const saveDir = join(daemon.downloadDir, options.name);
  await mkdir(saveDir, { recursive: true });
  const dial = () => swarm.dial(`127.0.0.1:${daemon.peerPort}`);
  const dialing = setInterval(dial, 2_000);
  try {
    return await run(swarm, saveDir);
  } finally {
    clearInterval(dialing);
    await client.remove(swarm.infoHash, { deleteData: true }).catch(() => undefined);
    await swarm.close();
  }
}

async function until(infoHash: string, done: (status: TransferStatus) => boolean, what: string, on = client): Promise<TransferStatus> {
  const deadline = Date.now() + TRANSFER_TIMEOUT_MS;
  let last: TransferStatus | null = null;
  while (Date.now() < deadline) {
    last = await on.status(infoHash);
    if (last && done(last)) return last;
    await sleep(250);
  }
  throw new Error(`${what}: not reached in ${TRANSFER_TIMEOUT_MS / 1000} s; last status ${JSON.stringify(last)}`);
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Regular files under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const threeFiles = (name: string) => ({
  name,
  pieceLength: PIECE,
  files: [{ path: 'e1.mkv', size: 1 * MiB }, { path: 'e2.mkv', size: 2 * MiB }, { path: 'e2.nfo', size: PIECE }],
});

describe('TransmissionClient against a real transmission-daemon', () => {
  it.concurrent('gives a magnet\'s file list without fetching a byte of payload', async () => {
    await withSwarm(threeFiles('Magnet.Metadata.S01'), async (swarm, saveDir) => {
      const metadata = await client.inspect({ kind: 'magnet', uri: swarm.magnet, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 60_000 });

      expect(metadata).toEqual({
        infoHash: swarm.infoHash,
        name: 'Magnet.Metadata.S01',
        totalBytes: 3 * MiB + PIECE,
        pieceLength: PIECE,
        files: [
          { index: 0, path: 'Magnet.Metadata.S01/e1.mkv', length: MiB },
          { index: 1, path: 'Magnet.Metadata.S01/e2.mkv', length: 2 * MiB },
          { index: 2, path: 'Magnet.Metadata.S01/e2.nfo', length: PIECE },
        ],
      });
      // Transmission checks for local data right after the metadata arrives.
      const status = await until(swarm.infoHash, (s) => s.state !== 'checking', 'local data checked');
      expect(status).toMatchObject({ state: 'idle', downloadedBytes: 0, totalBytes: 3 * MiB + PIECE });
      expect(status?.files.map((f) => [f.downloadedBytes, f.selected])).toEqual([[0, false], [0, false], [0, false]]);
      expect(await filesUnder(saveDir)).toEqual([]);

      // Asking again is idempotent and gives the same list.
      expect(await client.inspect({ kind: 'magnet', uri: swarm.magnet, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 10_000 })).toEqual(metadata);
    });
  }, TEST_TIMEOUT_MS);

  it.concurrent('downloads only the chosen file of three, byte for byte', async () => {
    await withSwarm(threeFiles('Selective.Download.S01'), async (swarm, saveDir) => {
      const metadata = await client.inspect({ kind: 'torrent-file', data: swarm.torrentFile, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 10_000 });
      // Even added paused, Transmission first looks for data already on disk.
      const checked = await until(swarm.infoHash, (s) => s.state !== 'checking', 'local data checked');
      expect(checked).toMatchObject({ state: 'idle', downloadedBytes: 0 });

      await client.start(swarm.infoHash, [1]);
      const done = await until(swarm.infoHash, (s) => s.state === 'complete', 'selected file complete');

      expect(done).toMatchObject({ downloadedBytes: 2 * MiB, totalBytes: 2 * MiB });
      expect(done.files.map((f) => [f.downloadedBytes, f.selected])).toEqual([[0, false], [2 * MiB, true], [0, false]]);
      expect(await sha256(join(saveDir, metadata.files[1]?.path ?? ''))).toBe(swarm.files[1]?.sha256);
      expect(await filesUnder(saveDir)).toEqual(['Selective.Download.S01/e2.mkv']);
    });
  }, TEST_TIMEOUT_MS);

  it.concurrent('stops transferring on pause and finishes the file after resume', async () => {
    // Throttled so the transfer is still running when it is paused.
    const spec = { name: 'Pause.Resume.S01', pieceLength: PIECE, uploadLimit: 512 * 1024, files: [{ path: 'movie.mkv', size: 4 * MiB }] };
    await withSwarm(spec, async (swarm, saveDir) => {
      const metadata = await client.inspect({ kind: 'magnet', uri: swarm.magnet, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 60_000 });
      // A single-file torrent's name is its file's name: no folder.
      expect(metadata.files).toEqual([{ index: 0, path: metadata.name, length: 4 * MiB }]);
      await client.start(swarm.infoHash, [0]);
      await until(swarm.infoHash, (s) => s.downloadedBytes > 0, 'first bytes');

      await client.pause(swarm.infoHash);
      const paused = await client.status(swarm.infoHash);
      expect(paused).toMatchObject({ state: 'paused', peers: 0 });
      // The seeders keep dialing (every 2 s) all along: a pause that let them back in would show here.
      await sleep(4_000);
      const later = await client.status(swarm.infoHash);
      expect(later).toMatchObject({ state: 'paused', peers: 0, downloadedBytes: paused?.downloadedBytes });
      expect(later?.downloadedBytes).toBeLessThan(4 * MiB);

      await client.resume(swarm.infoHash);
      await until(swarm.infoHash, (s) => s.state === 'complete', 'complete after resume');
      expect(await sha256(join(saveDir, metadata.name))).toBe(swarm.files[0]?.sha256);
    });
  }, TEST_TIMEOUT_MS);

  it.concurrent('deletes what it wrote when removed with deleteData', async () => {
    await withSwarm({ name: 'Remove.Me.S01', pieceLength: PIECE, files: [{ path: 'a.mkv', size: MiB }, { path: 'b.mkv', size: MiB }] }, async (swarm, saveDir) => {
      await client.inspect({ kind: 'torrent-file', data: swarm.torrentFile, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 10_000 });
      await client.start(swarm.infoHash, [0, 1]);
      await until(swarm.infoHash, (s) => s.state === 'complete', 'complete before removal');
      expect(await filesUnder(saveDir)).toEqual(['Remove.Me.S01/a.mkv', 'Remove.Me.S01/b.mkv']);

      await client.remove(swarm.infoHash, { deleteData: true });

      expect(await client.status(swarm.infoHash)).toBeNull();
      expect(existsSync(join(saveDir, 'Remove.Me.S01'))).toBe(false);
      // Removing again is a no-op.
      await client.remove(swarm.infoHash, { deleteData: true });
    });
  }, TEST_TIMEOUT_MS);

  it.concurrent('knows nothing of a torrent it was never given, and ignores calls about it', async () => {
    const unknown = randomBytes(20).toString('hex');

    expect(await client.status(unknown)).toBeNull();
    await client.pause(unknown);
    await client.resume(unknown);
    await client.remove(unknown, { deleteData: true });
    expect(await client.status(unknown)).toBeNull();
    await expect(client.start(unknown, [0])).rejects.toThrow(`transmission does not have torrent ${unknown}`);
  });

  it.concurrent('gives up on a magnet no one seeds and leaves nothing behind in the daemon', async () => {
    const infoHash = randomBytes(20).toString('hex');
    const saveDir = join(daemon.downloadDir, 'nobody');
    await mkdir(saveDir);

    const inspect = client.inspect({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${infoHash}&dn=Nobody.Seeds.This`, infoHash }, { saveDir, timeoutMs: 3_000 });

    await expect(inspect).rejects.toThrow(MetadataTimeoutError);
    expect(await client.status(infoHash)).toBeNull();
  }, TEST_TIMEOUT_MS);
});

describe('TransmissionClient against a daemon whose download queue is full', () => {
  let queued: TransmissionDaemon;
  beforeAll(async () => {
    queued = await startTransmissionDaemon({ downloadQueueSize: 1 });
  });
  afterAll(async () => {
    await queued?.stop();
  });

  it('still fetches a magnet\'s metadata instead of waiting for a free slot', async () => {
    const queuedClient = new TransmissionClient({ url: queued.rpcUrl });
    const swarm = await startLocalSwarm({ name: 'Queued.Magnet.S01', pieceLength: PIECE, files: [{ path: 'a.mkv', size: MiB }, { path: 'b.mkv', size: MiB }] });
    const dialing = setInterval(() => swarm.dial(`127.0.0.1:${queued.peerPort}`), 2_000);
    const busyHash = randomBytes(20).toString('hex');
    try {
      // A magnet no one seeds holds the only download slot for as long as it looks for peers.
      const busy = queuedClient.inspect({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${busyHash}&dn=Busy`, infoHash: busyHash }, { saveDir: queued.downloadDir, timeoutMs: 60_000 });
      busy.catch(() => undefined);
      expect(await until(busyHash, (s) => s.state === 'metadata', 'busy magnet running', queuedClient)).toBeTruthy();

      const metadata = await queuedClient.inspect({ kind: 'magnet', uri: swarm.magnet, infoHash: swarm.infoHash }, { saveDir: queued.downloadDir, timeoutMs: 60_000 });
      expect(metadata.files.map((f) => f.path)).toEqual(['Queued.Magnet.S01/a.mkv', 'Queued.Magnet.S01/b.mkv']);
    } finally {
      clearInterval(dialing);
      await queuedClient.remove(busyHash, { deleteData: true });
      await queuedClient.remove(swarm.infoHash, { deleteData: true });
      await swarm.close();
    }
  }, TEST_TIMEOUT_MS);
});

describe('TransmissionClient against a daemon that requires a login', () => {
  let locked: TransmissionDaemon;
  beforeAll(async () => {
    locked = await startTransmissionDaemon({ auth: { username: 'sokoul', password: 'correct horse' } });
  });
  afterAll(async () => {
    await locked?.stop();
  });

  it('is unavailable without the right credentials and answers with them', async () => {
    await expect(new TransmissionClient({ url: locked.rpcUrl }).ping()).rejects.toThrow(DownloadClientUnavailableError);
    await expect(new TransmissionClient({ url: locked.rpcUrl, username: 'sokoul', password: 'wrong' }).ping()).rejects.toThrow(/401/);
    await expect(new TransmissionClient({ url: locked.rpcUrl, username: 'sokoul', password: 'correct horse' }).ping()).resolves.toBeUndefined();
  });

  it('is unavailable when the daemon is gone', async () => {
    const gone = await startTransmissionDaemon();
    await gone.stop();
    await expect(new TransmissionClient({ url: gone.rpcUrl }).ping()).rejects.toThrow(DownloadClientUnavailableError);
  });
});
