import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK_ONLY, type WebTorrentClient, type WebTorrentTorrent, loadWebTorrent } from '@sokoul/hunter/webtorrent';
import { type LocalSwarm, startLocalSwarm } from './local-swarm';

// Seeding hashes the content first: seconds on a busy machine.
jest.setTimeout(60_000);

describe('a local swarm', () => {
  let swarm: LocalSwarm;
  let leecher: WebTorrentClient;
  let dir: string;

  beforeAll(async () => {
    swarm = await startLocalSwarm({ name: 'Sample.Show.S01', files: [{ path: 'ep1.mkv', size: 3 * 1024 * 1024 }, { path: 'ep1.nfo', content: Buffer.from('nfo') }] });
    dir = await mkdtemp(join(tmpdir(), 'sokoul-leech-'));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => leecher?.destroy(() => resolve()));
    await swarm.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is found through its own tracker from the magnet alone, and delivers the exact bytes', async () => {
    leecher = new (loadWebTorrent())({ ...LOOPBACK_ONLY, tracker: {} });
    const torrent = await new Promise<WebTorrentTorrent>((resolve) => leecher.add(swarm.magnet.replace(/&x\.pe=[^&]+/, ''), { path: dir }, resolve));
    if (!torrent.done) await new Promise((resolve) => torrent.once('done', resolve));

    expect(swarm.magnet).toContain(`tr=${encodeURIComponent(swarm.trackerUrl ?? '')}`);
    for (const file of swarm.files) {
      const bytes = await readFile(join(dir, 'Sample.Show.S01', file.path));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
    expect(swarm.totalBytes).toBe(3 * 1024 * 1024 + 3);
  });
});
