import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DownloadClientUnavailableError, MetadataTimeoutError } from '../download-client';
import { QBittorrentClient } from './qbittorrent-client';

const PASSWORD = 'S3cret-pa55word-that-must-not-leak';
const HASH = 'c'.repeat(40);

interface Recorded {
  method: string;
  endpoint: string;
  query: URLSearchParams;
  form: URLSearchParams;
  cookie: string | undefined;
}

type Reply = { status?: number; body: string; headers?: Record<string, string> };
/** `hang`: never answer, as a daemon that is stuck. */
type Route = (request: Recorded) => Reply | 'hang';

/** Just enough of qBittorrent's Web API v2: a login that hands out SIDs, and routes per test. */
class FakeWebApi {
  readonly requests: Recorded[] = [];
  readonly validSessions = new Set<string>();
  routes: Record<string, Route> = {};
  private logins = 0;
  loginReply: Route = (request) => {
    if (request.form.get('password') !== PASSWORD) return { body: 'Fails.' };
    const sid = `sid-${++this.logins}`;
    this.validSessions.add(sid);
    return { body: 'Ok.', headers: { 'set-cookie': `SID=${sid}; HttpOnly; path=/; SameSite=Strict` } };
  };
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  calls(endpoint: string): Recorded[] {
    return this.requests.filter((request) => request.endpoint === endpoint);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: Recorded = {
      method: req.method ?? 'GET',
      endpoint: url.pathname.replace('/api/v2/', ''),
      query: url.searchParams,
      form: new URLSearchParams(Buffer.concat(chunks).toString()),
      cookie: req.headers.cookie,
    };
    this.requests.push(request);
    let reply: Reply | 'hang';
    if (request.endpoint === 'auth/login') reply = this.loginReply(request);
    else if (!this.validSessions.has(request.cookie?.replace(/^SID=/, '') ?? '')) reply = { status: 403, body: 'Forbidden' };
    else reply = this.routes[request.endpoint]?.(request) ?? { status: 404, body: 'Not Found' };
    if (reply !== 'hang') res.writeHead(reply.status ?? 200, reply.headers).end(reply.body);
  }
}

const form = (request: Recorded) => Object.fromEntries(request.form);

const json = (value: unknown): Reply => ({ body: JSON.stringify(value) });

const info = (state: string, extra: Record<string, unknown> = {}) => ({
  hash: HASH,
  name: 'Movie.2020',
  state,
  dlspeed: 1000,
  upspeed: 10,
  eta: 60,
  uploaded: 5,
  num_seeds: 2,
  num_leechs: 1,
  ...extra,
});

const file = (index: number, name: string, size: number, progress: number, priority: number) => ({ index, name, size, progress, priority, is_seed: false, piece_range: [0, 1], availability: 1 });

describe('QBittorrentClient (against a fake Web API)', () => {
  let api: FakeWebApi;
  let client: QBittorrentClient;
  let url: string;

  beforeEach(async () => {
    api = new FakeWebApi();
    url = await api.start();
    client = new QBittorrentClient({ url, username: 'admin', password: PASSWORD, timeoutMs: 2_000 });
  });

  afterEach(() => api.stop());

  describe('sessions', () => {
    it('logs in on the first call only, and sends the session cookie with every call', async () => {
      api.routes['app/version'] = () => ({ body: 'v4.5.2' });

      await client.ping();
      await client.ping();

      expect(api.calls('auth/login')).toHaveLength(1);
      expect(api.calls('auth/login')[0].form.get('username')).toBe('admin');
      expect(api.calls('app/version').map((request) => request.cookie)).toEqual(['SID=sid-1', 'SID=sid-1']);
    });

    it('logs in again once when the session has expired (403), and repeats the call', async () => {
      api.routes['app/version'] = () => ({ body: 'v4.5.2' });
      await client.ping();
      api.validSessions.clear();

      await client.ping();

      expect(api.calls('auth/login')).toHaveLength(2);
      expect(api.calls('app/version').map((request) => request.cookie)).toEqual(['SID=sid-1', 'SID=sid-1', 'SID=sid-2']);
    });

    it('gives up after one new login when the call is still refused', async () => {
      api.routes['app/version'] = () => ({ status: 403, body: 'Forbidden' });

      await expect(client.ping()).rejects.toThrow(new DownloadClientUnavailableError('qbittorrent', 'app/version is refused even after logging in again'));
      expect(api.calls('auth/login')).toHaveLength(2);
      expect(api.calls('app/version')).toHaveLength(2);
    });

    it('shares one login between concurrent calls', async () => {
      api.routes['app/version'] = () => ({ body: 'v4.5.2' });

      await Promise.all([client.ping(), client.ping(), client.ping()]);

      expect(api.calls('auth/login')).toHaveLength(1);
    });

    it('reports wrong credentials (`Fails.`) as unavailable, and tries again on the next call', async () => {
      const stranger = new QBittorrentClient({ url, username: 'admin', password: 'wrong' });

      await expect(stranger.ping()).rejects.toThrow(new DownloadClientUnavailableError('qbittorrent', 'wrong credentials'));
      await expect(stranger.ping()).rejects.toBeInstanceOf(DownloadClientUnavailableError);
      expect(api.calls('auth/login')).toHaveLength(2);
    });

    it('reports a ban after too many failed logins as unavailable', async () => {
      api.loginReply = () => ({ status: 403, body: 'Your IP address has been banned after too many failed authentication attempts.' });

      await expect(client.ping()).rejects.toThrow(new DownloadClientUnavailableError('qbittorrent', 'the Web UI bans this address after too many failed logins'));
    });

    it('logs out on close', async () => {
      api.routes['app/version'] = () => ({ body: 'v4.5.2' });
      api.routes['auth/logout'] = () => ({ body: '' });
      await client.ping();

      await client.close();

      expect(api.calls('auth/logout').map((request) => request.cookie)).toEqual(['SID=sid-1']);
    });

    it('closes without failing when the daemon is already gone', async () => {
      api.routes['app/version'] = () => ({ body: 'v4.5.2' });
      await client.ping();
      await api.stop();

      await expect(client.close()).resolves.toBeUndefined();
    });
  });

  describe('never leaks the password', () => {
    const failures: Record<string, (fake: FakeWebApi) => void> = {
      'wrong credentials': (fake) => (fake.loginReply = () => ({ body: 'Fails.' })),
      'a login answering 500 with the request echoed': (fake) => (fake.loginReply = (request) => ({ status: 500, body: request.form.toString() })),
      'an API answer quoting the password': (fake) => (fake.routes['torrents/info'] = () => ({ status: 400, body: `bad request: password=${PASSWORD}` })),
      'a login that never answers': (fake) => (fake.loginReply = () => 'hang'),
    };

    it.each(Object.keys(failures))('in the error for %s', async (name) => {
      failures[name](api);
      const impatient = new QBittorrentClient({ url, username: 'admin', password: PASSWORD, timeoutMs: 200 });
      const error = (await impatient.status(HASH).catch((e: unknown) => e)) as Error;

      expect(error).toBeInstanceOf(DownloadClientUnavailableError);
      expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(PASSWORD);
    });

    it('in the error for an unreachable daemon', async () => {
      await api.stop();
      const error = (await client.ping().catch((e: unknown) => e)) as Error;

      expect(error.message).toMatch(/^qbittorrent is unavailable: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
      expect(`${error.stack}\n${JSON.stringify(error)}`).not.toContain(PASSWORD);
    });

    it('by refusing a URL that carries credentials, without repeating them', () => {
      expect(() => new QBittorrentClient({ url: `http://admin:${PASSWORD}@127.0.0.1:8080`, username: 'admin', password: PASSWORD })).toThrow(
        'give the qBittorrent credentials as username and password, not in the URL',
      );
    });
  });

  describe('answers it does not understand', () => {
    it('rejects malformed JSON as an unexpected answer', async () => {
      api.routes['torrents/info'] = () => ({ body: '[{"hash": "cccc' });

      await expect(client.status(HASH)).rejects.toThrow(new DownloadClientUnavailableError('qbittorrent', 'unexpected answer to torrents/info: not JSON'));
    });

    it('rejects JSON of the wrong shape, naming the field', async () => {
      api.routes['torrents/info'] = () => json([{ ...info('downloading'), num_seeds: 'two' }]);

      await expect(client.status(HASH)).rejects.toThrow(/^qbittorrent is unavailable: unexpected answer to torrents\/info: .*num_seeds/s);
    });

    it('reports an error status with what qBittorrent said', async () => {
      api.routes['torrents/pause'] = () => ({ status: 500, body: 'Internal Server Error' });

      await expect(client.pause(HASH)).rejects.toThrow(new DownloadClientUnavailableError('qbittorrent', 'torrents/pause answered 500: Internal Server Error'));
    });
  });

  describe('status', () => {
    const withFiles = (state: string, files: unknown[], extra?: Record<string, unknown>) => {
      api.routes['torrents/info'] = () => json([info(state, extra)]);
      api.routes['torrents/files'] = () => json(files);
    };

    it('counts the verified bytes of the selected files only, rounding down', async () => {
      withFiles('downloading', [file(0, 'Show/E01.mkv', 1000, 0.5, 0), file(1, 'Show/E02.mkv', 999, 1 / 3, 1), file(2, 'Show/E02.srt', 10, 1, 1)]);

      expect(await client.status(HASH.toUpperCase())).toEqual({
        infoHash: HASH,
        state: 'downloading',
        downloadedBytes: 333 + 10,
        totalBytes: 1009,
        uploadedBytes: 5,
        downloadSpeed: 1000,
        uploadSpeed: 10,
        peers: 3,
        etaSeconds: 60,
        files: [
          { index: 0, path: 'Show/E01.mkv', length: 1000, downloadedBytes: 500, selected: false },
          { index: 1, path: 'Show/E02.mkv', length: 999, downloadedBytes: 333, selected: true },
          { index: 2, path: 'Show/E02.srt', length: 10, downloadedBytes: 10, selected: true },
        ],
        error: null,
      });
      expect(api.calls('torrents/info')[0].query.get('hashes')).toBe(HASH);
    });

    it.each([
      ['metaDL', 'no file list', 'metadata', []],
      ['pausedUP', 'unselected empty', 'idle', [file(0, 'a', 10, 0, 0)]],
      ['pausedDL', 'unselected empty', 'idle', [file(0, 'a', 10, 0, 0)]],
      ['pausedDL', 'selected partial', 'paused', [file(0, 'a', 10, 0.5, 1)]],
      ['stoppedDL', 'selected partial', 'paused', [file(0, 'a', 10, 0.5, 1)]],
      ['checkingResumeData', 'selected empty', 'checking', [file(0, 'a', 10, 0, 1)]],
      ['checkingDL', 'selected empty', 'checking', [file(0, 'a', 10, 0, 1)]],
      ['stalledDL', 'selected partial', 'downloading', [file(0, 'a', 10, 0.5, 1)]],
      ['queuedDL', 'selected partial', 'downloading', [file(0, 'a', 10, 0.5, 1)]],
      ['forcedDL', 'selected partial', 'downloading', [file(0, 'a', 10, 0.5, 1)]],
      ['uploading', 'selected whole + unselected empty', 'complete', [file(0, 'a', 10, 1, 1), file(1, 'b', 10, 0, 0)]],
      ['pausedUP', 'selected whole', 'complete', [file(0, 'a', 10, 1, 1)]],
      ['stalledUP', 'selected whole', 'complete', [file(0, 'a', 10, 1, 1)]],
      // The state lags the live file progress by up to the refresh interval, in both directions.
      ['stalledDL', 'selected whole', 'complete', [file(0, 'a', 10, 1, 1)]],
      ['pausedUP', 'selected partial', 'paused', [file(0, 'a', 10, 0.5, 1)]],
      ['error', 'selected partial', 'error', [file(0, 'a', 10, 0.5, 1)]],
      ['missingFiles', 'selected whole', 'error', [file(0, 'a', 10, 1, 1)]],
      ['unknown', 'selected empty', 'error', [file(0, 'a', 10, 0, 1)]],
    ])('maps %s with %s files to %s', async (state, _label, expected, files) => {
      withFiles(state, files);

      const status = await client.status(HASH);

      expect(status?.state).toBe(expected);
      expect(status?.error).toBe(expected === 'error' ? `qBittorrent reports the torrent as ${state}` : null);
    });

    it("reads qBittorrent's infinite eta (8640000) as unknown", async () => {
      withFiles('stalledDL', [file(0, 'a', 10, 0, 1)], { eta: 8_640_000 });

      expect((await client.status(HASH))?.etaSeconds).toBeNull();
    });

    it('answers null for a torrent qBittorrent does not have', async () => {
      api.routes['torrents/info'] = () => json([]);

      expect(await client.status(HASH)).toBeNull();
    });
  });

  describe('commands', () => {
    it('selects the chosen files, deselects the others first, then resumes', async () => {
      api.routes['torrents/files'] = () => json([file(0, 'a', 10, 0, 0), file(1, 'b', 10, 0, 0), file(2, 'c', 10, 0, 0)]);
      api.routes['torrents/filePrio'] = () => ({ body: '' });
      api.routes['torrents/resume'] = () => ({ body: '' });

      await client.start(HASH, [0, 2]);

      expect(api.requests.filter((r) => r.method === 'POST' && r.endpoint !== 'auth/login').map((r) => [r.endpoint, form(r)])).toEqual([
        ['torrents/filePrio', { hash: HASH, id: '1', priority: '0' }],
        ['torrents/filePrio', { hash: HASH, id: '0|2', priority: '1' }],
        ['torrents/resume', { hashes: HASH }],
      ]);
    });

    it('refuses to start a file the torrent does not have', async () => {
      api.routes['torrents/files'] = () => json([file(0, 'a', 10, 0, 0)]);

      await expect(client.start(HASH, [0, 3])).rejects.toThrow(`torrent ${HASH} has no file 3`);
      expect(api.calls('torrents/filePrio')).toEqual([]);
    });

    it("falls back to qBittorrent 5's stop/start when pause/resume are unknown", async () => {
      api.routes['torrents/stop'] = () => ({ body: '' });
      api.routes['torrents/start'] = () => ({ body: '' });

      await client.pause(HASH);
      await client.resume(HASH);

      expect(api.calls('torrents/stop').map(form)).toEqual([{ hashes: HASH }]);
      expect(api.calls('torrents/start').map(form)).toEqual([{ hashes: HASH }]);
    });

    it('removes with or without the data', async () => {
      api.routes['torrents/delete'] = () => ({ body: '' });

      await client.remove(HASH, { deleteData: true });
      await client.remove(HASH, { deleteData: false });

      expect(api.calls('torrents/delete').map(form)).toEqual([
        { hashes: HASH, deleteFiles: 'true' },
        { hashes: HASH, deleteFiles: 'false' },
      ]);
    });
  });

  describe('inspect', () => {
    const magnet = { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}`, infoHash: HASH } as const;

    it('adds a magnet that stops at its metadata, gives the peers, and deselects every file', async () => {
      let added = false;
      let polls = 0;
      api.routes['torrents/add'] = () => ((added = true), { body: 'Ok.' });
      api.routes['torrents/info'] = () => json(added ? [info(++polls < 3 ? 'metaDL' : 'pausedDL', { name: 'Show' })] : []);
      api.routes['torrents/files'] = () => json(polls < 3 ? [] : [file(0, 'Show/E01.mkv', 100, 0, 1), file(1, 'Show/E02.mkv', 50, 0, 1)]);
      api.routes['torrents/addPeers'] = () => json({ [HASH]: { added: 1, failed: 0 } });
      api.routes['torrents/filePrio'] = () => ({ body: '' });
      api.routes['torrents/pause'] = () => ({ body: '' });
      api.routes['torrents/properties'] = () => json({ piece_size: 16_384 });

      const metadata = await client.inspect(magnet, { saveDir: '/data/show', timeoutMs: 5_000, peers: ['127.0.0.1:6881', '127.0.0.1:6882'] });

      expect(metadata).toEqual({
        infoHash: HASH,
        name: 'Show',
        totalBytes: 150,
        pieceLength: 16_384,
        files: [
          { index: 0, path: 'Show/E01.mkv', length: 100 },
          { index: 1, path: 'Show/E02.mkv', length: 50 },
        ],
      });
      expect(form(api.calls('torrents/add')[0])).toEqual({ urls: magnet.uri, savepath: '/data/show', stopCondition: 'MetadataReceived', autoTMM: 'false', contentLayout: 'Original' });
      expect(api.calls('torrents/addPeers').map(form)).toEqual([{ hashes: HASH, peers: '127.0.0.1:6881|127.0.0.1:6882' }]);
      expect(api.calls('torrents/filePrio').map(form)).toEqual([{ hash: HASH, id: '0|1', priority: '0' }]);
      expect(api.calls('torrents/pause')).toHaveLength(1);
    });

    it('returns the metadata of a torrent qBittorrent already has, leaving its selection alone', async () => {
      api.routes['torrents/info'] = () => json([info('downloading', { name: 'Show' })]);
      api.routes['torrents/files'] = () => json([file(0, 'Show/E01.mkv', 100, 0.5, 1)]);
      api.routes['torrents/properties'] = () => json({ piece_size: 16_384 });

      const metadata = await client.inspect(magnet, { saveDir: '/data/show', timeoutMs: 5_000 });

      expect(metadata.files).toEqual([{ index: 0, path: 'Show/E01.mkv', length: 100 }]);
      expect(api.calls('torrents/add')).toEqual([]);
      expect(api.calls('torrents/filePrio')).toEqual([]);
      expect(api.calls('torrents/pause')).toEqual([]);
    });

    it('removes the torrent, keeping any files, when the metadata does not come in time', async () => {
      let present = false;
      api.routes['torrents/add'] = () => ((present = true), { body: 'Ok.' });
      api.routes['torrents/info'] = () => json(present ? [info('metaDL')] : []);
      api.routes['torrents/delete'] = () => ((present = false), { body: '' });

      await expect(client.inspect(magnet, { saveDir: '/data/dead', timeoutMs: 300 })).rejects.toEqual(new MetadataTimeoutError(HASH, 300));
      expect(api.calls('torrents/delete').map(form)).toEqual([{ hashes: HASH, deleteFiles: 'false' }]);
    });

    it('says so when qBittorrent refuses the torrent', async () => {
      api.routes['torrents/add'] = () => ({ body: 'Fails.' });
      api.routes['torrents/info'] = () => json([]);

      await expect(client.inspect(magnet, { saveDir: '/data/x', timeoutMs: 5_000 })).rejects.toThrow(`qbittorrent refused to add torrent ${HASH}`);
    });
  });
});
