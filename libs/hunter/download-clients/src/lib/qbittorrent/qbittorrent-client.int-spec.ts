import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalSwarm, type QBittorrentDaemon, startLocalSwarm, startQBittorrentDaemon } from '@sokoul/hunter/testing';
import { DownloadClientUnavailableError, MetadataTimeoutError, type TransferStatus } from '../download-client';
import { QBittorrentClient } from './qbittorrent-client';

jest.setTimeout(60_000);

const MiB = 1024 * 1024;
const NAME = 'Show.S01.1080p.WEB-DL';

/** A loopback port nobody listens on (one the kernel just handed out and took back). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

async function until(client: QBittorrentClient, infoHash: string, done: (status: TransferStatus) => boolean): Promise<TransferStatus> {
  for (;;) {
    const status = await client.status(infoHash);
    if (status && done(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Payload bytes qBittorrent received for a torrent, whatever the file: read around the adapter. */
async function payloadDownloaded(daemon: QBittorrentDaemon, infoHash: string): Promise<number> {
  const login = await fetch(`${daemon.url}/api/v2/auth/login`, { method: 'POST', body: new URLSearchParams({ username: daemon.username, password: daemon.password }) });
  const cookie = login.headers.getSetCookie()[0].split(';')[0];
  const info = await fetch(`${daemon.url}/api/v2/torrents/properties?hash=${infoHash}`, { headers: { cookie } });
  return ((await info.json()) as { total_downloaded: number }).total_downloaded;
}

describe('QBittorrentClient (a real qbittorrent-nox, real transfers on loopback)', () => {
  let daemon: QBittorrentDaemon;
  let swarm: LocalSwarm;
  let client: QBittorrentClient;
  let saveRoot: string;

  beforeAll(async () => {
    [daemon, swarm] = await Promise.all([
      startQBittorrentDaemon(),
      // Files of whole pieces, in the (sorted) order the torrent lists them: no piece straddles two
      // files, so an unselected file gets no byte.
      startLocalSwarm({
        name: NAME,
        files: [
          { path: 'Show.S01E01.mkv', size: 2 * MiB },
          { path: 'Show.S01E02.mkv', size: 2 * MiB },
          { path: 'Show.S01E02.srt', content: Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHello\n') },
        ],
        pieceLength: 256 * 1024,
      }),
    ]);
    saveRoot = await mkdtemp(join(tmpdir(), 'sokoul-qbittorrent-saves-'));
  });

  beforeEach(() => {
    client = new QBittorrentClient({ url: daemon.url, username: daemon.username, password: daemon.password });
  });

  afterEach(async () => {
    await client.remove(swarm.infoHash, { deleteData: true });
    await client.close();
  });

  afterAll(async () => {
    await Promise.all([daemon?.stop(), swarm?.close()]);
    await rm(saveRoot, { recursive: true, force: true });
  });

  it('reads the file list of a magnet through addPeers, without fetching a byte of payload', async () => {
    const saveDir = join(saveRoot, 'metadata-only');
    const source = { kind: 'magnet', uri: swarm.bareMagnet, infoHash: swarm.infoHash.toUpperCase() } as const;
    const metadata = await client.inspect(source, { saveDir, timeoutMs: 30_000, peers: swarm.seeders() });

    expect(metadata).toEqual({
      infoHash: swarm.infoHash,
      name: NAME,
      totalBytes: swarm.totalBytes,
      pieceLength: 256 * 1024,
      files: [
        { index: 0, path: `${NAME}/Show.S01E01.mkv`, length: 2 * MiB },
        { index: 1, path: `${NAME}/Show.S01E02.mkv`, length: 2 * MiB },
        { index: 2, path: `${NAME}/Show.S01E02.srt`, length: swarm.files[2].length },
      ],
    });
    // Past qBittorrent's 1.5 s refresh, so a transfer started behind our back would show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await client.status(swarm.infoHash)).toMatchObject({ state: 'idle', downloadedBytes: 0, totalBytes: swarm.totalBytes });
    expect(await payloadDownloaded(daemon, swarm.infoHash)).toBe(0);
    expect(existsSync(saveDir) ? await readdir(saveDir, { recursive: true }) : []).toEqual([]);
    // Asking again returns the same metadata from the torrent qBittorrent already has.
    expect(await client.inspect(source, { saveDir, timeoutMs: 1_000 })).toEqual(metadata);
  });

  it('downloads only the chosen file of three from a .torrent, with the exact bytes', async () => {
    const saveDir = join(saveRoot, 'selected');
    await client.inspect({ kind: 'torrent-file', data: swarm.torrentFile, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 30_000, peers: swarm.seeders() });
    await client.start(swarm.infoHash, [1]);

    const status = await until(client, swarm.infoHash, (s) => s.state === 'complete');

    expect(status).toMatchObject({ downloadedBytes: 2 * MiB, totalBytes: 2 * MiB });
    expect(status.files.map((f) => [f.index, f.selected, f.downloadedBytes])).toEqual([
      [0, false, 0],
      [1, true, 2 * MiB],
      [2, false, 0],
    ]);
    expect(await sha256(join(saveDir, NAME, 'Show.S01E02.mkv'))).toBe(swarm.files[1].sha256);
    expect(await readdir(join(saveDir, NAME))).toEqual(['Show.S01E02.mkv']);
    // The counter lags the live file progress by up to qBittorrent's refresh interval.
    let downloaded = 0;
    while (downloaded < 2 * MiB) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      downloaded = await payloadDownloaded(daemon, swarm.infoHash);
    }
    expect(downloaded).toBe(2 * MiB);
  });

  it('holds a paused transfer still and finishes it after resume', async () => {
    const slow = await startLocalSwarm({ name: 'Slow.Movie.2020.mkv', files: [{ path: 'Slow.Movie.2020.mkv', size: 4 * MiB }], uploadLimit: 1 * MiB, pieceLength: 64 * 1024 });
    try {
      const saveDir = join(saveRoot, 'paused');
      await client.inspect({ kind: 'magnet', uri: slow.magnet, infoHash: slow.infoHash }, { saveDir, timeoutMs: 30_000 });
      await client.start(slow.infoHash, [0]);
      await until(client, slow.infoHash, (s) => s.downloadedBytes > 0);

      await client.pause(slow.infoHash);
      const paused = await until(client, slow.infoHash, (s) => s.state === 'paused');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const later = await client.status(slow.infoHash);

      expect(paused.downloadedBytes).toBeLessThan(4 * MiB);
      expect(later).toMatchObject({ state: 'paused', downloadedBytes: paused.downloadedBytes });

      await client.resume(slow.infoHash);
      await until(client, slow.infoHash, (s) => s.state === 'complete');
      expect(await sha256(join(saveDir, 'Slow.Movie.2020.mkv'))).toBe(slow.files[0].sha256);
    } finally {
      await client.remove(slow.infoHash, { deleteData: true });
      await slow.close();
    }
  });

  it('removes a torrent with its data, and treats unknown torrents as already gone', async () => {
    const saveDir = join(saveRoot, 'removed');
    await client.inspect({ kind: 'torrent-file', data: swarm.torrentFile, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 30_000, peers: swarm.seeders() });
    await client.start(swarm.infoHash, [0, 2]);
    await until(client, swarm.infoHash, (s) => s.state === 'complete');
    expect(existsSync(join(saveDir, NAME, 'Show.S01E01.mkv'))).toBe(true);

    await client.remove(swarm.infoHash, { deleteData: true });

    expect(await client.status(swarm.infoHash)).toBeNull();
    // libtorrent deletes on its disk thread, just after the call returns.
    while (existsSync(join(saveDir, NAME))) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await readdir(saveDir)).toEqual([]);
  });

  it('answers null for a torrent it does not have, and ignores pause, resume, remove and addPeers of it', async () => {
    const unknown = randomBytes(20).toString('hex');

    await expect(client.pause(unknown)).resolves.toBeUndefined();
    await expect(client.resume(unknown)).resolves.toBeUndefined();
    await expect(client.addPeers(unknown, swarm.seeders())).resolves.toBeUndefined();
    await expect(client.remove(unknown, { deleteData: true })).resolves.toBeUndefined();
    expect(await client.status(unknown)).toBeNull();
    await expect(client.start(unknown, [0])).rejects.toThrow(`qbittorrent does not have torrent ${unknown}`);
  });

  it('gives up on a magnet nobody seeds, and removes it from qBittorrent', async () => {
    const nobody = randomBytes(20).toString('hex');
    const saveDir = join(saveRoot, 'dead');

    await expect(client.inspect({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${nobody}&dn=Dead.Movie`, infoHash: nobody }, { saveDir, timeoutMs: 1_500 })).rejects.toEqual(
      new MetadataTimeoutError(nobody, 1_500),
    );
    expect(await client.status(nobody)).toBeNull();
  });

  it('refuses a wrong password as unavailable, without echoing it', async () => {
    const password = `wrong-${randomBytes(8).toString('hex')}`;
    const stranger = new QBittorrentClient({ url: daemon.url, username: daemon.username, password });

    const error = await stranger.ping().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DownloadClientUnavailableError);
    expect((error as Error).message).toBe('qbittorrent is unavailable: wrong credentials');
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('reports an unreachable daemon as unavailable', async () => {
    const port = await closedPort();
    const offline = new QBittorrentClient({ url: `http://127.0.0.1:${port}`, username: daemon.username, password: daemon.password });

    await expect(offline.status(swarm.infoHash)).rejects.toThrow(new DownloadClientUnavailableError('qbittorrent', `cannot reach http://127.0.0.1:${port}: ECONNREFUSED`));
  });
});
