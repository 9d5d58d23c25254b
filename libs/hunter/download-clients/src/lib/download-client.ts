import type { Readable } from 'node:stream';

/** The BitTorrent clients Sokoul can drive: its own embedded engine, or a daemon the user runs. */
export const DOWNLOAD_CLIENT_KINDS = ['embedded', 'transmission', 'qbittorrent'] as const;
export type DownloadClientKind = (typeof DOWNLOAD_CLIENT_KINDS)[number];

/**
 * What to download. A `.torrent` file is fetched by the hunter itself (size-limited, http/https
 * only) and handed over as bytes, so no client ever fetches a URL that may carry an indexer key.
 */
export type TorrentSource =
  | { kind: 'magnet'; uri: string; infoHash: string }
  | { kind: 'torrent-file'; data: Buffer; infoHash: string };

/** One file of a torrent, as the client will write it. */
export interface TorrentFileEntry {
  /** Position in the torrent's file list: what selection and progress refer to. */
  index: number;
  /**
   * Path relative to the download's save directory, `/`-separated, as the client writes it
   * (a multi-file torrent's files sit under its name). Clients normalise names their own way;
   * `rawSegments` keeps what the torrent said, which is what safety checks must judge.
   */
  path: string;
  /** The name segments exactly as in the torrent's info dictionary, when the client exposes them. */
  rawSegments?: readonly string[];
  /** BEP 47 attributes as in the info dictionary (`l` marks a symlink), when the client exposes them. */
  attributes?: string;
  length: number;
}

/** A torrent's metadata: known before a single byte of payload is fetched. */
export interface TorrentMetadata {
  infoHash: string;
  name: string;
  totalBytes: number;
  pieceLength: number;
  files: readonly TorrentFileEntry[];
  /**
   * The .torrent itself, when the client can give it (the embedded engine): stored so a restart
   * re-adds the torrent without asking peers for its metadata again. Daemons keep their own.
   */
  torrentFile?: Buffer;
}

/**
 * `metadata`: fetching the file list; `idle`: file list known, nothing selected; `downloading`
 * (also when no peer sends anything: see `peers` and speeds); `paused`; `checking`: verifying
 * data already on disk; `complete`: every selected file is whole (the client may seed);
 * `error`: the client reports a failure (`error` says which).
 */
export type TransferState = 'metadata' | 'idle' | 'downloading' | 'paused' | 'checking' | 'complete' | 'error';

export interface FileProgress {
  index: number;
  path: string;
  length: number;
  /** Verified bytes of this file on disk. */
  downloadedBytes: number;
  selected: boolean;
}

/** A snapshot of one transfer, normalised across clients. Speeds in bytes per second. */
export interface TransferStatus {
  infoHash: string;
  state: TransferState;
  /** Verified bytes of the selected files. */
  downloadedBytes: number;
  /** Size of the selected files (the whole torrent until a selection is made). */
  totalBytes: number;
  uploadedBytes: number;
  downloadSpeed: number;
  uploadSpeed: number;
  peers: number;
  /** Seconds to completion at the current speed; null when unknown or stalled. */
  etaSeconds: number | null;
  files: readonly FileProgress[];
  error: string | null;
}

export interface InspectOptions {
  /** Directory this torrent's files are written under; created by the caller. */
  saveDir: string;
  /** Gives up (and removes the torrent) when the metadata has not arrived by then. */
  timeoutMs: number;
  /** Peers to dial besides what trackers, DHT or the magnet's `x.pe` give. */
  peers?: readonly string[];
  /**
   * Judges the file list the moment it arrives. A client that creates files or folders on its
   * own once it knows the list (the embedded engine checks for existing data) runs it first and,
   * when it refuses, drops the torrent before anything touches the disk (`TorrentRefusedError`).
   */
  vet?: (metadata: TorrentMetadata) => { ok: true } | { ok: false; code: string; reason: string };
}

/** The part of a file a client reads back while (or after) downloading it. */
export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP `Range`. */
  end: number;
}

/**
 * One interface for every BitTorrent client. Every call is idempotent where it can be (adding
 * a torrent the client already has returns its metadata; pausing a paused one does nothing),
 * because the hunter reconciles desired and actual state on every tick and after restarts.
 */
export interface DownloadClient {
  readonly kind: DownloadClientKind;

  /**
   * Adds the torrent with nothing selected and resolves with its file list once known, before
   * a byte of payload is fetched. A torrent the client already has is not added twice.
   * Throws `MetadataTimeoutError` when no peer gave the metadata in time.
   */
  inspect(source: TorrentSource, options: InspectOptions): Promise<TorrentMetadata>;

  /** Downloads the given files (by index), and only those; the rest are never fetched. */
  start(infoHash: string, fileIndexes: readonly number[]): Promise<void>;

  /** Stops transferring (no payload in or out) until `resume`. */
  pause(infoHash: string): Promise<void>;

  resume(infoHash: string): Promise<void>;

  /** Forgets the torrent; with `deleteData`, also deletes what it wrote. Unknown: no-op. */
  remove(infoHash: string, options: { deleteData: boolean }): Promise<void>;

  /** The transfer's state, or null when the client does not have this torrent. */
  status(infoHash: string): Promise<TransferStatus | null>;

  /** Asks the client to connect to these peers (`host:port`). */
  addPeers(infoHash: string, peers: readonly string[]): Promise<void>;

  /**
   * Reads a byte range of one file, fetching its pieces first when the client can prioritise
   * them (the embedded engine). Clients that cannot leave this out; the hunter then serves
   * only what is already on disk.
   */
  readRange?(infoHash: string, fileIndex: number, range: ByteRange): Readable;

  /**
   * Calls `listener` when every selected file of a torrent is complete, for clients that can
   * tell (the embedded engine): the hunter then files it at once instead of at its next look.
   */
  onTransferComplete?(listener: (infoHash: string) => void): void;

  /** Checks the client answers (daemons: reachable and logged in). */
  ping(): Promise<void>;

  /** Releases sockets and timers; torrents of a daemon keep running there. */
  close(): Promise<void>;
}

/** No peer gave the torrent's metadata in time (dead magnet, no seeders, trackers down). */
export class MetadataTimeoutError extends Error {
  constructor(readonly infoHash: string, timeoutMs: number) {
    super(`no metadata for ${infoHash} after ${Math.round(timeoutMs / 1000)} s: no peer answered`);
    this.name = 'MetadataTimeoutError';
  }
}

/** `InspectOptions.vet` refused the file list: the torrent was dropped before anything was written. */
export class TorrentRefusedError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'TorrentRefusedError';
  }
}

/** The client could not be reached or refused the call (daemon down, wrong credentials). */
export class DownloadClientUnavailableError extends Error {
  constructor(readonly client: DownloadClientKind, detail: string) {
    super(`${client} is unavailable: ${detail}`);
    this.name = 'DownloadClientUnavailableError';
  }
}
