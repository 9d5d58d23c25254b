/**
 * The few calls the demo makes to the gateway, over plain `fetch` and `ws`: what any client of
 * the public API would write. A refusal becomes an `ApiError` carrying the problem's `detail`.
 */
import WebSocket from 'ws';

/** RFC 9457 problem details, as the gateway answers every 4xx and 5xx. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ pointer: string; detail: string }>;
}

export class ApiError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(`${what}: ${describeProblem(status, problem)}`);
    this.name = 'ApiError';
  }

  /** The problem type's last segment, e.g. `registration-closed`. */
  get code(): string | undefined {
    return this.problem?.type?.split('/').pop();
  }
}

function describeProblem(status: number, problem: Problem | null): string {
  const detail = problem?.detail ?? problem?.title ?? 'no details';
  const fields = problem?.errors?.map((e) => `${e.pointer} ${e.detail}`).join('; ');
  return `${status} ${detail}${fields ? ` (${fields})` : ''}`;
}

export interface Account {
  username: string;
  role: 'admin' | 'user';
  accessToken: string;
}

export interface Indexer {
  id: string;
  name: string;
  url: string;
  capabilities: {
    searching: Record<string, { available: boolean; supportedParams: string[] }>;
    categories: Array<{ id: number; name: string }>;
  } | null;
}

export interface Search {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  releaseCount: number;
  error: string | null;
  metadataStatus: 'identified' | 'not-found' | 'unavailable' | 'not-configured' | null;
  media: { title: string; year: number | null } | null;
  indexers: Array<{ name: string; outcome: 'ok' | 'failed' | 'skipped'; releases: number; durationMs: number; detail?: string }> | null;
}

export interface Reason {
  code: string;
  detail: string;
  points?: number;
}

export interface Release {
  id: string;
  title: string;
  infoHash: string | null;
  sizeBytes: number;
  seeders: number | null;
  quality: string;
  score: number;
  accepted: boolean;
  reasons: Reason[];
  rejections: Reason[];
}

export type DownloadStatus = 'queued' | 'downloading' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface LibraryFile {
  id: string;
  path: string;
  sizeBytes: number;
  sha256: string | null;
  importMethod: 'hardlink' | 'copy';
  streamUrl: string;
}

export interface Download {
  id: string;
  title: string;
  status: DownloadStatus;
  progress: number;
  downloadedBytes: number;
  totalBytes: number | null;
  downloadSpeed: number;
  peers: number;
  etaSeconds: number | null;
  failureCode: string | null;
  error: string | null;
  libraryFiles: LibraryFile[];
}

/** `download.progress` on the WebSocket. */
export interface ProgressEvent {
  downloadId: string;
  downloadedBytes: number;
  totalBytes: number;
  progress: number;
  downloadSpeed: number;
  peers: number;
  etaSeconds: number | null;
}

/** `download.updated` on the WebSocket. */
export interface UpdatedEvent {
  downloadId: string;
  status: DownloadStatus;
  failureCode: string | null;
  reason: string | null;
}

const REQUEST_TIMEOUT_MS = 15_000;

export class SokoulApi {
  readonly base: string;

  constructor(readonly gateway: string) {
    this.base = `${gateway}/api/v1`;
  }

  /** `null` when ready; otherwise why not (unreachable, or the checks that failed). */
  async notReady(): Promise<string | null> {
    let response: Response;
    try {
      response = await fetch(`${this.gateway}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      return `nothing answers at ${this.gateway} (${cause})`;
    }
    if (response.ok) return null;
    const body = (await response.json().catch(() => null)) as { error?: Record<string, { status: string; message?: string }> } | null;
    const down = Object.entries(body?.error ?? {}).map(([name, check]) => `${name}${check.message ? `: ${check.message}` : ''}`);
    return `${this.gateway}/health/ready answers ${response.status}${down.length ? ` (${down.join('; ')})` : ''}`;
  }

  async register(username: string, email: string, password: string): Promise<{ role: 'admin' | 'user' }> {
    return this.call('POST', '/auth/register', `registering ${username}`, { body: { username, email, password } });
  }

  async login(username: string, password: string): Promise<Account> {
    const tokens = await this.call<{ accessToken: string }>('POST', '/auth/login', `logging in as ${username}`, { body: { login: username, password } });
    const me = await this.call<{ role: 'admin' | 'user' }>('GET', '/users/me', 'reading the account', { token: tokens.accessToken });
    return { username, role: me.role, accessToken: tokens.accessToken };
  }

  listIndexers(admin: Account): Promise<Indexer[]> {
    return this.call('GET', '/indexers', 'listing indexers', { token: admin.accessToken });
  }

  addIndexer(admin: Account, input: { name: string; url: string; apiKey: string }): Promise<Indexer> {
    return this.call('POST', '/indexers', 'registering the sample indexer', { token: admin.accessToken, body: input });
  }

  testIndexer(admin: Account, id: string): Promise<Indexer> {
    return this.call('POST', `/indexers/${id}/test`, 'testing the sample indexer', { token: admin.accessToken });
  }

  async removeIndexer(admin: Account, id: string): Promise<void> {
    await this.call('DELETE', `/indexers/${id}`, 'removing the sample indexer', { token: admin.accessToken });
  }

  startSearch(user: Account, query: string): Promise<Search> {
    return this.call('POST', '/searches', 'starting the search', { token: user.accessToken, body: { query } });
  }

  getSearch(user: Account, id: string): Promise<Search> {
    return this.call('GET', `/searches/${id}`, 'reading the search', { token: user.accessToken });
  }

  async releases(user: Account, searchId: string): Promise<Release[]> {
    return (await this.call<{ items: Release[] }>('GET', `/searches/${searchId}/releases?limit=20`, 'reading the releases', { token: user.accessToken })).items;
  }

  requestDownload(user: Account, releaseId: string): Promise<Download> {
    return this.call('POST', '/downloads', 'requesting the download', { token: user.accessToken, body: { releaseId } });
  }

  getDownload(user: Account, id: string): Promise<Download> {
    return this.call('GET', `/downloads/${id}`, 'reading the download', { token: user.accessToken });
  }

  async cancelDownload(user: Account, id: string): Promise<void> {
    await this.call('POST', `/downloads/${id}/cancel`, 'cancelling the download', { token: user.accessToken, body: { deleteData: true } });
  }

  /** The raw response: the caller looks at the status and headers and reads the bytes. */
  async stream(user: Account, streamUrl: string, range: string): Promise<Response> {
    const response = await fetch(new URL(streamUrl, this.gateway), {
      headers: { authorization: `Bearer ${user.accessToken}`, range },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw new ApiError('streaming the file', response.status, await problemOf(response));
    return response;
  }

  /** An authenticated `/ws` connection; `onEvent` gets every event frame (`{type, data}`). */
  async openEvents(user: Account, onEvent: (type: string, data: unknown) => void): Promise<WebSocket> {
    const url = new URL('/ws', this.gateway);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the WebSocket at ${url.href} did not authenticate within 10 s`)), 10_000);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: user.accessToken })));
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket ${url.href}: ${error.message}`));
      });
      socket.once('close', (code, reason) => {
        clearTimeout(timer);
        reject(new Error(`the WebSocket closed before authenticating (${code} ${String(reason)})`));
      });
      socket.on('message', (raw) => {
        let frame: { type?: string; data?: unknown };
        try {
          frame = JSON.parse(String(raw)) as { type?: string; data?: unknown };
        } catch {
          return;
        }
        if (frame.type === 'authenticated') {
          clearTimeout(timer);
          socket.removeAllListeners('close');
          resolve();
        } else if (frame.type && frame.type !== 'welcome') {
          onEvent(frame.type, frame.data);
        }
      });
    });
    socket.on('error', () => undefined);
    return socket;
  }

  private async call<T>(method: string, path: string, what: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ApiError(what, 0, { detail: `the gateway at ${this.gateway} did not answer (${cause})` });
    }
    if (!response.ok) throw new ApiError(what, response.status, await problemOf(response));
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

async function problemOf(response: Response): Promise<Problem | null> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text) as Problem;
  } catch {
    return text ? { detail: text.slice(0, 300) } : null;
  }
}
