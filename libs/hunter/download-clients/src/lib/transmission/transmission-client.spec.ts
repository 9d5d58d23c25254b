import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DownloadClientUnavailableError, MetadataTimeoutError } from '../download-client';
import { TransmissionClient } from './transmission-client';

interface RpcRequest {
  method: string;
  arguments: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as is when a string, as JSON otherwise. */
  body?: unknown;
}

/** Speaks just enough of Transmission's RPC, including its session-id handshake. */
class FakeTransmission {
  readonly requests: RpcRequest[] = [];
  sessionId = 'session-1';
  credentials: { username: string; password: string } | null = null;
  /** A broken daemon: every answer is a 409 with a new session id. */
  rotateAlways = false;
  private server!: Server;

  constructor(private readonly answer: (request: RpcRequest) => Reply | 'hang') {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        if (this.credentials) {
          const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
          if (req.headers.authorization !== expected) {
            res.writeHead(401).end('<h1>401: Unauthorized</h1>');
            return;
          }
        }
        if (this.rotateAlways) this.sessionId += '+';
        if (req.headers['x-transmission-session-id'] !== this.sessionId) {
          res.writeHead(409, { 'X-Transmission-Session-Id': this.sessionId }).end('<h1>409: Conflict</h1>');
          return;
        }
        const parsed = JSON.parse(raw) as { method: string; arguments?: Record<string, unknown> };
        const request = { method: parsed.method, arguments: parsed.arguments ?? {}, headers: req.headers };
        this.requests.push(request);
        const reply = this.answer(request);
        if (reply === 'hang') return;
        const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? { result: 'success', arguments: {} });
        res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...reply.headers }).end(body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/transmission/rpc`;
  }

  methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const HASH = 'aa'.repeat(20);
const success = (args: Record<string, unknown> = {}) => ({ body: { result: 'success', arguments: args } });

function torrent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hashString: HASH,
    name: 'Show.S01',
    status: 4,
    error: 0,
    errorString: '',
    metadataPercentComplete: 1,
    totalSize: 300,
    pieceSize: 16384,
    files: [
      { name: 'Show.S01/e1.mkv', length: 100, bytesCompleted: 100 },
      { name: 'Show.S01/e2.mkv', length: 150, bytesCompleted: 40 },
      { name: 'Show.S01/e2.nfo', length: 50, bytesCompleted: 0 },
    ],
    fileStats: [
      { bytesCompleted: 100, wanted: true, priority: 0 },
      { bytesCompleted: 40, wanted: true, priority: 0 },
      { bytesCompleted: 0, wanted: false, priority: 0 },
    ],
    sizeWhenDone: 250,
    haveValid: 140,
    uploadedEver: 7,
    rateDownload: 1000,
    rateUpload: 10,
    peersConnected: 3,
    eta: 42,
    ...overrides,
  };
}

describe('TransmissionClient against a fake RPC', () => {
  const servers: FakeTransmission[] = [];
  async function serve(answer: (request: RpcRequest) => Reply | 'hang'): Promise<{ fake: FakeTransmission; url: string }> {
    const fake = new FakeTransmission(answer);
    servers.push(fake);
    return { fake, url: await fake.start() };
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  describe('the session-id handshake', () => {
    it('resends the first call with the session id the 409 carried', async () => {
      const { fake, url } = await serve(() => success({ version: '3.00', 'rpc-version': 16 }));
      await new TransmissionClient({ url }).ping();

      expect(fake.methods()).toEqual(['session-get']);
      expect(fake.requests[0]?.headers['x-transmission-session-id']).toBe('session-1');
    });

    it('picks up a session id that changes between calls (daemon restarted)', async () => {
      const { fake, url } = await serve(() => success({ version: '3.00', 'rpc-version': 16 }));
      const client = new TransmissionClient({ url });
      await client.ping();
      fake.sessionId = 'session-2';
      await client.ping();

      expect(fake.requests.map((r) => r.headers['x-transmission-session-id'])).toEqual(['session-1', 'session-2']);
    });

    it('gives up when every answer asks for yet another session id', async () => {
      const { fake, url } = await serve(() => success({ version: '3.00', 'rpc-version': 16 }));
      fake.rotateAlways = true;

      await expect(new TransmissionClient({ url }).ping()).rejects.toThrow(/kept asking for a new session id/);
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('authentication', () => {
    it('reports the daemon unavailable on 401 when no credentials are configured', async () => {
      const { fake, url } = await serve(() => success({ version: '3.00', 'rpc-version': 16 }));
      fake.credentials = { username: 'sokoul', password: 's3cret' };

      const ping = new TransmissionClient({ url }).ping();
      await expect(ping).rejects.toThrow(DownloadClientUnavailableError);
      await expect(ping).rejects.toThrow(/401/);
    });

    it('sends Basic credentials when configured', async () => {
      const { fake, url } = await serve(() => success({ version: '3.00', 'rpc-version': 16 }));
      fake.credentials = { username: 'sokoul', password: 's3cret' };

      await new TransmissionClient({ url, username: 'sokoul', password: 's3cret' }).ping();
      expect(fake.methods()).toEqual(['session-get']);
    });
  });

  describe('broken answers', () => {
    it('fails clearly on an answer that is not JSON', async () => {
      const { url } = await serve(() => ({ body: '{"result": "succ' }));
      await expect(new TransmissionClient({ url }).status(HASH)).rejects.toThrow(/torrent-get .*not JSON/);
    });

    it('fails clearly on JSON of the wrong shape instead of crashing later', async () => {
      const { url } = await serve(() => success({ torrents: [{ hashString: HASH, status: 'downloading' }] }));
      await expect(new TransmissionClient({ url }).status(HASH)).rejects.toThrow(/torrent-get with unexpected arguments/);
    });

    it('passes on the result text when the daemon refuses a call', async () => {
      const { url } = await serve(() => ({ body: { result: 'invalid or corrupt torrent file', arguments: {} } }));
      const client = new TransmissionClient({ url });
      await expect(client.inspect({ kind: 'magnet', uri: 'magnet:?xt=urn:btih:zz', infoHash: HASH }, { saveDir: '/tmp', timeoutMs: 1_000 })).rejects.toThrow(
        'transmission refused torrent-add: invalid or corrupt torrent file',
      );
    });

    it('reports a daemon that does not answer in time as unavailable', async () => {
      const { url } = await serve(() => 'hang');
      const ping = new TransmissionClient({ url, timeoutMs: 200 }).ping();
      await expect(ping).rejects.toThrow(DownloadClientUnavailableError);
      await expect(ping).rejects.toThrow(/no answer to session-get within 200 ms/);
    });

    it('reports a daemon that is not listening as unavailable', async () => {
      const { fake, url } = await serve(() => success());
      await fake.stop();
      servers.pop();
      await expect(new TransmissionClient({ url }).ping()).rejects.toThrow(DownloadClientUnavailableError);
    });

    it('reports the host-whitelist refusal (421) as unavailable with the fix', async () => {
      const { url } = await serve(() => ({ status: 421, body: 'Misdirected Request' }));
      await expect(new TransmissionClient({ url }).ping()).rejects.toThrow(/rpc-host-whitelist/);
    });
  });

  describe('inspect', () => {
    it('removes the torrent and throws MetadataTimeoutError when the metadata never arrives', async () => {
      const { fake, url } = await serve(({ method }) => {
        if (method === 'torrent-add') return success({ 'torrent-added': { hashString: HASH.toUpperCase(), id: 1, name: HASH } });
        if (method === 'torrent-get' && fake.methods().includes('torrent-remove')) return success({ torrents: [] });
        if (method === 'torrent-get') return success({ torrents: [torrent({ metadataPercentComplete: 0, files: [], fileStats: [], totalSize: 0, pieceSize: 0 })] });
        return success();
      });
      const inspect = new TransmissionClient({ url }).inspect({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}`, infoHash: HASH }, { saveDir: '/tmp/x', timeoutMs: 500 });

      await expect(inspect).rejects.toThrow(MetadataTimeoutError);
      const remove = fake.requests.find((r) => r.method === 'torrent-remove');
      expect(remove?.arguments).toEqual({ ids: [HASH], 'delete-local-data': true });
      expect(fake.methods()).toContain('torrent-start-now');
      expect(fake.methods()).not.toContain('torrent-set');
    });

    it('deselects every file of a new torrent as soon as its metadata is known', async () => {
      const { fake, url } = await serve(({ method }) => {
        if (method === 'torrent-add') return success({ 'torrent-added': { hashString: HASH, id: 1, name: 'Show.S01' } });
        if (method === 'torrent-get') return success({ torrents: [torrent()] });
        return success();
      });
      const metadata = await new TransmissionClient({ url }).inspect({ kind: 'torrent-file', data: Buffer.from('d4:infode'), infoHash: HASH }, { saveDir: '/srv/dl', timeoutMs: 1_000 });

      expect(fake.requests[0]?.arguments).toEqual({ metainfo: Buffer.from('d4:infode').toString('base64'), 'download-dir': '/srv/dl', paused: true });
      expect(fake.requests.find((r) => r.method === 'torrent-set')?.arguments).toEqual({ ids: [HASH], 'files-unwanted': [] });
      expect(metadata).toEqual({
        infoHash: HASH,
        name: 'Show.S01',
        totalBytes: 300,
        pieceLength: 16384,
        files: [
          { index: 0, path: 'Show.S01/e1.mkv', length: 100 },
          { index: 1, path: 'Show.S01/e2.mkv', length: 150 },
          { index: 2, path: 'Show.S01/e2.nfo', length: 50 },
        ],
      });
    });

    it('leaves the selection of a torrent the daemon already has alone', async () => {
      const { fake, url } = await serve(({ method }) => {
        if (method === 'torrent-add') return success({ 'torrent-duplicate': { hashString: HASH, id: 1, name: 'Show.S01' } });
        if (method === 'torrent-get') return success({ torrents: [torrent()] });
        return success();
      });
      const metadata = await new TransmissionClient({ url }).inspect({ kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}`, infoHash: HASH }, { saveDir: '/srv/dl', timeoutMs: 1_000 });

      expect(metadata.files).toHaveLength(3);
      expect(fake.methods()).toEqual(['torrent-add', 'torrent-get']);
    });
  });

  describe('start', () => {
    it('never sends an empty file list, which Transmission reads as "every file"', async () => {
      const { fake, url } = await serve(({ method }) => (method === 'torrent-get' ? success({ torrents: [torrent()] }) : success()));
      const client = new TransmissionClient({ url });
      await client.start(HASH, [0, 1, 2]);
      await client.start(HASH, []);
      await client.start(HASH, [1]);

      const sets = fake.requests.filter((r) => r.method === 'torrent-set').map((r) => r.arguments);
      expect(sets).toEqual([
        { ids: [HASH], 'files-wanted': [0, 1, 2] },
        { ids: [HASH], 'files-unwanted': [0, 1, 2] },
        { ids: [HASH], 'files-wanted': [1], 'files-unwanted': [0, 2] },
      ]);
      expect(fake.methods().filter((m) => m === 'torrent-start')).toHaveLength(3);
    });

    it('rejects a file index the torrent does not have, before changing anything', async () => {
      const { fake, url } = await serve(({ method }) => (method === 'torrent-get' ? success({ torrents: [torrent()] }) : success()));
      await expect(new TransmissionClient({ url }).start(HASH, [3])).rejects.toThrow(RangeError);
      expect(fake.methods()).toEqual(['torrent-get']);
    });
  });

  describe('status', () => {
    async function statusOf(overrides: Record<string, unknown>) {
      const { url } = await serve(() => success({ torrents: [torrent(overrides)] }));
      return new TransmissionClient({ url }).status(HASH);
    }

    it('counts only the selected files and maps the numbers', async () => {
      expect(await statusOf({})).toEqual({
        infoHash: HASH,
        state: 'downloading',
        downloadedBytes: 140,
        totalBytes: 250,
        uploadedBytes: 7,
        downloadSpeed: 1000,
        uploadSpeed: 10,
        peers: 3,
        etaSeconds: 42,
        files: [
          { index: 0, path: 'Show.S01/e1.mkv', length: 100, downloadedBytes: 100, selected: true },
          { index: 1, path: 'Show.S01/e2.mkv', length: 150, downloadedBytes: 40, selected: true },
          { index: 2, path: 'Show.S01/e2.nfo', length: 50, downloadedBytes: 0, selected: false },
        ],
        error: null,
      });
    });

    it.each([
      ['metadata', { metadataPercentComplete: 0.5, files: [], fileStats: [] }],
      ['checking', { status: 1 }],
      ['checking', { status: 2 }],
      ['paused', { status: 0 }],
      ['downloading', { status: 3 }],
      ['idle', { status: 6, fileStats: [0, 1, 2].map(() => ({ bytesCompleted: 0, wanted: false })) }],
      ['idle', { status: 0, fileStats: [0, 1, 2].map(() => ({ bytesCompleted: 0, wanted: false })) }],
      ['complete', { status: 6, fileStats: [{ bytesCompleted: 100, wanted: true }, { bytesCompleted: 150, wanted: true }, { bytesCompleted: 0, wanted: false }] }],
      ['complete', { status: 0, fileStats: [{ bytesCompleted: 100, wanted: true }, { bytesCompleted: 0, wanted: false }, { bytesCompleted: 0, wanted: false }] }],
      ['error', { error: 3, errorString: 'No data found! Ensure your drives are connected' }],
      ['downloading', { error: 2, errorString: 'Tracker gave HTTP response code 404' }],
    ])('is %s for %j', async (state, overrides) => {
      expect((await statusOf(overrides))?.state).toBe(state);
    });

    it('passes on the daemon\'s error text, tracker trouble included', async () => {
      expect((await statusOf({ error: 3, errorString: 'Permission denied' }))?.error).toBe('Permission denied');
      expect((await statusOf({ error: 1, errorString: 'Tracker warning' }))?.error).toBe('Tracker warning');
    });

    it.each([-1, -2])('has no eta when Transmission says %d', async (eta) => {
      expect((await statusOf({ eta }))?.etaSeconds).toBeNull();
    });

    it('covers the whole torrent until a selection is made', async () => {
      const status = await statusOf({ sizeWhenDone: 0, fileStats: [0, 1, 2].map(() => ({ bytesCompleted: 0, wanted: false })) });
      expect(status).toMatchObject({ totalBytes: 300, downloadedBytes: 0 });
    });

    it('is null for a torrent the daemon does not have', async () => {
      const { url } = await serve(() => success({ torrents: [] }));
      expect(await new TransmissionClient({ url }).status(HASH)).toBeNull();
    });
  });
});
