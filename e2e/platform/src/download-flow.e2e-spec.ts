import { createHash } from 'node:crypto';
import { type FakeTmdb, type FakeTorznabIndexer, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type LocalSwarm, pseudoRandomBytes, startLocalSwarm } from '@sokoul/hunter/testing';
import { type ServiceProcess, eventually, type Account, getJson, openSocket, postJson, signUp, TestStack } from '@sokoul/testing';

const MiB = 1024 * 1024;
const TITLE = 'Dune.2021.1080p.BluRay.x264-SOKOUL';

interface Download {
  id: string;
  status: string;
  progress: number;
  downloadedBytes: number;
  totalBytes: number | null;
  libraryFiles: Array<{ id: string; path: string; sizeBytes: number; sha256: string | null; streamUrl: string }>;
}

/**
 * The whole path a user takes, through the real gateway, scout and hunter processes: search a
 * film, pick a release an indexer lists, download it over BitTorrent from a real local swarm
 * with live progress on the WebSocket, find it in the library under the naming scheme, stream it.
 */
describe('download flow: search → release → BitTorrent → library → stream', () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let alice: Account;
  let tmdb: FakeTmdb;
  let indexer: FakeTorznabIndexer;
  let swarm: LocalSwarm;
  const api = (path: string) => `${gateway.url}/api/v1${path}`;

  beforeAll(async () => {
    swarm = await startLocalSwarm({ name: TITLE, files: [{ path: `${TITLE}.mkv`, size: 8 * MiB }], uploadLimit: MiB, pieceLength: 64 * 1024 });
    tmdb = await startFakeTmdb();
    indexer = await startFakeTorznabIndexer({
      name: 'local',
      trackers: [swarm.trackerUrl as string],
      releases: [{ title: TITLE, infoHash: swarm.infoHash, size: swarm.totalBytes, categories: [2000, 2040], seeders: 1, peers: 1, publishDate: '2024-01-02T03:04:05Z', imdbId: 'tt1160419', tmdbId: 438631, sites: [] }],
    });
    stack = await TestStack.create('download_flow');
    gateway = await stack.start('gateway');
    await stack.start('scout', { TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0' });
    await stack.start('hunter', { HUNTER_SAMPLE_MAX_BYTES: String(MiB), HUNTER_SEED_RATIO: '0' });
    const admin = await signUp(gateway.url, 'admin');
    alice = await signUp(gateway.url, 'alice');
    const created = await postJson<{ id: string }>(api('/indexers'), { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey }, admin.accessToken);
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await stack?.destroy();
    await Promise.all([tmdb?.close(), indexer?.close(), swarm?.close()]);
  });

  it('downloads the release a search found, reports progress live, and serves it from the library', async () => {
    const { socket, frames } = await openSocket(`ws://127.0.0.1:${gateway.port}/ws`, alice.accessToken);
    try {
      const search = await postJson<{ id: string }>(api('/searches'), { query: 'Dune 2021' }, alice.accessToken);
      await eventually(async () => {
        const { body } = await getJson<{ status: string }>(api(`/searches/${search.body.id}`), alice.accessToken);
        if (body.status !== 'completed') throw new Error(`search is ${body.status}`);
      }, 20_000);
      const releases = (await getJson<{ items: Array<{ id: string; title: string }> }>(api(`/searches/${search.body.id}/releases`), alice.accessToken)).body.items;
      const release = releases.find((r) => r.title === TITLE);
      expect(release).toBeDefined();

      const requested = await postJson<Download>(api('/downloads'), { releaseId: release?.id }, alice.accessToken);
      expect(requested.status).toBe(201);
      let download = requested.body;

      // While it downloads (a seeder at 1 MiB/s), the end of the film plays already: its pieces come first.
      await eventually(async () => {
        download = (await getJson<Download>(api(`/downloads/${requested.body.id}`), alice.accessToken)).body;
        if (download.status !== 'downloading') throw new Error(`download is ${download.status}`);
      }, 20_000);
      const offset = 7 * MiB;
      const early = await fetch(api(`/downloads/${download.id}/files/0/stream`), { headers: { authorization: `Bearer ${alice.accessToken}`, range: `bytes=${offset}-${offset + 65_535}` } });
      const earlyBytes = Buffer.from(await early.arrayBuffer());
      const progressThen = (await getJson<Download>(api(`/downloads/${download.id}`), alice.accessToken)).body.progress;
      expect(early.status).toBe(206);
      expect(early.headers.get('content-range')).toBe(`bytes ${offset}-${offset + 65_535}/${8 * MiB}`);
      expect(Buffer.compare(earlyBytes, pseudoRandomBytes(8 * MiB, `${TITLE}/${TITLE}.mkv`).subarray(offset, offset + 65_536))).toBe(0);
      expect(progressThen).toBeLessThan(1);
      await eventually(async () => {
        download = (await getJson<Download>(api(`/downloads/${requested.body.id}`), alice.accessToken)).body;
        if (download.status !== 'completed') throw new Error(`download is ${download.status} at ${Math.round(download.progress * 100)} %`);
      }, 60_000);

      expect(download).toMatchObject({ status: 'completed', progress: 1, downloadedBytes: 8 * MiB, totalBytes: 8 * MiB });
      // The file is in the library from the moment it is linked; its hash is recorded right after.
      await eventually(async () => {
        download = (await getJson<Download>(api(`/downloads/${download.id}`), alice.accessToken)).body;
        if (!download.libraryFiles[0]?.sha256) throw new Error('no hash recorded yet');
      });
      const [file] = download.libraryFiles;
      expect(file).toMatchObject({ path: 'Dune (2021)/Dune (2021) [Bluray-1080p].mkv', sizeBytes: 8 * MiB, sha256: swarm.files[0].sha256 });

      const events = frames.filter((f) => (f['data'] as { downloadId?: string } | undefined)?.downloadId === download.id);
      const progress = events.filter((f) => f['type'] === 'download.progress').map((f) => f['data'] as { downloadedBytes: number });
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.map((p) => p.downloadedBytes)).toEqual([...progress.map((p) => p.downloadedBytes)].sort((a, b) => a - b));
      await eventually(() => {
        const statuses = frames.filter((f) => f['type'] === 'download.updated' && (f['data'] as { downloadId?: string }).downloadId === download.id).map((f) => (f['data'] as { status: string }).status);
        expect(statuses).toEqual(expect.arrayContaining(['queued', 'downloading', 'completed']));
      });

      const whole = await fetch(`${gateway.url}${file.streamUrl}`, { headers: { authorization: `Bearer ${alice.accessToken}` } });
      expect(createHash('sha256').update(Buffer.from(await whole.arrayBuffer())).digest('hex')).toBe(swarm.files[0].sha256);
      const part = await fetch(`${gateway.url}${file.streamUrl}`, { headers: { authorization: `Bearer ${alice.accessToken}`, range: 'bytes=1048576-1048675' } });
      expect(part.status).toBe(206);
      expect((await part.arrayBuffer()).byteLength).toBe(100);
    } finally {
      socket.close();
    }
  });
});
