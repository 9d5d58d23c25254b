import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { LOOPBACK_ONLY, type WebTorrentClient, type WebTorrentTorrent, loadWebTorrent } from '@sokoul/hunter/webtorrent';

/**
 * Hostile torrents, built byte by byte, and a real peer that hands their metadata out over the
 * BitTorrent wire (BEP 9, ut_metadata): what a stranger on a public tracker can send a hunter.
 * No library builds these for us: create-torrent and parse-torrent normalise names (`..`
 * folded, separators split), which is the very thing under test.
 */

/** A bencoded value: strings are UTF-8, `Uint8Array`s any bytes; dictionary keys are sorted as raw bytes. */
export type BencodeValue = number | bigint | string | Uint8Array | readonly BencodeValue[] | { readonly [key: string]: BencodeValue | undefined };

export function bencode(value: BencodeValue): Buffer {
  const out: Buffer[] = [];
  encodeInto(value, out);
  return Buffer.concat(out);
}

function encodeInto(value: BencodeValue, out: Buffer[]): void {
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`bencode integers are whole: ${value}`);
    out.push(Buffer.from(`i${value}e`));
  } else if (typeof value === 'string' || value instanceof Uint8Array) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    out.push(Buffer.from(`${bytes.length}:`), bytes);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('l'));
    for (const item of value as readonly BencodeValue[]) encodeInto(item, out);
    out.push(Buffer.from('e'));
  } else {
    const entries = Object.entries(value as { readonly [key: string]: BencodeValue | undefined })
      .filter((entry): entry is [string, BencodeValue] => entry[1] !== undefined)
      .map(([key, item]) => [Buffer.from(key, 'utf8'), item] as const)
      .sort(([a], [b]) => Buffer.compare(a, b));
    out.push(Buffer.from('d'));
    for (const [key, item] of entries) {
      encodeInto(key, out);
      encodeInto(item, out);
    }
    out.push(Buffer.from('e'));
  }
}

/** One file of a multi-file torrent, spelled exactly as the info dictionary will hold it. */
export interface CraftedFile {
  /** The `path` list: a string is written as UTF-8, a Buffer as is (any bytes, invalid UTF-8 included). */
  readonly path: readonly (string | Uint8Array)[];
  readonly length: number;
  /** More keys of the file's dictionary: BEP 47 `attr` and `symlink path`, `path.utf-8`… */
  readonly extra?: { readonly [key: string]: BencodeValue };
}

export interface CraftTorrentOptions {
  /** The torrent's folder (with `files`) or its only file (with `length`). */
  readonly name: string | Uint8Array;
  /** A multi-file torrent. */
  readonly files?: readonly CraftedFile[];
  /** A single-file torrent of this many bytes. */
  readonly length?: number;
  /** Defaults to the smallest power of two (≥ 16 KiB) that keeps the piece list under 64 Ki pieces. */
  readonly pieceLength?: number;
  /** More keys of the info dictionary (they change the info-hash). */
  readonly info?: { readonly [key: string]: BencodeValue };
}

export interface CraftedTorrent {
  /** `d4:info…e`: the whole .torrent file. */
  readonly torrentFile: Buffer;
  /** The bencoded info dictionary, as hashed and as ut_metadata sends it. */
  readonly info: Buffer;
  readonly infoHash: string;
  readonly totalBytes: number;
}

const MIN_PIECE_LENGTH = 16 * 1024;
const MAX_PIECES = 64 * 1024;
const ZERO_CHUNK = Buffer.alloc(1024 * 1024);
const zeroPieceHashes = new Map<number, Buffer>();

/** SHA-1 of `length` zero bytes, hashed in 1 MiB steps and remembered (a 10 TiB torrent has two distinct pieces). */
function zeroPieceHash(length: number): Buffer {
  let digest = zeroPieceHashes.get(length);
  if (!digest) {
    const hash = createHash('sha1');
    for (let left = length; left > 0; left -= ZERO_CHUNK.length) hash.update(left >= ZERO_CHUNK.length ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, left));
    digest = hash.digest();
    zeroPieceHashes.set(length, digest);
  }
  return digest;
}

function defaultPieceLength(totalBytes: number): number {
  let pieceLength = MIN_PIECE_LENGTH;
  while (Math.ceil(totalBytes / pieceLength) > MAX_PIECES) pieceLength *= 2;
  return pieceLength;
}

/**
 * A .torrent whose names are exactly what it is given. Its pieces are the hashes of zero-filled
 * pieces: good enough for metadata, which is all a hostile torrent should ever get as far as.
 */
export function craftTorrent(options: CraftTorrentOptions): CraftedTorrent {
  if ((options.files === undefined) === (options.length === undefined)) throw new Error('craftTorrent: give either `files` (multi-file) or `length` (single-file)');
  const totalBytes = options.files ? options.files.reduce((total, file) => total + file.length, 0) : (options.length as number);
  if (totalBytes <= 0) throw new Error('craftTorrent: a torrent needs at least one byte to have a piece');
  const pieceLength = options.pieceLength ?? defaultPieceLength(totalBytes);
  const count = Math.ceil(totalBytes / pieceLength);
  const lastLength = totalBytes - (count - 1) * pieceLength;
  const pieces = Buffer.alloc(count * 20);
  const full = zeroPieceHash(pieceLength);
  for (let index = 0; index < count - 1; index++) full.copy(pieces, index * 20);
  zeroPieceHash(lastLength).copy(pieces, (count - 1) * 20);

  const info = bencode({
    ...options.info,
    name: options.name,
    'piece length': pieceLength,
    pieces,
    ...(options.files
      ? { files: options.files.map((file) => ({ ...file.extra, length: file.length, path: file.path })) }
      : { length: options.length as number }),
  });
  return {
    torrentFile: Buffer.concat([Buffer.from('d4:info'), info, Buffer.from('e')]),
    info,
    infoHash: createHash('sha1').update(info).digest('hex'),
    totalBytes,
  };
}

export interface MetadataPeer {
  readonly infoHash: string;
  /** `magnet:?xt=…&dn=…&x.pe=127.0.0.1:<port>`: the torrent's own name as `dn`, as an indexer would list it. */
  readonly magnet: string;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Stops the peer; fails if it wrote anything outside its own throwaway folder. */
  close(): Promise<void>;
}

/** Percent-encodes every byte but the unreserved ones: a `dn` that carries any name, bytes and all. */
function percentEncode(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

async function listAll(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

/**
 * A real BitTorrent peer on loopback that serves one torrent's metadata: a webtorrent engine
 * holding the torrent without its data (`skipVerify`: it claims every piece, reads none). It
 * serves the info dictionary byte for byte, so a downloader sees the hostile names through the
 * protocol as it would from a stranger. webtorrent folds names when it maps files (and touches
 * the disk only if a piece is asked for): it is shut in a folder four levels below a throwaway
 * root, and `close` fails if anything appeared outside that folder.
 */
export async function serveMetadata(torrentFile: Buffer): Promise<MetadataPeer> {
  const WebTorrent = loadWebTorrent();
  const root = await mkdtemp(join(tmpdir(), 'sokoul-crafted-'));
  // Deep enough that `..` steps folded against it would still land under `root`, where they show.
  const jail = join(root, 'a', 'b', 'c', 'd');
  await mkdir(jail, { recursive: true });
  const client: WebTorrentClient = new WebTorrent({ ...LOOPBACK_ONLY });
  client.on('error', () => undefined);
  const destroy = () => new Promise<void>((resolve) => client.destroy(() => resolve()));
  try {
    const torrent = await new Promise<WebTorrentTorrent>((resolve, reject) => {
      client.once('error', reject);
      const added = client.add(torrentFile, { path: jail, skipVerify: true }, resolve);
      added.on('error', reject);
    });
    if (!client.listening) await new Promise((resolve) => client.once('listening', resolve));
    const port = client.address()?.port;
    if (!port) throw new Error('the metadata peer is not listening');
    const address = `127.0.0.1:${port}`;
    const name = torrent.info?.name ?? Buffer.from(torrent.name);
    return {
      infoHash: torrent.infoHash,
      address,
      magnet: `magnet:?xt=urn:btih:${torrent.infoHash}&dn=${percentEncode(name)}&x.pe=${address}`,
      close: async () => {
        await destroy();
        // The jail, what is in it, and the folders leading to it: anything else escaped.
        const inJail = (path: string) => path === jail || path.startsWith(`${jail}${sep}`) || jail.startsWith(`${path}${sep}`);
        const escaped = (await listAll(root)).filter((entry) => !inJail(join(root, entry)));
        await rm(root, { recursive: true, force: true });
        if (escaped.length > 0) throw new Error(`the metadata peer wrote outside its folder: ${escaped.join(', ')}`);
      },
    };
  } catch (error) {
    await destroy();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
