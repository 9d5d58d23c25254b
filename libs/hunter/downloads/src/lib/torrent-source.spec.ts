import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveTorrentSource, TorrentSourceError } from './torrent-source';
import { infoHashOfTorrentFile } from './torrent-file';

// d8:announce…4:infod6:lengthi3e4:name5:a.txt12:piece lengthi16384e6:pieces20:<20 bytes>ee
const INFO = Buffer.concat([Buffer.from('d6:lengthi3e4:name5:a.txt12:piece lengthi16384e6:pieces20:'), Buffer.alloc(20, 7), Buffer.from('e')]);
const TORRENT = Buffer.concat([Buffer.from('d8:announce21:http://t.invalid/anno4:info'), INFO, Buffer.from('e')]);
const MAGNET = 'magnet:?xt=urn:btih:' + 'c'.repeat(40) + '&dn=x';

describe('resolving a release link into a torrent', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const routes: Record<string, () => void> = {
        '/file.torrent': () => res.writeHead(200, { 'content-type': 'application/x-bittorrent' }).end(TORRENT),
        '/to-magnet': () => res.writeHead(302, { location: MAGNET }).end(),
        '/to-file': () => res.writeHead(301, { location: '/file.torrent' }).end(),
        '/to-local-file': () => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
        '/huge': () => res.writeHead(200).end(Buffer.alloc(2048, 0x64)),
        '/html': () => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login first</html>'),
        '/down': () => res.writeHead(503).end(),
        '/loop': () => res.writeHead(302, { location: '/loop' }).end(),
      };
      (routes[new URL(req.url ?? '/', 'http://local').pathname] ?? (() => res.writeHead(404).end()))();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const resolve = (url: string) => resolveTorrentSource(url, { maxBytes: 1024, timeoutMs: 2_000 });

  it('takes a magnet as it is, with its info-hash', async () => {
    expect(await resolve(MAGNET)).toEqual({ kind: 'magnet', uri: MAGNET, infoHash: 'c'.repeat(40) });
  });

  it('fetches a .torrent and hashes its info dictionary exactly as stored', async () => {
    const source = await resolve(`${base}/file.torrent`);
    expect(source).toMatchObject({ kind: 'torrent-file', infoHash: createHash('sha1').update(INFO).digest('hex') });
  });

  it('follows redirects, including the jump to a magnet Jackett and Prowlarr make', async () => {
    expect(await resolve(`${base}/to-file`)).toMatchObject({ kind: 'torrent-file' });
    expect(await resolve(`${base}/to-magnet`)).toMatchObject({ kind: 'magnet', infoHash: 'c'.repeat(40) });
  });

  it.each([
    ['a redirect to a local file', '/to-local-file', /file: link/],
    ['a file over the size limit', '/huge', /larger than 1024 bytes/],
    ['a page that is not a torrent', '/html', /not a valid \.torrent/],
    ['a redirect loop', '/loop', /more than 5 redirects/],
  ])('refuses %s for good', async (_case, path, message) => {
    const error = await resolve(`${base}${path}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TorrentSourceError);
    expect((error as TorrentSourceError).message).toMatch(message);
    expect((error as TorrentSourceError).retryable).toBe(false);
  });

  it('treats an indexer that is down as worth retrying, without echoing the URL (it may hold an API key)', async () => {
    const error = (await resolve(`${base}/down?apikey=secret`).catch((e: unknown) => e)) as TorrentSourceError;
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain('secret');
    const unreachable = (await resolve('http://127.0.0.1:1/x.torrent?apikey=secret').catch((e: unknown) => e)) as TorrentSourceError;
    expect(unreachable.retryable).toBe(true);
    expect(unreachable.message).not.toContain('secret');
  });

  it.each(['ftp://host/x.torrent', 'javascript:alert(1)', 'magnet:?dn=no-hash', 'not a url'])('refuses %s', async (url) => {
    await expect(resolve(url)).rejects.toBeInstanceOf(TorrentSourceError);
  });

  it('rejects malformed bencode without reading past the buffer', () => {
    for (const bad of ['', 'd', 'd4:infoi1ee', 'd4:info', 'l'.repeat(100) + 'e'.repeat(100), 'd3:abc99999:xe']) {
      expect(() => infoHashOfTorrentFile(Buffer.from(bad))).toThrow(/not a valid \.torrent/);
    }
  });
});
