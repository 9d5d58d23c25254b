import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalSwarm, pseudoRandomBytes, startLocalSwarm } from '@sokoul/hunter/testing';
import { MetadataTimeoutError, type TransferStatus } from '../download-client';
import { EmbeddedClient } from './embedded-client';

const MiB = 1024 * 1024;
const SUBTITLE = Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHello\n');

jest.setTimeout(60_000);

async function until(client: EmbeddedClient, infoHash: string, done: (status: TransferStatus) => boolean): Promise<TransferStatus> {
  for (;;) {
    const status = await client.status(infoHash);
    if (status && done(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('EmbeddedClient (webtorrent, real transfers on loopback)', () => {
  let swarm: LocalSwarm;
  let client: EmbeddedClient;
  let saveRoot: string;

  beforeAll(async () => {
    swarm = await startLocalSwarm({
      name: 'Show.S01.1080p.WEB-DL',
      files: [
        { path: 'Show.S01E01.mkv', size: 4 * MiB },
        { path: 'Show.S01E02.mkv', size: 4 * MiB },
        { path: 'Show.S01E02.en.srt', content: SUBTITLE },
      ],
      pieceLength: 256 * 1024,
    });
    saveRoot = await mkdtemp(join(tmpdir(), 'sokoul-embedded-'));
  });

  beforeEach(() => {
    client = new EmbeddedClient({ port: 0, publicDiscovery: false });
  });

  afterEach(() => client.close());

  afterAll(async () => {
    await swarm.close();
    await rm(saveRoot, { recursive: true, force: true });
  });

  it('reads the file list from a magnet before fetching a byte of payload', async () => {
    const saveDir = join(saveRoot, 'metadata-only');
    const metadata = await client.inspect({ kind: 'magnet', uri: swarm.magnet, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 20_000 });

    expect(metadata).toMatchObject({ infoHash: swarm.infoHash, name: 'Show.S01.1080p.WEB-DL', totalBytes: swarm.totalBytes, pieceLength: 256 * 1024 });
    expect(metadata.files.map((f) => [f.path, f.length, f.rawSegments])).toEqual([
      ['Show.S01.1080p.WEB-DL/Show.S01E01.mkv', 4 * MiB, ['Show.S01.1080p.WEB-DL', 'Show.S01E01.mkv']],
      ['Show.S01.1080p.WEB-DL/Show.S01E02.en.srt', SUBTITLE.length, ['Show.S01.1080p.WEB-DL', 'Show.S01E02.en.srt']],
      ['Show.S01.1080p.WEB-DL/Show.S01E02.mkv', 4 * MiB, ['Show.S01.1080p.WEB-DL', 'Show.S01E02.mkv']],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await client.status(swarm.infoHash)).toMatchObject({ state: 'idle', downloadedBytes: 0 });
    const written = existsSync(saveDir) ? await readdir(saveDir, { recursive: true, withFileTypes: true }) : [];
    expect(written.filter((entry) => !entry.isDirectory())).toEqual([]);
  });

  it('downloads only the chosen files, with the exact bytes, and reports them complete', async () => {
    const saveDir = join(saveRoot, 'selected');
    await client.inspect({ kind: 'torrent-file', data: swarm.torrentFile, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 20_000, peers: swarm.seeders() });
    await client.start(swarm.infoHash, [1, 2]);

    const status = await until(client, swarm.infoHash, (s) => s.state === 'complete');

    expect(status.totalBytes).toBe(4 * MiB + SUBTITLE.length);
    expect(status.downloadedBytes).toBe(status.totalBytes);
    expect(status.files.map((f) => [f.selected, f.downloadedBytes === f.length])).toEqual([
      [false, false],
      [true, true],
      [true, true],
    ]);
    expect(await sha256(join(saveDir, 'Show.S01.1080p.WEB-DL/Show.S01E02.en.srt'))).toBe(swarm.files[1].sha256);
    expect(await sha256(join(saveDir, 'Show.S01.1080p.WEB-DL/Show.S01E02.mkv'))).toBe(swarm.files[2].sha256);
  });

  it('holds a paused transfer still and finishes it after resume', async () => {
    const slow = await startLocalSwarm({ name: 'Slow.Movie.2020.mkv', files: [{ path: 'Slow.Movie.2020.mkv', size: 6 * MiB }], uploadLimit: 1 * MiB, pieceLength: 64 * 1024 });
    try {
      const saveDir = join(saveRoot, 'paused');
      await client.inspect({ kind: 'magnet', uri: slow.magnet, infoHash: slow.infoHash }, { saveDir, timeoutMs: 20_000 });
      await client.start(slow.infoHash, [0]);
      await until(client, slow.infoHash, (s) => s.downloadedBytes > 0);

      await client.pause(slow.infoHash);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const paused = await client.status(slow.infoHash);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const later = await client.status(slow.infoHash);

      expect(paused?.state).toBe('paused');
      expect(later?.downloadedBytes).toBe(paused?.downloadedBytes);

      await client.resume(slow.infoHash);
      await until(client, slow.infoHash, (s) => s.state === 'complete');
      expect(await sha256(join(saveDir, 'Slow.Movie.2020.mkv'))).toBe(slow.files[0].sha256);
    } finally {
      await slow.close();
    }
  });

  it('serves a byte range of a file that is still downloading, fetching those pieces first', async () => {
    const slow = await startLocalSwarm({ name: 'Stream.Movie.2021.mkv', files: [{ path: 'Stream.Movie.2021.mkv', size: 8 * MiB }], uploadLimit: 1 * MiB, pieceLength: 64 * 1024 });
    try {
      await client.inspect({ kind: 'magnet', uri: slow.magnet, infoHash: slow.infoHash }, { saveDir: join(saveRoot, 'stream'), timeoutMs: 20_000 });
      await client.start(slow.infoHash, [0]);
      const start = 7 * MiB;
      const tail = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        client
          .readRange(slow.infoHash, 0, { start, end: start + 64 * 1024 - 1 })
          .on('data', (chunk: Buffer) => chunks.push(chunk))
          .on('end', () => resolve(Buffer.concat(chunks)))
          .on('error', reject);
      });
      const progress = await client.status(slow.infoHash);

      expect(tail.length).toBe(64 * 1024);
      expect(progress?.state).toBe('downloading');
      expect(createHash('sha256').update(tail).digest('hex')).toBe(
        createHash('sha256')
          .update(pseudoRandomBytes(8 * MiB, 'Stream.Movie.2021.mkv/Stream.Movie.2021.mkv').subarray(start, start + 64 * 1024))
          .digest('hex'),
      );
    } finally {
      await slow.close();
    }
  });

  it('gives up on a magnet nobody seeds, and forgets it', async () => {
    const nobody = 'magnet:?xt=urn:btih:' + 'ab'.repeat(20);
    await expect(client.inspect({ kind: 'magnet', uri: nobody, infoHash: 'ab'.repeat(20) }, { saveDir: join(saveRoot, 'dead'), timeoutMs: 500 })).rejects.toBeInstanceOf(MetadataTimeoutError);
    expect(await client.status('ab'.repeat(20))).toBeNull();
  });

  it('removes a torrent with its data, and treats unknown torrents as already gone', async () => {
    const saveDir = join(saveRoot, 'removed');
    await client.inspect({ kind: 'torrent-file', data: swarm.torrentFile, infoHash: swarm.infoHash }, { saveDir, timeoutMs: 20_000, peers: swarm.seeders() });
    await client.start(swarm.infoHash, [0]);
    await until(client, swarm.infoHash, (s) => s.state === 'complete');

    await client.remove(swarm.infoHash, { deleteData: true });
    await client.remove('cd'.repeat(20), { deleteData: true });

    expect(await client.status(swarm.infoHash)).toBeNull();
    expect(existsSync(join(saveDir, 'Show.S01.1080p.WEB-DL/Show.S01E01.mkv'))).toBe(false);
  });

  it('picks up after a restart from what is already on disk', async () => {
    // No tracker: after the restart no peer can be found, so only the data on disk can complete it.
    const private_ = await startLocalSwarm({ name: 'Private.Movie.2019.mkv', files: [{ path: 'Private.Movie.2019.mkv', size: 3 * MiB }], tracker: false });
    try {
      const saveDir = join(saveRoot, 'restart');
      const source = { kind: 'torrent-file', data: private_.torrentFile, infoHash: private_.infoHash } as const;
      await client.inspect(source, { saveDir, timeoutMs: 20_000, peers: private_.seeders() });
      await client.start(private_.infoHash, [0]);
      await until(client, private_.infoHash, (s) => s.state === 'complete');
      await client.close();

      client = new EmbeddedClient({ port: 0, publicDiscovery: false });
      await client.inspect(source, { saveDir, timeoutMs: 20_000 });
      await client.start(private_.infoHash, [0]);
      const status = await until(client, private_.infoHash, (s) => s.state === 'complete');

      expect(status).toMatchObject({ downloadedBytes: 3 * MiB, peers: 0 });
    } finally {
      await private_.close();
    }
  });
});
