/**
 * The demo's own corner of the Internet, all on 127.0.0.1: a Torznab indexer (Jackett's
 * dialect) listing a handful of releases of a public-domain film, and a BitTorrent swarm — a
 * tracker and a seeder — holding the best of them. The "film" is random bytes of a
 * film-like size, new on each run: nothing is fetched from anywhere, nothing copyrighted is
 * involved, and no player will play it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FakeTorznabIndexer, type FakeTorznabRelease, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type LocalSwarm, preloadBitTorrent, startLocalSwarm } from '@sokoul/hunter/testing';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Night of the Living Dead (1968): in the public domain in the United States since its release. */
export const SAMPLE_QUERY = 'Night of the Living Dead 1968';
export const SAMPLE_TITLE = 'Night.of.the.Living.Dead.1968.1080p.BluRay.x264-DEMO';
const IMDB_ID = 'tt0063350';
const TMDB_ID = 10331;
/** What the indexer also lists, as real ones do; nobody seeds these, and the profile ranks them below. */
const OTHER_TITLES: ReadonlyArray<{ title: string; size: number; seeders: number }> = [
  { title: 'Night.of.the.Living.Dead.1968.1080p.WEB-DL.DDP2.0.H.264-DEMO', size: Math.round(5.1 * GiB), seeders: 31 },
  { title: 'Night.of.the.Living.Dead.1968.720p.BluRay.x264-DEMO', size: Math.round(4.4 * GiB), seeders: 57 },
  { title: 'Night.of.the.Living.Dead.1968.DVDRip.XviD-DEMO', size: Math.round(0.7 * GiB), seeders: 12 },
];

export interface Sample {
  indexer: FakeTorznabIndexer;
  swarm: LocalSwarm;
  /** The seeded release's info-hash: the one the demo downloads. */
  infoHash: string;
  fileName: string;
  sizeBytes: number;
  /** SHA-256 of the file's first `bytes` bytes, to check what the library streams back. */
  sha256OfFirst(bytes: number): string;
  close(): Promise<void>;
}

export async function startSample(options: { sizeBytes: number; uploadLimit: number; runId: string }): Promise<Sample> {
  await preloadBitTorrent();
  const fileName = `${SAMPLE_TITLE}.mkv`;
  // Random content, new on each run: a new info-hash each time, so a run never finds the torrent
  // of an earlier one still seeding in the hunter. (The swarm's `pseudoRandomBytes`, deterministic,
  // takes seconds for 96 MiB; the demo keeps the bytes it seeds to check what comes back anyway.)
  const content = randomBytes(options.sizeBytes);
  const swarm = await startLocalSwarm({
    name: SAMPLE_TITLE,
    files: [{ path: fileName, content }],
    uploadLimit: options.uploadLimit,
    pieceLength: 256 * 1024,
  });
  let indexer: FakeTorznabIndexer;
  try {
    indexer = await startFakeTorznabIndexer({
      name: `sokoul-demo-${options.runId}`,
      // The magnets it hands out name the swarm's tracker: that is how the hunter finds the seeder.
      trackers: [swarm.trackerUrl as string],
      releases: [
        release(SAMPLE_TITLE, swarm.infoHash, swarm.totalBytes, 1),
        ...OTHER_TITLES.map(({ title, size, seeders }) => release(title, randomBytes(20).toString('hex'), size, seeders)),
      ],
    });
  } catch (error) {
    await swarm.close();
    throw error;
  }
  return {
    indexer,
    swarm,
    infoHash: swarm.infoHash,
    fileName,
    sizeBytes: swarm.totalBytes,
    sha256OfFirst: (bytes) => createHash('sha256').update(content.subarray(0, bytes)).digest('hex'),
    close: async () => {
      await Promise.allSettled([indexer.close(), swarm.close()]);
    },
  };
}

function release(title: string, infoHash: string, size: number, seeders: number): FakeTorznabRelease {
  return {
    title,
    infoHash,
    size,
    categories: [2000, 2040],
    seeders,
    peers: seeders,
    publishDate: '2024-10-31T20:00:00Z',
    // With TMDB configured the scout searches by id: the releases carry the film's.
    imdbId: IMDB_ID,
    tmdbId: TMDB_ID,
    sites: [],
  };
}
