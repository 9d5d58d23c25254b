import { createCipheriv, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { LOOPBACK_ONLY, type WebTorrentClient, type WebTorrentTorrent, loadWebTorrent, requireEsm } from '@sokoul/hunter/webtorrent';

/** A file the swarm seeds: given bytes, or `size` bytes of deterministic pseudo-random content. */
export interface SwarmFileSpec {
  path: string;
  content?: Buffer;
  size?: number;
}

export interface SwarmFile {
  path: string;
  length: number;
  sha256: string;
}

export interface LocalSwarmOptions {
  /** The torrent's name and folder when it holds several files (or one in a sub-folder); a single file is named by its path. */
  name: string;
  files: readonly SwarmFileSpec[];
  /** Bytes per second each seeder uploads at most (to watch progress or stream mid-transfer). */
  uploadLimit?: number;
  /** Announce to a loopback HTTP tracker the swarm starts (default true). */
  tracker?: boolean;
  pieceLength?: number;
}

export interface LocalSwarm {
  infoHash: string;
  /** With `tr=` (the swarm's tracker) and `x.pe=` (the first seeder), as indexers hand them out. */
  magnet: string;
  /** A magnet with neither tracker nor peer: only `addPeers` can find the swarm. */
  bareMagnet: string;
  torrentFile: Buffer;
  trackerUrl: string | null;
  /** In the torrent's order: `files[i]` is the torrent's file `i`. */
  files: readonly SwarmFile[];
  totalBytes: number;
  /** `127.0.0.1:<port>` of every running seeder. */
  seeders(): string[];
  /** Starts one more seeder of the same content (e.g. after `stopSeeder`). */
  addSeeder(): Promise<string>;
  /** Stops a seeder abruptly, as a peer that disappears mid-transfer. */
  stopSeeder(address: string): Promise<void>;
  /** Makes every seeder dial `address` (for clients that never dial loopback peers themselves). */
  dial(address: string): void;
  close(): Promise<void>;
}

/**
 * Deterministic bytes: the same spec gives the same content, so hashes are stable across runs.
 * AES-256-CTR over zeros, keyed by the seed: hundreds of MiB per second (a benchmark seeds 512 MiB).
 */
export function pseudoRandomBytes(size: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

interface TrackerServer {
  http: { address(): AddressInfo } | null;
  listen(port: number, hostname: string, onListening: () => void): void;
  close(callback: () => void): void;
  on(event: 'warning' | 'error', listener: (error: Error) => void): void;
}

/** `bittorrent-tracker` exports only an `import` condition: require its file by path instead. */
function loadTrackerServer(): new (options: object) => TrackerServer {
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
  const webtorrentEntry = createRequire(__filename).resolve('webtorrent');
  for (let dir = dirname(webtorrentEntry); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'bittorrent-tracker', 'server.js');
    if (existsSync(candidate)) return requireEsm<{ default: new (options: object) => TrackerServer }>(candidate).default;
  }
  throw new Error('bittorrent-tracker is not installed');
}

async function startTracker(): Promise<{ url: string; close: () => Promise<void> }> {
  const Server = loadTrackerServer();
  const server = new Server({ udp: false, http: true, ws: false, stats: false, interval: 2_000 });
  server.on('warning', () => undefined);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.http?.address().port;
  return { url: `http://127.0.0.1:${port}/announce`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function waitListening(client: WebTorrentClient): Promise<number> {
  if (!client.listening) await new Promise((resolve) => client.once('listening', resolve));
  const address = client.address();
  if (!address) throw new Error('seeder is not listening');
  return address.port;
}

/**
 * A real BitTorrent swarm on loopback for tests and benchmarks: an HTTP tracker and webtorrent
 * seeders holding files of known content. Nothing reaches beyond 127.0.0.1 (no DHT, LSD, PEX,
 * UPnP; the torrent announces only to the swarm's own tracker).
 */
export async function startLocalSwarm(options: LocalSwarmOptions): Promise<LocalSwarm> {
  const WebTorrent = loadWebTorrent();
  const root = await mkdtemp(join(tmpdir(), 'sokoul-swarm-'));
  const tracker = options.tracker === false ? null : await startTracker();
  const multiFile = options.files.length > 1 || options.files[0]?.path.includes('/');
  const dataDir = join(root, 'data');
  const torrentName = multiFile ? options.name : options.files[0].path;
  const files: SwarmFile[] = [];
  for (const spec of options.files) {
    const content = spec.content ?? pseudoRandomBytes(spec.size ?? 0, `${options.name}/${spec.path}`);
    const target = join(dataDir, multiFile ? options.name : '', spec.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    files.push({ path: spec.path, length: content.length, sha256: createHash('sha256').update(content).digest('hex') });
  }
  const announce = tracker ? [tracker.url] : [];
  const seeders = new Map<string, { client: WebTorrentClient; torrent: WebTorrentTorrent }>();

  const seed = async (torrentFile?: Buffer): Promise<{ address: string; torrent: WebTorrentTorrent }> => {
    const client = new WebTorrent({ ...LOOPBACK_ONLY, tracker: tracker ? {} : false, uploadLimit: options.uploadLimit ?? -1 });
    client.on('error', () => undefined);
    const torrent = await new Promise<WebTorrentTorrent>((resolve, reject) => {
      client.once('error', reject);
      if (torrentFile) {
        const added = client.add(torrentFile, { path: dataDir }, resolve);
        added.on('error', reject);
      } else {
        client.seed(join(dataDir, torrentName), { name: torrentName, announce, pieceLength: options.pieceLength }, resolve).on('error', reject);
      }
    });
    if (!torrent.done) await new Promise((resolve) => torrent.once('done', resolve));
    const address = `127.0.0.1:${await waitListening(client)}`;
    seeders.set(address, { client, torrent });
    return { address, torrent };
  };

  const first = await seed();
  // The torrent lists files in its own order (sorted by path): report them the same way.
  const torrentOrder = first.torrent.files.map((f) => f.path.split(/[\\/]/).slice(multiFile ? 1 : 0).join('/'));
  files.sort((a, b) => torrentOrder.indexOf(a.path) - torrentOrder.indexOf(b.path));
  const torrentFile = Buffer.from(first.torrent.torrentFile);
  const infoHash = first.torrent.infoHash;
  const bareMagnet = `magnet:?xt=urn:btih:${infoHash}&dn=${encodeURIComponent(torrentName)}`;
  const magnet = `${bareMagnet}${tracker ? `&tr=${encodeURIComponent(tracker.url)}` : ''}&x.pe=${first.address}`;

  const destroy = (client: WebTorrentClient) => new Promise<void>((resolve) => client.destroy(() => resolve()));
  return {
    infoHash,
    magnet,
    bareMagnet,
    torrentFile,
    trackerUrl: tracker?.url ?? null,
    files,
    totalBytes: files.reduce((sum, f) => sum + f.length, 0),
    seeders: () => [...seeders.keys()],
    addSeeder: async () => (await seed(torrentFile)).address,
    stopSeeder: async (address) => {
      const seeder = seeders.get(address);
      seeders.delete(address);
      if (seeder) await destroy(seeder.client);
    },
    dial: (address) => {
      for (const { torrent } of seeders.values()) torrent.addPeer(address);
    },
    close: async () => {
      await Promise.all([...seeders.values()].map(({ client }) => destroy(client)));
      seeders.clear();
      await tracker?.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
