import { z } from 'zod';
import {
  type DownloadClient,
  DownloadClientUnavailableError,
  type FileProgress,
  type InspectOptions,
  MetadataTimeoutError,
  type TorrentMetadata,
  type TorrentSource,
  type TransferState,
  type TransferStatus,
} from '../download-client';

export interface TransmissionClientOptions {
  /** The RPC endpoint, e.g. `http://127.0.0.1:9091/transmission/rpc`. */
  url: string;
  username?: string;
  password?: string;
  /** Per RPC call (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const SESSION_HEADER = 'X-Transmission-Session-Id';
const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Between metadata and our `files-unwanted` the daemon may start requesting payload; a short poll
 * keeps that window small (on loopback new peers stay choked ~10 s anyway).
 */
const METADATA_POLL_MS = 200;
const SETTLE_POLL_MS = 50;

/** Transmission's `status` codes (rpc-spec §3.3). */
const STOPPED = 0;
const CHECK_WAIT = 1;
const CHECKING = 2;
/** Transmission's `error` codes: 1 and 2 are tracker trouble, 3 is local (disk, missing data). */
const LOCAL_ERROR = 3;

const envelopeSchema = z.object({ result: z.string(), arguments: z.record(z.string(), z.unknown()).optional() });

const addedSchema = z.object({ hashString: z.string(), id: z.number(), name: z.string() });
const addAnswerSchema = z.union([
  z.object({ 'torrent-added': addedSchema }).transform((a) => ({ torrent: a['torrent-added'], duplicate: false })),
  z.object({ 'torrent-duplicate': addedSchema }).transform((a) => ({ torrent: a['torrent-duplicate'], duplicate: true })),
]);

const fileSchema = z.object({ name: z.string(), length: z.number(), bytesCompleted: z.number() });
const fileStatSchema = z.object({ bytesCompleted: z.number(), wanted: z.boolean() });

const METADATA_FIELDS = ['hashString', 'name', 'status', 'error', 'errorString', 'metadataPercentComplete', 'totalSize', 'pieceSize', 'files', 'fileStats'] as const;
const metadataTorrentSchema = z.object({
  hashString: z.string(),
  name: z.string(),
  status: z.number(),
  error: z.number(),
  errorString: z.string(),
  metadataPercentComplete: z.number(),
  totalSize: z.number(),
  pieceSize: z.number(),
  files: z.array(fileSchema),
  fileStats: z.array(fileStatSchema),
});

const STATUS_FIELDS = [
  ...METADATA_FIELDS,
  'sizeWhenDone',
  'haveValid',
  'uploadedEver',
  'rateDownload',
  'rateUpload',
  'peersConnected',
  'eta',
] as const;
const statusTorrentSchema = metadataTorrentSchema.extend({
  sizeWhenDone: z.number(),
  haveValid: z.number(),
  uploadedEver: z.number(),
  rateDownload: z.number(),
  rateUpload: z.number(),
  peersConnected: z.number(),
  eta: z.number(),
});

const torrentsSchema = <T extends z.ZodType>(torrent: T) => z.object({ torrents: z.array(torrent) });
const settleSchema = z.object({ torrents: z.array(z.object({ hashString: z.string(), status: z.number() })) });
const sessionSchema = z.object({ version: z.string(), 'rpc-version': z.number() });
const emptySchema = z.object({});

type MetadataTorrent = z.infer<typeof metadataTorrentSchema>;
type StatusTorrent = z.infer<typeof statusTorrentSchema>;

/**
 * Drives a Transmission daemon (3.00+, RPC version 16+) over its JSON RPC. Holds no connection:
 * every call is one HTTP request, so the daemon may restart between calls.
 *
 * Not implemented on purpose:
 * - `readRange`: the RPC sets priorities per file only (no piece or byte-range priority, no
 *   sequential mode before 4.1), so the hunter serves only what is already on disk.
 * - `addPeers`: there is no RPC to add a peer (see the method).
 */
export class TransmissionClient implements DownloadClient {
  readonly kind = 'transmission' as const;
  private sessionId: string | null = null;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly authorization: string | null;

  constructor(private readonly options: TransmissionClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.authorization =
      options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` : null;
  }

  async inspect(source: TorrentSource, options: InspectOptions): Promise<TorrentMetadata> {
    const deadline = Date.now() + options.timeoutMs;
    const added = await this.rpc(
      'torrent-add',
      {
        ...(source.kind === 'magnet' ? { filename: source.uri } : { metainfo: source.data.toString('base64') }),
        'download-dir': options.saveDir,
        // A magnet added paused never fetches its metadata; a .torrent needs no peer for it.
        paused: source.kind === 'torrent-file',
      },
      addAnswerSchema,
    );
    const infoHash = added.torrent.hashString.toLowerCase();
    // `options.peers` cannot be handed over: see `addPeers`.

    let torrent = await this.getOne(infoHash, METADATA_FIELDS, metadataTorrentSchema);
    if (torrent && added.duplicate && torrent.metadataPercentComplete === 1) {
      // Already known: its selection may be the hunter's own from before a restart; keep it.
      return this.metadataOf(infoHash, torrent);
    }
    if (torrent && torrent.metadataPercentComplete < 1 && torrent.error !== LOCAL_ERROR) {
      // A magnet waiting in a full download queue (Transmission's default: 5 slots) or left
      // stopped never gets its metadata; `start-now` bypasses the queue. The torrent then stays
      // running, so a magnet's payload does not wait in that queue either (a .torrent's does).
      await this.rpc('torrent-start-now', { ids: [infoHash] }, emptySchema);
    }
    while (torrent && torrent.metadataPercentComplete < 1 && torrent.error !== LOCAL_ERROR && Date.now() < deadline) {
      await sleep(Math.min(METADATA_POLL_MS, Math.max(0, deadline - Date.now())));
      torrent = await this.getOne(infoHash, METADATA_FIELDS, metadataTorrentSchema);
    }
    if (!torrent) throw new Error(`transmission dropped torrent ${infoHash} while fetching its metadata`);
    if (torrent.metadataPercentComplete < 1 || torrent.error === LOCAL_ERROR) {
      await this.remove(infoHash, { deleteData: true });
      if (torrent.error === LOCAL_ERROR) throw new Error(`transmission cannot add torrent ${infoHash}: ${torrent.errorString}`);
      throw new MetadataTimeoutError(infoHash, options.timeoutMs);
    }
    // An empty list means every file: nothing is wanted, so no payload is requested. A stop
    // instead is undone by the check Transmission runs right after the metadata arrives.
    await this.rpc('torrent-set', { ids: [infoHash], 'files-unwanted': [] }, emptySchema);
    return this.metadataOf(infoHash, torrent);
  }

  async start(hash: string, fileIndexes: readonly number[]): Promise<void> {
    const infoHash = hash.toLowerCase();
    const torrent = await this.getOne(infoHash, METADATA_FIELDS, metadataTorrentSchema);
    if (!torrent) throw new Error(`transmission does not have torrent ${infoHash}`);
    const count = torrent.files.length;
    const wanted = new Set(fileIndexes);
    for (const index of wanted) {
      if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`torrent ${infoHash} has no file ${index}`);
    }
    const unwanted = [...Array(count).keys()].filter((index) => !wanted.has(index));
    // Both lists mean "every file" when empty, so an empty one is left out, never sent.
    const selection: Record<string, number[]> = {};
    if (wanted.size) selection['files-wanted'] = [...wanted];
    if (unwanted.length) selection['files-unwanted'] = unwanted;
    await this.rpc('torrent-set', { ids: [infoHash], ...selection }, emptySchema);
    await this.rpc('torrent-start', { ids: [infoHash] }, emptySchema);
  }

  async pause(hash: string): Promise<void> {
    const infoHash = hash.toLowerCase();
    // Unknown hashes are skipped by the daemon, which makes this a no-op for them.
    await this.rpc('torrent-stop', { ids: [infoHash] }, emptySchema);
    // The daemon stops in its event loop after answering, peers still connected: wait, so that
    // "paused" means no payload moves from the moment this resolves.
    await this.settle(infoHash, 'stopping', (t) => t === null || t.status === STOPPED);
  }

  async resume(infoHash: string): Promise<void> {
    await this.rpc('torrent-start', { ids: [infoHash.toLowerCase()] }, emptySchema);
  }

  async remove(hash: string, options: { deleteData: boolean }): Promise<void> {
    const infoHash = hash.toLowerCase();
    await this.rpc('torrent-remove', { ids: [infoHash], 'delete-local-data': options.deleteData }, emptySchema);
    // Removal (and deletion) also happens after the answer: wait until it is gone, so a caller
    // never sees the files afterwards, nor a re-add counted as a duplicate.
    await this.settle(infoHash, 'removing', (t) => t === null);
  }

  async status(infoHash: string): Promise<TransferStatus | null> {
    const torrent = await this.getOne(infoHash.toLowerCase(), STATUS_FIELDS, statusTorrentSchema);
    return torrent ? toStatus(infoHash.toLowerCase(), torrent) : null;
  }

  /**
   * A no-op: Transmission has no RPC that adds a peer. It finds peers through trackers, DHT and
   * PEX only, and accepts incoming connections. On a real network that suffices (it dials the
   * non-loopback peers trackers hand out); peers on 127.x/::1 it never dials, so they must
   * dial its peer port themselves, as the tests' seeders do.
   */
  async addPeers(_infoHash: string, _peers: readonly string[]): Promise<void> {
    return;
  }

  async ping(): Promise<void> {
    await this.rpc('session-get', {}, sessionSchema);
  }

  async close(): Promise<void> {
    // Nothing to release: every call is a standalone HTTP request.
  }

  private async settle(infoHash: string, what: string, done: (torrent: { status: number } | null) => boolean): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const answer = await this.rpc('torrent-get', { ids: [infoHash], fields: ['hashString', 'status'] }, settleSchema);
      if (done(answer.torrents[0] ?? null)) return;
      if (Date.now() >= deadline) throw new Error(`transmission was still ${what} torrent ${infoHash} after ${this.timeoutMs} ms`);
      await sleep(SETTLE_POLL_MS);
    }
  }

  private async getOne<T extends z.ZodType>(infoHash: string, fields: readonly string[], schema: T): Promise<z.infer<T> | null> {
    const answer = await this.rpc('torrent-get', { ids: [infoHash], fields }, torrentsSchema(schema));
    return (answer.torrents[0] as z.infer<T> | undefined) ?? null;
  }

  private metadataOf(infoHash: string, torrent: MetadataTorrent): TorrentMetadata {
    return {
      infoHash,
      name: torrent.name,
      totalBytes: torrent.totalSize,
      pieceLength: torrent.pieceSize,
      // `name` already starts with the torrent's folder and is where the daemon writes the file
      // (with `.part` appended while incomplete when `rename-partial-files` is on).
      files: torrent.files.map((file, index) => ({ index, path: file.name, length: file.length })),
    };
  }

  private async rpc<T extends z.ZodType>(method: string, args: Record<string, unknown>, schema: T): Promise<z.output<T>> {
    const body = JSON.stringify({ method, arguments: args });
    // One retry per fresh session id; a daemon that keeps rotating it is broken.
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await this.post(method, body);
      if (response.status === 409) {
        const sessionId = response.headers.get(SESSION_HEADER);
        await response.body?.cancel();
        if (!sessionId) throw new Error(`transmission answered ${method} with 409 but no ${SESSION_HEADER} header`);
        this.sessionId = sessionId;
        continue;
      }
      return this.parse(method, response, schema);
    }
    throw new DownloadClientUnavailableError('transmission', `the RPC kept asking for a new session id (${method})`);
  }

  private async post(method: string, body: string): Promise<Response> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.sessionId) headers[SESSION_HEADER] = this.sessionId;
    if (this.authorization) headers['Authorization'] = this.authorization;
    try {
      return await this.fetch(this.options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const detail = isTimeout(error) ? `no answer to ${method} within ${this.timeoutMs} ms` : `cannot reach ${this.options.url}: ${describe(error)}`;
      throw new DownloadClientUnavailableError('transmission', detail);
    }
  }

  private async parse<T extends z.ZodType>(method: string, response: Response, schema: T): Promise<z.output<T>> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      const detail = isTimeout(error) ? `no complete answer to ${method} within ${this.timeoutMs} ms` : `answer to ${method} broke off: ${describe(error)}`;
      throw new DownloadClientUnavailableError('transmission', detail);
    }
    const refused = refusal(response.status);
    if (refused) throw new DownloadClientUnavailableError('transmission', refused);
    if (!response.ok) throw new Error(`transmission answered ${method} with HTTP ${response.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`transmission answered ${method} with something that is not JSON: ${text.slice(0, 200)}`);
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new Error(`transmission answered ${method} without a result: ${z.prettifyError(envelope.error)}`);
    if (envelope.data.result !== 'success') throw new Error(`transmission refused ${method}: ${envelope.data.result}`);
    const parsed = schema.safeParse(envelope.data.arguments ?? {});
    if (!parsed.success) throw new Error(`transmission answered ${method} with unexpected arguments: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}

/** HTTP statuses that mean "not for us right now" (misconfiguration or a sick daemon), not a bug. */
function refusal(status: number): string | null {
  if (status === 401) return 'wrong or missing username/password (HTTP 401)';
  if (status === 403) return 'this host is not in the daemon\'s rpc-whitelist (HTTP 403)';
  if (status === 421) return 'the URL\'s host name is not in the daemon\'s rpc-host-whitelist; use an IP, add the name, or turn on authentication (HTTP 421)';
  if (status >= 500) return `the daemon failed (HTTP ${status})`;
  return null;
}

function toStatus(infoHash: string, torrent: StatusTorrent): TransferStatus {
  const hasMetadata = torrent.metadataPercentComplete >= 1;
  const files: FileProgress[] = torrent.files.map((file, index) => {
    const stats = torrent.fileStats[index];
    return {
      index,
      path: file.name,
      length: file.length,
      // Counts blocks written, some of them not yet verified: the RPC has no per-file verified count.
      downloadedBytes: stats?.bytesCompleted ?? 0,
      selected: stats?.wanted ?? false,
    };
  });
  const chosen = hasMetadata ? files.filter((f) => f.selected) : [];
  const complete = chosen.length > 0 && chosen.every((f) => f.downloadedBytes >= f.length);
  const state = stateOf(torrent, hasMetadata, chosen.length > 0, complete);
  return {
    infoHash,
    state,
    downloadedBytes: sum(chosen.map((f) => f.downloadedBytes)),
    totalBytes: chosen.length ? torrent.sizeWhenDone : torrent.totalSize,
    uploadedBytes: torrent.uploadedEver,
    downloadSpeed: torrent.rateDownload,
    uploadSpeed: torrent.rateUpload,
    peers: torrent.peersConnected,
    // -1: not available, -2: unknown.
    etaSeconds: state === 'downloading' && torrent.eta >= 0 ? torrent.eta : null,
    files: hasMetadata ? files : [],
    error: torrent.error !== 0 && torrent.errorString ? torrent.errorString : torrent.error !== 0 ? `transmission error ${torrent.error}` : null,
  };
}

/**
 * Tracker warnings and errors (codes 1, 2) are reported in `error` but do not fail the transfer:
 * one dead tracker among several is routine, and DHT or other peers may carry on.
 */
function stateOf(torrent: StatusTorrent, hasMetadata: boolean, anySelected: boolean, complete: boolean): TransferState {
  if (torrent.error === LOCAL_ERROR) return 'error';
  if (torrent.status === CHECK_WAIT || torrent.status === CHECKING) return 'checking';
  if (!hasMetadata) return torrent.status === STOPPED ? 'paused' : 'metadata';
  // With nothing wanted Transmission calls itself a seed (status 6): for Sokoul that is idle.
  if (!anySelected) return 'idle';
  // Also when stopped, e.g. after reaching its seed ratio.
  if (complete) return 'complete';
  if (torrent.status === STOPPED) return 'paused';
  return 'downloading';
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Duck-typed: the DOMException an aborted fetch throws may come from another realm (e.g. Jest's). */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch's own message is a bare "fetch failed"; the cause says why (ECONNREFUSED, ...).
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
