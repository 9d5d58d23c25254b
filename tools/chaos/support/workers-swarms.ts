import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FakeTorznabRelease } from '@sokoul/fakes';
import { type LocalSwarm, preloadBitTorrent, startLocalSwarm } from '@sokoul/hunter/testing';
import { eventually } from '@sokoul/testing';
import type { RecordingClient } from './workers-load';

/**
 * Downloads for the worker scenarios: one local BitTorrent swarm per Breaking Bad episode (a
 * torrent and a library path of its own each), listed by an indexer, grabbed through the
 * gateway's API like a user would.
 */
export interface EpisodeSwarm {
  title: string;
  /** What a user types to find it. */
  query: string;
  swarm: LocalSwarm;
}

function episodeOf(index: number): { season: number; episode: number } {
  // Season 5 has 16 episodes in the fake TMDB, season 4 13: up to 29 distinct downloads.
  return index < 16 ? { season: 5, episode: index + 1 } : { season: 4, episode: index - 15 };
}

const pad = (n: number) => String(n).padStart(2, '0');

export async function startEpisodeSwarms(count: number, fileBytes: number, uploadLimit: number): Promise<EpisodeSwarm[]> {
  // Under tsx (the chaos runner) webtorrent must be imported natively first; Jest loads it as is.
  if (process.env['JEST_WORKER_ID'] === undefined) await preloadBitTorrent();
  const swarms: EpisodeSwarm[] = [];
  for (let i = 0; i < count; i++) {
    const { season, episode } = episodeOf(i);
    const title = `Breaking.Bad.S${pad(season)}E${pad(episode)}.1080p.BluRay.x264-CHAOS`;
    const swarm = await startLocalSwarm({ name: title, files: [{ path: `${title}.mkv`, size: fileBytes }], uploadLimit, pieceLength: 64 * 1024 });
    swarms.push({ title, query: `Breaking Bad S${pad(season)}E${pad(episode)}`, swarm });
  }
  return swarms;
}

export function swarmReleases(swarms: readonly EpisodeSwarm[]): FakeTorznabRelease[] {
  return swarms.map(({ title, swarm }, i) => ({
    title,
    infoHash: swarm.infoHash,
    size: swarm.totalBytes,
    categories: [5000, 5040],
    seeders: 1,
    peers: 1,
    publishDate: '2024-01-02T03:04:05Z',
    imdbId: 'tt0903747',
    tmdbId: 1396,
    tvdbId: 81189,
    ...episodeOf(i),
    sites: [],
  }));
}

/** Searches the episode, waits for the search, and asks for its release to be downloaded; resolves with the download's id. */
export async function grabEpisode(client: RecordingClient, gatewayUrl: string, episode: EpisodeSwarm, searchIds: string[]): Promise<string> {
  const api = (path: string) => `${gatewayUrl}/api/v1${path}`;
  const created = await client.send<{ id: string }>('POST /searches', api('/searches'), { method: 'POST', body: { query: episode.query } });
  if (created?.status !== 202) throw new Error(`search "${episode.query}": ${created?.status}`);
  searchIds.push(created.body.id);
  const releaseId = await eventually(
    async () => {
      const search = await client.send<{ status: string }>('GET /searches/:id', api(`/searches/${created.body.id}`));
      if (search?.body?.status !== 'completed') throw new Error(`search "${episode.query}" is ${search?.body?.status}`);
      const releases = await client.send<{ items: Array<{ id: string; title: string }> }>('GET /searches/:id/releases', api(`/searches/${created.body.id}/releases?limit=100`));
      const release = releases?.body?.items.find((r) => r.title === episode.title);
      if (!release) throw new Error(`search "${episode.query}" did not find ${episode.title}`);
      return release.id;
    },
    120_000,
    500,
  );
  const download = await client.send<{ id: string }>('POST /downloads', api('/downloads'), { method: 'POST', body: { releaseId } });
  if (download?.status !== 201) throw new Error(`download of ${episode.title}: ${download?.status} ${JSON.stringify(download?.body)}`);
  return download.body.id;
}

export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

export interface DownloadAudit {
  total: number;
  completed: number;
  /** Completed, with the library file's recorded hash and its bytes on disk both the swarm's. */
  verified: number;
  /** Completed, the file on disk right, but no hash recorded (yet). */
  hashNotRecorded: number;
  failures: string[];
  /** Download rows beyond one per request, or more than one library file for a download. */
  duplicates: number;
}

/** Checks each download through the API (status, recorded hash) and on disk (the library file's bytes). */
export async function auditDownloads(
  client: RecordingClient,
  gatewayUrl: string,
  libraryDir: string,
  downloads: ReadonlyArray<{ id: string; episode: EpisodeSwarm }>,
  rowsPerDownload: Map<string, number>,
): Promise<DownloadAudit> {
  const audit: DownloadAudit = { total: downloads.length, completed: 0, verified: 0, hashNotRecorded: 0, failures: [], duplicates: 0 };
  for (const { id, episode } of downloads) {
    const response = await client.send<{ status: string; libraryFiles: Array<{ path: string; sha256: string | null }> }>('GET /downloads/:id', `${gatewayUrl}/api/v1/downloads/${id}`);
    const download = response?.body;
    if (download?.status !== 'completed') {
      audit.failures.push(`${episode.title}: ${download?.status ?? response?.status}`);
      continue;
    }
    audit.completed++;
    audit.duplicates += Math.max(0, download.libraryFiles.length - 1) + Math.max(0, (rowsPerDownload.get(id) ?? 1) - 1);
    const [file] = download.libraryFiles;
    const expected = episode.swarm.files[0].sha256;
    const onDisk = file ? await sha256OfFile(join(libraryDir, file.path)).catch(() => null) : null;
    if (onDisk !== expected) {
      audit.failures.push(`${episode.title}: library file ${file?.path ?? '(none)'} hashes to ${onDisk}, the swarm's is ${expected}`);
    } else if (file.sha256 === null) {
      audit.hashNotRecorded++;
    } else if (file.sha256 !== expected) {
      audit.failures.push(`${episode.title}: recorded hash ${file.sha256}, the swarm's is ${expected}`);
    } else {
      audit.verified++;
    }
  }
  return audit;
}
