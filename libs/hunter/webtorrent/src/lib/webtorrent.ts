import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

/*
 * webtorrent 3 is ESM-only and ships no types (`@types/webtorrent` describes 0.x): this is the
 * subset Sokoul uses, checked against webtorrent 3.0.21. See docs/adr/0008.
 */

export interface WebTorrentFile extends EventEmitter {
  readonly name: string;
  /** Normalised by parse-torrent (`..` folded away): never trust it for safety. */
  readonly path: string;
  readonly length: number;
  readonly offset: number;
  readonly done: boolean;
  select(priority?: number): void;
  deselect(): void;
  createReadStream(options?: { start?: number; end?: number }): Readable;
}

export interface WebTorrentWire {
  destroy(): void;
}

export interface BitField {
  get(index: number): boolean;
}

export interface WebTorrentTorrent extends EventEmitter {
  readonly infoHash: string;
  readonly name: string;
  readonly files: WebTorrentFile[];
  readonly length: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  readonly pieces: unknown[];
  readonly bitfield: BitField | null;
  /** The raw info dictionary, decoded (names as bytes). */
  readonly info?: {
    name?: Uint8Array;
    'name.utf-8'?: Uint8Array;
    attr?: Uint8Array;
    files?: { path?: Uint8Array[]; 'path.utf-8'?: Uint8Array[]; length: number; attr?: Uint8Array }[];
  };
  readonly torrentFile: Uint8Array;
  readonly magnetURI: string;
  readonly ready: boolean;
  readonly done: boolean;
  readonly paused: boolean;
  readonly downloaded: number;
  readonly uploaded: number;
  readonly received: number;
  readonly downloadSpeed: number;
  readonly uploadSpeed: number;
  readonly numPeers: number;
  readonly wires: WebTorrentWire[];
  readonly path: string;
  addPeer(peer: string): boolean;
  select(start: number, end: number, priority?: number): void;
  deselect(start: number, end: number): void;
  pause(): void;
  resume(): void;
  destroy(options?: { destroyStore?: boolean }, callback?: (error?: Error) => void): void;
}

export interface WebTorrentOptions {
  dht?: boolean;
  tracker?: boolean | object;
  lsd?: boolean;
  utPex?: boolean;
  natUpnp?: boolean;
  natPmp?: boolean;
  webSeeds?: boolean;
  utp?: boolean;
  torrentPort?: number;
  maxConns?: number;
  downloadLimit?: number;
  uploadLimit?: number;
}

export interface AddOptions {
  path: string;
  deselect?: boolean;
  announce?: string[];
  skipVerify?: boolean;
}

export interface SeedOptions {
  name?: string;
  announce?: string[];
  path?: string;
  pieceLength?: number;
}

export interface WebTorrentClient extends EventEmitter {
  readonly torrents: WebTorrentTorrent[];
  readonly listening: boolean;
  readonly torrentPort: number;
  address(): { address: string; port: number } | null;
  add(torrentId: string | Uint8Array, options: AddOptions, onTorrent?: (torrent: WebTorrentTorrent) => void): WebTorrentTorrent;
  seed(input: string | string[] | Buffer | Buffer[], options: SeedOptions, onSeed?: (torrent: WebTorrentTorrent) => void): WebTorrentTorrent;
  get(torrentId: string): Promise<WebTorrentTorrent | null>;
  destroy(callback?: (error?: Error) => void): void;
}

export type WebTorrentConstructor = new (options?: WebTorrentOptions) => WebTorrentClient;

/**
 * Loads an ESM-only package through Node's own `require` (Node ≥ 20.19 has `require(esm)`).
 * `process.getBuiltinModule` keeps webpack and Jest from rewriting the call: the form that works
 * in the service bundle, under Jest and under tsx alike (docs/research/bittorrent-engines.md §3).
 */
export function requireEsm<T>(specifier: string): T {
  const { createRequire } = process.getBuiltinModule('node:module') as typeof import('node:module');
  return createRequire(__filename)(specifier) as T;
}

export function loadWebTorrent(): WebTorrentConstructor {
  return requireEsm<{ default: WebTorrentConstructor }>('webtorrent').default;
}

/** Options that keep an engine off every network but the peers it is told about (tests, or a private swarm). */
export const LOOPBACK_ONLY: WebTorrentOptions = {
  dht: false,
  tracker: false,
  lsd: false,
  utPex: false,
  natUpnp: false,
  natPmp: false,
  webSeeds: false,
  utp: false,
};
