import type { Readable } from 'node:stream';
import { LOOPBACK_ONLY, type WebTorrentClient, type WebTorrentOptions, type WebTorrentTorrent, loadWebTorrent } from '@sokoul/hunter/webtorrent';
import {
  type ByteRange,
  type DownloadClient,
  type FileProgress,
  type InspectOptions,
  MetadataTimeoutError,
  type TorrentFileEntry,
  TorrentRefusedError,
  type TorrentMetadata,
  type TorrentSource,
  type TransferState,
  type TransferStatus,
} from '../download-client';

export interface EmbeddedClientOptions {
  /** Peer port; 0 picks a free one. */
  port: number;
  /**
   * DHT, PEX and UPnP/NAT-PMP: on for a real installation (magnets without trackers need the
   * DHT), off in tests and private swarms. Trackers are always used; local peer discovery never
   * (a multicast on every LAN the host is on).
   */
  publicDiscovery: boolean;
  maxConnectionsPerTorrent?: number;
  /** Bytes per second; unset: unlimited. */
  downloadLimit?: number;
  uploadLimit?: number;
}

interface Tracked {
  torrent: WebTorrentTorrent;
  /** What Sokoul asked for: webtorrent forgets finished selections, so completion is judged here. */
  selected: Set<number>;
  paused: boolean;
  /** webtorrent forgets peers it was given once their wires close: kept to dial them again on resume. */
  peers: Set<string>;
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });
const REMOVE_TIMEOUT_MS = 10_000;

/**
 * The default client: webtorrent running inside the hunter, so a fresh install downloads with
 * nothing else installed. webtorrent has no persistent session: the hunter re-adds unfinished
 * torrents from their stored .torrent after a restart, and webtorrent re-verifies what is on disk.
 */
export class EmbeddedClient implements DownloadClient {
  readonly kind = 'embedded' as const;
  private readonly client: WebTorrentClient;
  private readonly tracked = new Map<string, Tracked>();
  private readonly completionListeners: Array<(infoHash: string) => void> = [];
  private closed = false;

  constructor(private readonly options: EmbeddedClientOptions) {
    const WebTorrent = loadWebTorrent();
    const engineOptions: WebTorrentOptions = options.publicDiscovery
      ? { lsd: false, webSeeds: false, utp: false }
      : { ...LOOPBACK_ONLY, tracker: {} };
    this.client = new WebTorrent({
      ...engineOptions,
      torrentPort: options.port,
      maxConns: options.maxConnectionsPerTorrent ?? 55,
      downloadLimit: options.downloadLimit ?? -1,
      uploadLimit: options.uploadLimit ?? -1,
    });
    // Errors of a torrent without its own listener land here; per-torrent handlers report them.
    this.client.on('error', () => undefined);
  }

  /** `127.0.0.1:<port>` once listening: what a test's seeders dial. */
  async listenAddress(): Promise<string> {
    if (!this.client.listening) await new Promise((resolve) => this.client.once('listening', resolve));
    return `127.0.0.1:${this.client.address()?.port}`;
  }

  async inspect(source: TorrentSource, options: InspectOptions): Promise<TorrentMetadata> {
    const infoHash = source.infoHash.toLowerCase();
    let entry = this.tracked.get(infoHash);
    if (!entry) {
      const torrent = this.client.add(source.kind === 'magnet' ? source.uri : source.data, { path: options.saveDir, deselect: true });
      entry = { torrent, selected: new Set(), paused: false, peers: new Set(options.peers ?? []) };
      this.tracked.set(infoHash, entry);
      torrent.on('error', () => undefined);
      const peers = entry.peers;
      const dial = () => peers.forEach((peer) => torrent.addPeer(peer));
      // addPeer throws before the info-hash is parsed (async since webtorrent 2).
      if (torrent.infoHash) dial();
      else torrent.once('infoHash', dial);
    } else {
      for (const peer of options.peers ?? []) this.rememberAndDial(entry, peer);
    }
    const { torrent } = entry;
    try {
      await this.metadataOf(torrent, options.timeoutMs, options.vet);
    } catch (error) {
      // A refused torrent was destroyed before its store opened: there is no data to delete.
      await this.remove(infoHash, { deleteData: !(error instanceof TorrentRefusedError) });
      throw error instanceof MetadataTimeoutError ? new MetadataTimeoutError(infoHash, options.timeoutMs) : error;
    }
    return this.metadataFrom(torrent);
  }

  async start(infoHash: string, fileIndexes: readonly number[]): Promise<void> {
    const entry = this.require(infoHash);
    await this.whenReady(entry.torrent);
    entry.selected = new Set(fileIndexes);
    if (!entry.paused) this.applySelection(entry);
    // webtorrent's torrent-level `done` waits for every file, selected or not: watch the chosen ones.
    const files = [...entry.selected].map((index) => entry.torrent.files[index]).filter((file) => file !== undefined);
    const check = () => {
      if (this.tracked.get(infoHash) === entry && entry.selected.size > 0 && files.every((file) => file.done)) {
        for (const listener of this.completionListeners) listener(infoHash);
      }
    };
    for (const file of files) if (!file.done) file.once('done', check);
  }

  onTransferComplete(listener: (infoHash: string) => void): void {
    this.completionListeners.push(listener);
  }

  async pause(infoHash: string): Promise<void> {
    const entry = this.tracked.get(infoHash);
    if (!entry || entry.paused) return;
    entry.paused = true;
    const { torrent } = entry;
    // `pause()` alone only stops new connections: the transfer carries on over open wires.
    torrent.pause();
    if (torrent.ready) torrent.deselect(0, torrent.pieces.length - 1);
    for (const wire of [...torrent.wires]) wire.destroy();
  }

  async resume(infoHash: string): Promise<void> {
    const entry = this.tracked.get(infoHash);
    if (!entry || !entry.paused) return;
    entry.paused = false;
    entry.torrent.resume();
    this.applySelection(entry);
    for (const peer of entry.peers) entry.torrent.addPeer(peer);
  }

  async remove(infoHash: string, options: { deleteData: boolean }): Promise<void> {
    const entry = this.tracked.get(infoHash);
    this.tracked.delete(infoHash);
    if (!entry || (entry.torrent as { destroyed?: boolean }).destroyed) return;
    // webtorrent never calls back when its store failed to open (a name the file system refused):
    // bounded, so a stuck store cannot hold a download, or the hunter's shutdown, forever.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, REMOVE_TIMEOUT_MS);
      entry.torrent.destroy({ destroyStore: options.deleteData }, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async status(infoHash: string): Promise<TransferStatus | null> {
    const entry = this.tracked.get(infoHash);
    if (!entry) return null;
    const { torrent } = entry;
    if (!torrent.files?.length) {
      return { infoHash, state: 'metadata', downloadedBytes: 0, totalBytes: 0, uploadedBytes: torrent.uploaded, downloadSpeed: 0, uploadSpeed: 0, peers: torrent.numPeers, etaSeconds: null, files: [], error: null };
    }
    const files = this.fileProgress(torrent, entry.selected);
    const chosen = files.filter((f) => f.selected);
    const totalBytes = chosen.length ? sum(chosen.map((f) => f.length)) : torrent.length;
    const downloadedBytes = sum(chosen.map((f) => f.downloadedBytes));
    const complete = chosen.length > 0 && chosen.every((f) => f.downloadedBytes === f.length);
    const state: TransferState = !torrent.ready ? 'checking' : complete ? 'complete' : entry.paused ? 'paused' : chosen.length ? 'downloading' : 'idle';
    const speed = entry.paused ? 0 : torrent.downloadSpeed;
    return {
      infoHash,
      state,
      downloadedBytes,
      totalBytes,
      uploadedBytes: torrent.uploaded,
      downloadSpeed: speed,
      uploadSpeed: entry.paused ? 0 : torrent.uploadSpeed,
      peers: torrent.numPeers,
      etaSeconds: state === 'downloading' && speed > 0 ? Math.ceil((totalBytes - downloadedBytes) / speed) : null,
      files,
      error: null,
    };
  }

  async addPeers(infoHash: string, peers: readonly string[]): Promise<void> {
    const entry = this.tracked.get(infoHash);
    if (entry) for (const peer of peers) this.rememberAndDial(entry, peer);
  }

  readRange(infoHash: string, fileIndex: number, range: ByteRange): Readable {
    const file = this.require(infoHash).torrent.files[fileIndex];
    if (!file) throw new RangeError(`torrent ${infoHash} has no file ${fileIndex}`);
    // webtorrent selects the range's pieces at high priority and marks the next ones critical.
    return file.createReadStream({ start: range.start, end: range.end });
  }

  async ping(): Promise<void> {
    // In-process: nothing to reach.
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tracked.clear();
    await new Promise<void>((resolve) => this.client.destroy(() => resolve()));
  }

  private rememberAndDial(entry: Tracked, peer: string): void {
    entry.peers.add(peer);
    if (entry.torrent.infoHash && !entry.paused) entry.torrent.addPeer(peer);
  }

  private applySelection(entry: Tracked): void {
    const { torrent } = entry;
    torrent.deselect(0, torrent.pieces.length - 1);
    for (const index of entry.selected) torrent.files[index]?.select();
  }

  private require(infoHash: string): Tracked {
    const entry = this.tracked.get(infoHash);
    if (!entry) throw new Error(`the embedded client does not have torrent ${infoHash}`);
    return entry;
  }

  private metadataFrom(torrent: WebTorrentTorrent): TorrentMetadata {
    return {
      infoHash: torrent.infoHash,
      name: torrent.name,
      totalBytes: torrent.length,
      pieceLength: torrent.pieceLength,
      files: this.fileEntries(torrent),
      torrentFile: Buffer.from(torrent.torrentFile),
    };
  }

  /**
   * Waits for the file list and judges it inside webtorrent's own `metadata` event: right after
   * it, webtorrent checks for existing data and creates folders, so a hostile name (a NUL byte
   * in a folder) must be refused before that, by destroying the torrent there and then.
   */
  private metadataOf(torrent: WebTorrentTorrent, timeoutMs: number, vet: InspectOptions['vet']): Promise<void> {
    if (torrent.files?.length) {
      const verdict = vet?.(this.metadataFrom(torrent));
      return verdict && !verdict.ok ? Promise.reject(new TorrentRefusedError(verdict.code, verdict.reason)) : Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new MetadataTimeoutError(torrent.infoHash ?? '', timeoutMs));
      }, timeoutMs);
      const onMetadata = () => {
        cleanup();
        const verdict = vet?.(this.metadataFrom(torrent));
        if (verdict && !verdict.ok) {
          torrent.destroy();
          reject(new TorrentRefusedError(verdict.code, verdict.reason));
        } else {
          resolve();
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        torrent.off('metadata', onMetadata);
        torrent.off('error', onError);
      };
      torrent.once('metadata', onMetadata);
      torrent.once('error', onError);
    });
  }

  private whenReady(torrent: WebTorrentTorrent): Promise<void> {
    if (torrent.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      torrent.once('ready', () => resolve());
      torrent.once('error', reject);
    });
  }

  private fileEntries(torrent: WebTorrentTorrent): TorrentFileEntry[] {
    const rawFiles = torrent.info?.files;
    // As parse-torrent does: the UTF-8 variants win, so judge what will actually be written.
    const info = torrent.info;
    const rawName = info?.['name.utf-8'] ?? info?.name;
    const name = rawName ? textDecoder.decode(rawName) : torrent.name;
    return torrent.files.map((file, index) => {
      const raw = rawFiles?.[index];
      const rawPath = raw ? (raw['path.utf-8'] ?? raw.path ?? []).map((segment) => textDecoder.decode(segment)) : [];
      return {
        index,
        path: file.path.split(/[\\/]/).join('/'),
        rawSegments: rawFiles ? [name, ...rawPath] : [name],
        ...((raw?.attr ?? info?.attr) ? { attributes: textDecoder.decode(raw?.attr ?? info?.attr) } : {}),
        length: file.length,
      };
    });
  }

  /**
   * Per-file verified bytes from the bitfield: `file.downloaded` under-reports by a piece when a
   * file ends on a piece boundary (docs/research/bittorrent-engines.md §4).
   */
  private fileProgress(torrent: WebTorrentTorrent, selected: ReadonlySet<number>): FileProgress[] {
    const { pieceLength, bitfield } = torrent;
    return torrent.files.map((file, index) => {
      let downloadedBytes = 0;
      if (bitfield && file.length > 0) {
        const first = Math.floor(file.offset / pieceLength);
        const last = Math.floor((file.offset + file.length - 1) / pieceLength);
        for (let piece = first; piece <= last; piece++) {
          if (!bitfield.get(piece)) continue;
          const start = Math.max(piece * pieceLength, file.offset);
          const end = Math.min((piece + 1) * pieceLength, file.offset + file.length, torrent.length);
          downloadedBytes += end - start;
        }
      }
      return { index, path: file.path.split(/[\\/]/).join('/'), length: file.length, downloadedBytes, selected: selected.has(index) };
    });
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
