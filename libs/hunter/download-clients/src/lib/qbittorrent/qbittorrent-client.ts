import { setTimeout as sleep } from 'node:timers/promises';
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

const SETTLE_TIMEOUT_MS = 5_000;

export interface QBittorrentClientOptions {
  /** The Web UI's address, e.g. `http://127.0.0.1:8080`. */
  url: string;
  username: string;
  password: string;
  /** Per HTTP call (default 10 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 200;
/** qBittorrent's "infinity" for `eta`: 100 days. */
const ETA_INFINITY = 8_640_000;

const TorrentInfo = z.object({
  hash: z.string(),
  name: z.string(),
  state: z.string(),
  dlspeed: z.number(),
  upspeed: z.number(),
  eta: z.number(),
  uploaded: z.number(),
  num_seeds: z.number(),
  num_leechs: z.number(),
});
type TorrentInfo = z.infer<typeof TorrentInfo>;

const TorrentFile = z.object({
  /** Since Web API 2.8.2; older versions list files in index order. */
  index: z.number().int().nonnegative().optional(),
  name: z.string(),
  size: z.number().nonnegative(),
  progress: z.number().min(0).max(1),
  priority: z.number().int(),
});
type TorrentFile = z.infer<typeof TorrentFile>;

const TorrentProperties = z.object({ piece_size: z.number() });

/**
 * qBittorrent 5 renamed pause/resume to stop/start and the paused states to stopped*: both
 * spellings are understood so a 5.x daemon works too (only 4.5 is exercised by the tests).
 */
const METADATA_STATES = new Set(['metaDL', 'forcedMetaDL']);
const CHECKING_STATES = new Set(['checkingDL', 'checkingUP', 'checkingResumeData', 'moving']);
const PAUSED_STATES = new Set(['pausedDL', 'pausedUP', 'stoppedDL', 'stoppedUP']);
const ACTIVE_STATES = new Set(['downloading', 'stalledDL', 'queuedDL', 'forcedDL', 'uploading', 'stalledUP', 'queuedUP', 'forcedUP', 'allocating']);

interface Answer {
  status: number;
  text: string;
}

/**
 * Drives a qBittorrent daemon the user runs, through its Web API v2 (4.1+; tested with 4.5.2).
 * qBittorrent keeps its own session: torrents live on after `close()` and across hunter restarts,
 * which is why every call finds its torrent by info-hash rather than by anything held here.
 */
export class QBittorrentClient implements DownloadClient {
  readonly kind = 'qbittorrent' as const;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  /** The cookie of the current Web UI session, shared by concurrent calls that need one. */
  private session: Promise<string> | null = null;

  constructor(private readonly options: QBittorrentClientOptions) {
    const url = new URL(options.url);
    if (url.username || url.password) throw new Error('give the qBittorrent credentials as username and password, not in the URL');
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async inspect(source: TorrentSource, options: InspectOptions): Promise<TorrentMetadata> {
    const infoHash = source.infoHash.toLowerCase();
    const deadline = Date.now() + options.timeoutMs;
    let info = await this.info(infoHash);
    // Only a torrent added for inspection is held still: one already known may be downloading by choice.
    const holdStill = !info || METADATA_STATES.has(info.state);
    if (!info) info = await this.add(source, infoHash, options.saveDir);
    const peers = options.peers ?? [];
    let peersGiven = peers.length === 0;
    let files: TorrentFile[] | null = null;
    for (;;) {
      if (info) {
        if (!peersGiven) {
          await this.addPeers(infoHash, peers);
          peersGiven = true;
        }
        // A magnet lists no files before its metadata is in, so the list is asked for only after metaDL.
        if (!METADATA_STATES.has(info.state)) files = await this.files(infoHash);
        if (files?.length) break;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        // Nothing was written for a torrent without metadata: keep the files, whoever else has any.
        await this.post('torrents/delete', { hashes: infoHash, deleteFiles: 'false' });
        throw new MetadataTimeoutError(infoHash, options.timeoutMs);
      }
      await sleep(Math.min(POLL_INTERVAL_MS, left));
      info = await this.info(infoHash);
    }
    if (holdStill) {
      // stopCondition=MetadataReceived has paused it; priority 0 everywhere keeps a later resume from fetching.
      await this.setPriority(infoHash, files.map(fileIndex), 0);
      await this.pause(infoHash);
    }
    const properties = await this.get('torrents/properties', { hash: infoHash }, TorrentProperties);
    return {
      infoHash,
      name: info?.name ?? infoHash,
      totalBytes: sum(files.map((file) => file.size)),
      pieceLength: properties?.piece_size ?? 0,
      files: files.map((file, position) => ({ index: fileIndex(file, position), path: file.name, length: file.size })),
    };
  }

  async start(infoHash: string, fileIndexes: readonly number[]): Promise<void> {
    const hash = infoHash.toLowerCase();
    const files = await this.files(hash);
    if (files === null) throw new Error(`qbittorrent does not have torrent ${hash}`);
    if (files.length === 0) throw new Error(`qbittorrent has no file list for ${hash} yet: inspect it first`);
    const all = files.map(fileIndex);
    const wanted = new Set(fileIndexes);
    const unknown = [...wanted].filter((index) => !all.includes(index));
    if (unknown.length) throw new RangeError(`torrent ${hash} has no file ${unknown.join(', ')}`);
    // Deselect first, so a running transfer never fetches a piece of a file being dropped.
    await this.setPriority(hash, all.filter((index) => !wanted.has(index)), 0);
    await this.setPriority(hash, [...wanted], 1);
    if (wanted.size) await this.resume(hash);
    else await this.pause(hash);
  }

  async pause(infoHash: string): Promise<void> {
    await this.postRenamed('torrents/pause', 'torrents/stop', { hashes: infoHash.toLowerCase() });
    await this.settle(infoHash.toLowerCase(), (state) => PAUSED_STATES.has(state));
  }

  async resume(infoHash: string): Promise<void> {
    await this.postRenamed('torrents/resume', 'torrents/start', { hashes: infoHash.toLowerCase() });
    await this.settle(infoHash.toLowerCase(), (state) => !PAUSED_STATES.has(state));
  }

  /**
   * qBittorrent applies a command at once but reports it only at its next refresh (1.5 s by
   * default): wait until `torrents/info` shows it, so a `status` right after tells the truth.
   */
  private async settle(hash: string, reached: (state: string) => boolean): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const info = await this.info(hash);
      if (!info || reached(info.state) || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async remove(infoHash: string, options: { deleteData: boolean }): Promise<void> {
    await this.post('torrents/delete', { hashes: infoHash.toLowerCase(), deleteFiles: String(options.deleteData) });
  }

  async status(infoHash: string): Promise<TransferStatus | null> {
    const hash = infoHash.toLowerCase();
    const info = await this.info(hash);
    const files = info && (await this.files(hash));
    if (!info || !files) return null;
    const progress: FileProgress[] = files.map((file, position) => ({
      index: fileIndex(file, position),
      path: file.name,
      length: file.size,
      downloadedBytes: Math.floor(file.progress * file.size),
      selected: file.priority > 0,
    }));
    const chosen = progress.filter((file) => file.selected);
    const state = transferState(info.state, chosen);
    return {
      infoHash: hash,
      state,
      downloadedBytes: sum(chosen.map((file) => file.downloadedBytes)),
      totalBytes: sum((chosen.length ? chosen : progress).map((file) => file.length)),
      uploadedBytes: info.uploaded,
      downloadSpeed: info.dlspeed,
      uploadSpeed: info.upspeed,
      peers: info.num_seeds + info.num_leechs,
      etaSeconds: state === 'downloading' && info.eta >= 0 && info.eta < ETA_INFINITY ? info.eta : null,
      files: progress,
      error: state === 'error' ? `qBittorrent reports the torrent as ${info.state}` : null,
    };
  }

  async addPeers(infoHash: string, peers: readonly string[]): Promise<void> {
    if (peers.length === 0) return;
    // An unknown hash answers `{}`: nothing to do, as for the other calls.
    await this.post('torrents/addPeers', { hashes: infoHash.toLowerCase(), peers: peers.join('|') });
  }

  async ping(): Promise<void> {
    const answer = await this.call('GET', 'app/version');
    if (answer.status !== 200 || !answer.text.trim()) throw this.unexpected('app/version', answer);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    try {
      const cookie = await session;
      await this.send('POST', 'auth/logout', undefined, cookie, AbortSignal.timeout(Math.min(this.timeoutMs, 2_000)));
    } catch {
      // Best effort: the daemon expires idle sessions itself (WebUI\SessionTimeout).
    }
  }

  private async add(source: TorrentSource, infoHash: string, saveDir: string): Promise<TorrentInfo | null> {
    const fields: Record<string, string> = {
      savepath: saveDir,
      // Pinned so the user's defaults cannot move the files (automatic management) or re-root them.
      autoTMM: 'false',
      contentLayout: 'Original',
    };
    let body: URLSearchParams | FormData;
    if (source.kind === 'magnet') {
      body = new URLSearchParams({ ...fields, urls: source.uri, stopCondition: 'MetadataReceived' });
    } else {
      // The file list is known at once: added paused, it never starts on its own (`stopped` is 5.x's name).
      body = new FormData();
      for (const [name, value] of Object.entries({ ...fields, paused: 'true', stopped: 'true' })) body.append(name, value);
      body.append('torrents', new Blob([new Uint8Array(source.data)], { type: 'application/x-bittorrent' }), `${infoHash}.torrent`);
    }
    const answer = await this.call('POST', 'torrents/add', body);
    if (answer.status !== 200) throw this.unexpected('torrents/add', answer);
    const info = await this.info(infoHash);
    // `Fails.` means nothing was added; fine if another caller added it meanwhile.
    if (answer.text.trim() === 'Fails.' && !info) throw new Error(`qbittorrent refused to add torrent ${infoHash}`);
    return info;
  }

  private async info(infoHash: string): Promise<TorrentInfo | null> {
    const list = await this.get('torrents/info', { hashes: infoHash }, z.array(TorrentInfo));
    return list?.find((torrent) => torrent.hash.toLowerCase() === infoHash) ?? null;
  }

  /** The file list (empty before metadata), or null when qBittorrent does not have the torrent. */
  private files(infoHash: string): Promise<TorrentFile[] | null> {
    return this.get('torrents/files', { hash: infoHash }, z.array(TorrentFile));
  }

  private async setPriority(infoHash: string, indexes: readonly number[], priority: number): Promise<void> {
    if (indexes.length === 0) return;
    const answer = await this.call('POST', 'torrents/filePrio', new URLSearchParams({ hash: infoHash, id: indexes.join('|'), priority: String(priority) }));
    if (answer.status === 404) throw new Error(`qbittorrent does not have torrent ${infoHash}`);
    if (answer.status !== 200) throw this.unexpected('torrents/filePrio', answer);
  }

  /** Parsed JSON, or null when qBittorrent answers 404 (a torrent it does not have). */
  private async get<T>(endpoint: string, query: Record<string, string>, schema: z.ZodType<T>): Promise<T | null> {
    const answer = await this.call('GET', `${endpoint}?${new URLSearchParams(query)}`);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw this.unexpected(endpoint, answer);
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw new DownloadClientUnavailableError(this.kind, `unexpected answer to ${endpoint}: not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DownloadClientUnavailableError(this.kind, `unexpected answer to ${endpoint}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }

  private async post(endpoint: string, form: Record<string, string>): Promise<void> {
    const answer = await this.call('POST', endpoint, new URLSearchParams(form));
    if (answer.status !== 200) throw this.unexpected(endpoint, answer);
  }

  private async postRenamed(endpoint: string, newName: string, form: Record<string, string>): Promise<void> {
    const answer = await this.call('POST', endpoint, new URLSearchParams(form));
    if (answer.status === 404) return this.post(newName, form);
    if (answer.status !== 200) throw this.unexpected(endpoint, answer);
  }

  /** One API call with the session cookie; a 403 (session expired) logs in again, once. */
  private async call(method: 'GET' | 'POST', endpoint: string, body?: URLSearchParams | FormData): Promise<Answer> {
    const session = this.login();
    const answer = await this.send(method, endpoint, body, await session);
    if (answer.status !== 403) return answer;
    if (this.session === session) this.session = null;
    const again = await this.send(method, endpoint, body, await this.login());
    if (again.status === 403) throw new DownloadClientUnavailableError(this.kind, `${endpoint} is refused even after logging in again`);
    return again;
  }

  private login(): Promise<string> {
    if (!this.session) {
      const session = this.openSession();
      this.session = session;
      session.catch(() => {
        if (this.session === session) this.session = null;
      });
    }
    return this.session;
  }

  private async openSession(): Promise<string> {
    const { username, password } = this.options;
    const response = await this.request('POST', 'auth/login', new URLSearchParams({ username, password }));
    const text = (await response.text()).trim();
    if (response.status === 403) throw new DownloadClientUnavailableError(this.kind, 'the Web UI bans this address after too many failed logins');
    if (response.status !== 200) throw new DownloadClientUnavailableError(this.kind, `auth/login answered ${response.status}`);
    if (text === 'Fails.') throw new DownloadClientUnavailableError(this.kind, 'wrong credentials');
    if (text !== 'Ok.') throw new DownloadClientUnavailableError(this.kind, 'unexpected answer to auth/login');
    // 4.x names its cookie SID, 5.x QBT_SID_<port>: send back whatever it set.
    return response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0].trim())
      .filter(Boolean)
      .join('; ');
  }

  private async send(method: 'GET' | 'POST', endpoint: string, body: URLSearchParams | FormData | undefined, cookie: string, signal?: AbortSignal): Promise<Answer> {
    const response = await this.request(method, endpoint, body, cookie, signal);
    return { status: response.status, text: await response.text() };
  }

  private async request(method: 'GET' | 'POST', endpoint: string, body?: URLSearchParams | FormData, cookie?: string, signal?: AbortSignal): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}/api/v2/${endpoint}`, {
        method,
        body,
        headers: cookie ? { cookie } : {},
        signal: signal ?? AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // The message names the address and the cause only: never the request, which may carry the password.
      // Duck-typed: undici's errors come from another realm than this module's `Error` under Jest.
      const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (name === 'TimeoutError') throw new DownloadClientUnavailableError(this.kind, `no answer from ${this.baseUrl} within ${this.timeoutMs / 1000} s`);
      throw new DownloadClientUnavailableError(this.kind, `cannot reach ${this.baseUrl}: ${cause?.code ?? cause?.message ?? message ?? String(error)}`);
    }
  }

  private unexpected(endpoint: string, answer: Answer): DownloadClientUnavailableError {
    // qBittorrent never echoes the password, but a proxy in front of it might: quote nothing that contains it.
    const said = answer.text.trim().slice(0, 200).split(this.options.password).join('***');
    return new DownloadClientUnavailableError(this.kind, `${endpoint} answered ${answer.status}: ${said}`);
  }
}

function fileIndex(file: TorrentFile, position: number): number {
  return file.index ?? position;
}

/**
 * qBittorrent's state lags up to its refresh interval (1.5 s by default) behind a pause, a resume
 * or the last piece, and a torrent with nothing selected counts as finished (`pausedUP`). The file
 * progress is read live, so it decides `idle` and `complete`; the state decides the rest.
 */
function transferState(qbState: string, chosen: readonly FileProgress[]): TransferState {
  if (METADATA_STATES.has(qbState)) return 'metadata';
  if (CHECKING_STATES.has(qbState)) return 'checking';
  if (!PAUSED_STATES.has(qbState) && !ACTIVE_STATES.has(qbState)) return 'error';
  if (chosen.length === 0) return 'idle';
  if (chosen.every((file) => file.downloadedBytes === file.length)) return 'complete';
  return PAUSED_STATES.has(qbState) ? 'paused' : 'downloading';
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
