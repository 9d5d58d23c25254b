import { startGatewayTestApp } from '@sokoul/gateway/testing';
import type { INestApplication } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '@sokoul/gateway/access';
import type { Media } from '@sokoul/contracts';
import { BlocklistRepository, ReleaseRepository, SearchRepository, UserRepository } from '@sokoul/persistence';
import { removeNamespace, uniqueNamespace } from '@sokoul/testing';
import type { DownloadDto, DownloadPageDto, LibraryFileDto } from './download.dto';
import { DownloadsModule } from './downloads.module';

jest.setTimeout(30_000);

const MATRIX = { kind: 'movie', title: 'The Matrix', year: 1999, season: null, episode: null, tmdbId: 603, imdbId: 'tt0133093', tvdbId: null } as const;

describe('downloads and the library over HTTP (real Postgres, Redis, NATS)', () => {
  const namespace = uniqueNamespace('downloads');
  let app: INestApplication;
  let libraryDir: string;
  const alice = { id: randomUUID(), token: '' };
  const bob = { id: randomUUID(), token: '' };
  const admin = { id: randomUUID(), token: '' };

  const http = () => request(app.getHttpServer());
  const as = (test: request.Test, token: string) => test.set('Authorization', `Bearer ${token}`);
  const get = (path: string, token: string) => as(http().get(path), token);
  const post = (path: string, body: object, token: string) => as(http().post(path), token).send(body);

  function expectProblem(response: request.Response, status: number, type: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `https://sokoul.dev/problems/${type}`, status });
  }

  /** A release of one of `userId`'s searches, identified as `media`. */
  async function release(userId: string, title: string, media: Media | null = MATRIX, infoHash = randomUUID().replace(/-/g, '').padEnd(40, '0')): Promise<{ id: string; infoHash: string }> {
    const searches = app.get(SearchRepository);
    const search = await searches.create({ id: randomUUID(), userId, query: title });
    await searches.markFinished(search.id, { status: 'completed', releaseCount: 1, completedBy: 'scout-1', media, metadataStatus: media ? 'identified' : 'not-found' });
    const id = randomUUID();
    await app.get(ReleaseRepository).insertMany([
      {
        id,
        searchId: search.id,
        dedupeKey: infoHash,
        infoHash,
        guid: `guid-${id}`,
        title,
        indexers: ['Local'],
        indexerPriority: 25,
        sizeBytes: 4_000_000_000,
        seeders: 12,
        peers: 3,
        publishedAt: null,
        magnetUrl: `magnet:?xt=urn:btih:${infoHash}&dn=${encodeURIComponent(title)}`,
        downloadUrl: null,
        infoUrl: null,
        imdbId: null,
        tmdbId: null,
        categories: [2000],
        freeleech: false,
        parsed: {},
        quality: 'Bluray-1080p',
        score: 100,
        accepted: true,
        meetsCutoff: true,
        reasons: [],
        rejections: [],
      } as never,
    ]);
    return { id, infoHash };
  }

  async function download(token: string, userId: string, title = 'The.Matrix.1999.1080p.BluRay.x264-GROUP'): Promise<DownloadDto> {
    const { id } = await release(userId, title);
    const response = await post('/api/v1/downloads', { releaseId: id }, token);
    expect(response.status).toBe(201);
    return response.body as DownloadDto;
  }

  async function setStatus(id: string, status: string): Promise<void> {
    await app.get(DataSource).query(`UPDATE downloads SET status = $2 WHERE id = $1`, [id, status]);
  }

  beforeAll(async () => {
    libraryDir = await mkdtemp(join(tmpdir(), 'sokoul-library-'));
    app = await startGatewayTestApp({ namespace, imports: [DownloadsModule.forRoot({ defaultClient: 'embedded', libraryDir, streamSecret: 'a-shared-secret-of-at-least-32-characters' })], messaging: true });
    const users = app.get(UserRepository);
    const tokens = app.get(AccessTokenService);
    for (const [account, name] of [[admin, 'admin'], [alice, 'alice'], [bob, 'bob']] as const) {
      await users.createWithFirstAdmin({ id: account.id, username: name, email: `${name}@example.test`, passwordHash: 'not-a-real-hash' });
      account.token = await tokens.sign(account.id, account === admin ? 'admin' : 'user');
    }
  });

  afterAll(async () => {
    await app?.close();
    await removeNamespace(namespace);
    await rm(libraryDir, { recursive: true, force: true });
  });

  describe('requesting', () => {
    it('queues a release of your own search: 201 with the download, its Location, and an audit entry', async () => {
      const { id, infoHash } = await release(alice.id, 'The.Matrix.1999.2160p.UHD.BluRay-GROUP');

      const response = await post('/api/v1/downloads', { releaseId: id }, alice.token);

      expect(response.status).toBe(201);
      const created = response.body as DownloadDto;
      expect(created).toMatchObject({ userId: alice.id, releaseId: id, infoHash, status: 'queued', client: 'embedded', progress: 0, downloadedBytes: 0, totalBytes: null, files: [] });
      expect(response.headers.location).toBe(`/api/v1/downloads/${created.id}`);
      const [audit] = await app.get(DataSource).query(`SELECT action, actor_user_id FROM audit_log WHERE target_id = $1`, [created.id]);
      expect(audit).toEqual({ action: 'download.requested', actor_user_id: alice.id });
      // The indexer's link may carry its API key: it is never part of the answer.
      expect(JSON.stringify(response.body)).not.toContain('magnet:');
    });

    it("answers 404 for someone else's release, as for one that does not exist", async () => {
      const { id } = await release(bob.id, 'The.Matrix.1999.720p.BluRay');

      expectProblem(await post('/api/v1/downloads', { releaseId: id }, alice.token), 404, 'release-not-found');
      expectProblem(await post('/api/v1/downloads', { releaseId: randomUUID() }, alice.token), 404, 'release-not-found');
    });

    it('refuses with 422 a release that is not the film the search was identified as', async () => {
      const { id } = await release(alice.id, 'The.Matrix.Reloaded.2003.1080p.BluRay');

      const response = await post('/api/v1/downloads', { releaseId: id }, alice.token);

      expectProblem(response, 422, 'wrong-title');
      expect(response.body.detail).toMatch(/Reloaded|title/i);
    });

    it('refuses with 422 a blocklisted torrent', async () => {
      const { id, infoHash } = await release(alice.id, 'The.Matrix.1999.1080p.WEB-DL');
      await app.get(BlocklistRepository).add({ id: randomUUID(), infoHash, title: 'x', reason: 'executable', createdBy: null });

      expectProblem(await post('/api/v1/downloads', { releaseId: id }, alice.token), 422, 'release-blocklisted');
    });

    it('answers 409 naming the download when the torrent is already being fetched', async () => {
      const { id, infoHash } = await release(alice.id, 'The.Matrix.1999.1080p.HDTV');
      const first = (await post('/api/v1/downloads', { releaseId: id }, alice.token)).body as DownloadDto;
      const again = await release(alice.id, 'The.Matrix.1999.1080p.HDTV', MATRIX, infoHash);

      const response = await post('/api/v1/downloads', { releaseId: again.id }, alice.token);

      expectProblem(response, 409, 'already-downloading');
      expect(response.body.downloadId).toBe(first.id);
    });

    it('lets only admins download an arbitrary magnet, named after its dn=', async () => {
      const magnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=Some.Public.Domain.Film.1927`;

      expectProblem(await post('/api/v1/downloads', { magnet }, alice.token), 403, 'admin-only');
      const response = await post('/api/v1/downloads', { magnet }, admin.token);

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ title: 'Some.Public.Domain.Film.1927', infoHash: 'ab'.repeat(20), releaseId: null, status: 'queued' });
    });

    it.each([
      ['neither releaseId nor magnet', {}],
      ['both', { releaseId: randomUUID(), magnet: `magnet:?xt=urn:btih:${'cd'.repeat(20)}` }],
      ['an unknown field', { releaseId: randomUUID(), priority: 1 }],
      ['an unknown client', { releaseId: randomUUID(), client: 'utorrent' }],
      ['a magnet without info-hash', { magnet: 'magnet:?dn=x' }],
    ])('answers 400 with the field at fault for %s', async (_case, body) => {
      const response = await post('/api/v1/downloads', body, admin.token);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('reading', () => {
    it("lists your own downloads only (everyone's for admins), newest first, by pages, filtered by status", async () => {
      const mine = [await download(bob.token, bob.id, 'The.Matrix.1999.PROPER.1080p.BluRay'), await download(bob.token, bob.id, 'The.Matrix.1999.REPACK.1080p.BluRay')];
      await setStatus(mine[0].id, 'failed');

      const first = (await get('/api/v1/downloads?limit=1', bob.token)).body as DownloadPageDto;
      const second = (await get(`/api/v1/downloads?limit=1&cursor=${first.nextCursor}`, bob.token)).body as DownloadPageDto;
      const failed = (await get('/api/v1/downloads?status=failed', bob.token)).body as DownloadPageDto;
      const everyone = (await get('/api/v1/downloads?limit=100', admin.token)).body as DownloadPageDto;

      expect([...first.items, ...second.items].map((d) => d.id)).toEqual([mine[1].id, mine[0].id]);
      expect(second.nextCursor).toBeNull();
      expect(failed.items.map((d) => d.id)).toEqual([mine[0].id]);
      expect(everyone.items.map((d) => d.userId)).toEqual(expect.arrayContaining([alice.id, bob.id, admin.id]));
      expectProblem(await get(`/api/v1/downloads/${mine[0].id}`, alice.token), 404, 'download-not-found');
      expect((await get(`/api/v1/downloads/${mine[0].id}`, admin.token)).status).toBe(200);
    });
  });

  describe('acting on a download', () => {
    it('pauses, resumes (back to the queue) and cancels with its data; repeating an action changes nothing', async () => {
      const queued = await download(alice.token, alice.id, 'The.Matrix.1999.1080p.AMZN.WEB-DL');
      await setStatus(queued.id, 'downloading');

      const paused = await post(`/api/v1/downloads/${queued.id}/pause`, {}, alice.token);
      const pausedAgain = await post(`/api/v1/downloads/${queued.id}/pause`, {}, alice.token);
      const resumed = await post(`/api/v1/downloads/${queued.id}/resume`, {}, alice.token);
      const cancelled = await post(`/api/v1/downloads/${queued.id}/cancel`, { deleteData: true }, alice.token);

      expect([paused.status, pausedAgain.status, resumed.status, cancelled.status]).toEqual([200, 200, 200, 200]);
      expect([paused.body.status, pausedAgain.body.status, resumed.body.status, cancelled.body.status]).toEqual(['paused', 'paused', 'queued', 'cancelled']);
      const [row] = await app.get(DataSource).query(`SELECT delete_data FROM downloads WHERE id = $1`, [queued.id]);
      expect(row.delete_data).toBe(true);
    });

    it('answers 409 for an action a finished download cannot take, and 404 on a download of someone else', async () => {
      const done = await download(alice.token, alice.id, 'The.Matrix.1999.1080p.NF.WEB-DL');
      await setStatus(done.id, 'completed');

      expectProblem(await post(`/api/v1/downloads/${done.id}/pause`, {}, alice.token), 409, 'download-not-changeable');
      expectProblem(await post(`/api/v1/downloads/${done.id}/resume`, {}, alice.token), 409, 'download-not-changeable');
      expectProblem(await post(`/api/v1/downloads/${done.id}/cancel`, {}, alice.token), 409, 'download-not-changeable');
      expectProblem(await post(`/api/v1/downloads/${done.id}/pause`, {}, bob.token), 404, 'download-not-found');
    });
  });

  describe('the library', () => {
    const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    let fileId: string;

    beforeAll(async () => {
      const relativePath = 'The Matrix (1999)/The Matrix (1999) [Bluray-1080p].mkv';
      await mkdir(join(libraryDir, 'The Matrix (1999)'), { recursive: true });
      await writeFile(join(libraryDir, relativePath), content);
      fileId = randomUUID();
      await app
        .get(DataSource)
        .query(`INSERT INTO library_files (id, user_id, relative_path, size_bytes, sha256, import_method) VALUES ($1, $2, $3, $4, $5, 'hardlink')`, [
          fileId,
          alice.id,
          relativePath,
          content.length,
          createHash('sha256').update(content).digest('hex'),
        ]);
    });

    it('lists your files with where to stream them', async () => {
      const page = (await get('/api/v1/library', alice.token)).body as { items: LibraryFileDto[] };
      expect(page.items).toEqual([expect.objectContaining({ id: fileId, path: 'The Matrix (1999)/The Matrix (1999) [Bluray-1080p].mkv', sizeBytes: 10_000, streamUrl: `/api/v1/library/${fileId}/stream` })]);
      expect(((await get('/api/v1/library', bob.token)).body as { items: unknown[] }).items).toEqual([]);
    });

    it('streams the whole file, or exactly the byte range asked for', async () => {
      const whole = await get(`/api/v1/library/${fileId}/stream`, alice.token).buffer(true);
      const middle = await get(`/api/v1/library/${fileId}/stream`, alice.token).set('Range', 'bytes=100-199').buffer(true);
      const tail = await get(`/api/v1/library/${fileId}/stream`, alice.token).set('Range', 'bytes=-10').buffer(true);

      expect(whole.status).toBe(200);
      expect(whole.headers).toMatchObject({ 'accept-ranges': 'bytes', 'content-type': 'video/x-matroska', 'content-length': '10000' });
      expect(Buffer.compare(whole.body as Buffer, content)).toBe(0);
      expect(middle.status).toBe(206);
      expect(middle.headers['content-range']).toBe('bytes 100-199/10000');
      expect(Buffer.compare(middle.body as Buffer, content.subarray(100, 200))).toBe(0);
      expect(tail.headers['content-range']).toBe('bytes 9990-9999/10000');
      expect(Buffer.compare(tail.body as Buffer, content.subarray(9990))).toBe(0);
    });

    it('answers 416 past the end, and the whole file when If-Range names another version', async () => {
      const past = await get(`/api/v1/library/${fileId}/stream`, alice.token).set('Range', 'bytes=20000-');
      const outdated = await get(`/api/v1/library/${fileId}/stream`, alice.token).set('Range', 'bytes=0-9').set('If-Range', '"another-version"').buffer(true);

      expectProblem(past, 416, 'range-not-satisfiable');
      expect(past.headers['content-range']).toBe('bytes */10000');
      expect(outdated.status).toBe(200);
    });

    it("answers 404 for someone else's file, and 410 for a row whose path leads out of the library", async () => {
      expectProblem(await get(`/api/v1/library/${fileId}/stream`, bob.token), 404, 'library-file-not-found');
      const escaping = randomUUID();
      await app.get(DataSource).query(`INSERT INTO library_files (id, user_id, relative_path, size_bytes, sha256, import_method) VALUES ($1, $2, '../../etc/passwd', 1, $3, 'copy')`, [escaping, alice.id, 'a'.repeat(64)]);

      expectProblem(await get(`/api/v1/library/${escaping}/stream`, alice.token), 410, 'library-file-missing');
    });
  });
});
