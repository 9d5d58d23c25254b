import type { DownloadClientKind, EmbeddedClientOptions, QBittorrentClientOptions, TransmissionClientOptions } from '@sokoul/hunter/download-clients';

export const HUNTER_OPTIONS = Symbol('HUNTER_OPTIONS');
export const DOWNLOAD_CLIENTS = Symbol('DOWNLOAD_CLIENTS');

export interface HunterOptions {
  /** Where torrents are written, one folder per download (`<id>/`). */
  downloadDir: string;
  /** Where completed files are filed under the naming scheme. */
  libraryDir: string;
  /** The client a download uses unless its request names another. */
  defaultClient: DownloadClientKind;
  /** Downloads transferring at once per hunter; the rest wait in the queue. */
  maxActive: number;
  /** How often the hunter reconciles its downloads with its clients (and reports progress). */
  tickMs: number;
  /** A hunter that stops renewing its claims for this long loses them to another hunter. */
  leaseSeconds: number;
  /** Waiting for a torrent's file list (a magnet's metadata) before counting a failed attempt. */
  metadataTimeoutMs: number;
  /** No byte received for this long while downloading: a failed attempt (no peers, dead swarm). */
  stallTimeoutMs: number;
  /** Attempts before a download fails for good and its release is blocklisted. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs: number;
  /** Seeding stops when uploaded ≥ ratio × size, or after `seedSeconds`, whichever comes first. */
  seedRatio: number;
  seedSeconds: number;
  /** Refused before any payload: torrents with more files or more bytes than this. */
  maxFiles: number;
  maxTotalBytes: number;
  /** A video standing alone below this size is a sample, not the release. */
  sampleMaxBytes: number;
  /** Fetching a .torrent from an indexer. */
  torrentFetch: { maxBytes: number; timeoutMs: number };
  /** This hunter's base URL as the gateways reach it: where they fetch a file while it downloads. */
  advertisedUrl: string;
  /** Shared with the gateways: stream tickets are signed with a key derived from it. */
  streamSecret: string;
  /** Free space kept in the download folder on top of what a torrent needs. */
  minFreeBytes: number;
  /** The embedded engine is always there; the daemons only when configured. */
  clients: {
    embedded: EmbeddedClientOptions;
    transmission?: TransmissionClientOptions;
    qbittorrent?: QBittorrentClientOptions;
  };
}
