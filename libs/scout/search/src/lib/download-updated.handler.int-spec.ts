import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { DownloadUpdated } from '@sokoul/contracts';
import { SearchRepository, UserEntity, WatchlistRepository } from '@sokoul/persistence';
import { createTestSchema, removeNamespace, uniqueNamespace } from '@sokoul/testing';
import { DownloadUpdatedHandler } from './download-updated.handler';

describe('a watchlist grab, as the hunter reports on its download', () => {
  const namespace = uniqueNamespace('grab_outcome');
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let watchlist: WatchlistRepository;
  let handler: DownloadUpdatedHandler;
  let userId: string;

  /** An item that grabbed a release of one of its searches and is waiting for the hunter. */
  async function grabbing(): Promise<{ itemId: string; releaseId: string }> {
    const itemId = randomUUID();
    await watchlist.create({ id: itemId, userId, kind: 'movie', tmdbId: Math.floor(Math.random() * 1e9), title: 'Dune', year: 2021, season: null, episode: null, profileId: null, autoDownload: true });
    const searchId = randomUUID();
    await new SearchRepository(dataSource).create({ id: searchId, userId, query: 'Dune 2021' });
    const releaseId = randomUUID();
    await dataSource.query(
      `INSERT INTO releases (id, search_id, dedupe_key, guid, title, indexers, size_bytes, categories, parsed, quality, score, accepted, reasons, rejections)
       VALUES ($1, $2, $3, $3, 'Dune.2021.1080p.BluRay', '{Local}', 1, '{2000}', '{}', 'Bluray-1080p', 1, true, '[]', '[]')`,
      [releaseId, searchId, `guid-${releaseId}`],
    );
    expect(await watchlist.markGrabbing(itemId, releaseId)).toBe(true);
    return { itemId, releaseId };
  }

  const update = (itemId: string, releaseId: string, status: DownloadUpdated['status'], failureCode: string | null = null): DownloadUpdated => ({
    downloadId: randomUUID(),
    requestId: `watchlist:${itemId}:${releaseId}`,
    requestedBy: userId,
    watchlistItemId: itemId,
    releaseId,
    infoHash: null,
    title: 'Dune.2021.1080p.BluRay',
    status,
    failureCode,
    reason: null,
    blocklisted: status === 'failed',
    occurredAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    ({ dataSource, drop } = await createTestSchema(namespace));
    watchlist = new WatchlistRepository(dataSource);
    handler = new DownloadUpdatedHandler(watchlist);
    userId = randomUUID();
    await dataSource.getRepository(UserEntity).insert({ id: userId, username: 'alice', email: 'alice@example.test', passwordHash: 'x', role: 'user' });
  });

  afterAll(async () => {
    await drop();
    await removeNamespace(namespace);
  });

  it('is confirmed once the hunter accepts the download, and stays so while it runs and completes', async () => {
    const { itemId, releaseId } = await grabbing();

    await handler.handle(update(itemId, releaseId, 'queued'));
    await handler.handle(update(itemId, releaseId, 'completed'));

    expect(await watchlist.findById(itemId)).toMatchObject({ status: 'grabbed', grabbedReleaseId: releaseId });
  });

  it('is wanted again, searched at once, when the download failed', async () => {
    const { itemId, releaseId } = await grabbing();
    await handler.handle(update(itemId, releaseId, 'queued'));

    await handler.handle(update(itemId, releaseId, 'failed', 'executable'));

    const item = await watchlist.findById(itemId);
    expect(item).toMatchObject({ status: 'wanted', grabbedReleaseId: null });
    expect(item?.nextSearchAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('counts a duplicate (someone already downloads that very torrent) as grabbed', async () => {
    const { itemId, releaseId } = await grabbing();

    await handler.handle(update(itemId, releaseId, 'failed', 'duplicate'));

    expect((await watchlist.findById(itemId))?.status).toBe('grabbed');
  });

  it('ignores a late event about a release the item no longer waits for', async () => {
    const { itemId, releaseId } = await grabbing();

    await handler.handle(update(itemId, randomUUID(), 'failed', 'no-peers'));

    expect(await watchlist.findById(itemId)).toMatchObject({ status: 'grabbing', grabbedReleaseId: releaseId });
  });
});
