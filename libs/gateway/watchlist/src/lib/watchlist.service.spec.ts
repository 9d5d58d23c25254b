import { ProblemException } from '@sokoul/gateway/http';
import type { QualityProfileRepository, SearchRepository, WatchlistItemEntity, WatchlistRepository } from '@sokoul/persistence';
import { WatchlistService } from './watchlist.service';

const OWNER = { userId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', role: 'user' as const };
const ITEM_ID = '6f1c1e7a-3c55-4f7e-9a55-0d7c1b0f2a11';

function entity(changes: Partial<WatchlistItemEntity> = {}): WatchlistItemEntity {
  return {
    id: ITEM_ID,
    userId: OWNER.userId,
    kind: 'movie',
    tmdbId: 438631,
    title: 'Dune',
    year: 2021,
    season: null,
    episode: null,
    profileId: null,
    autoDownload: true,
    status: 'wanted',
    nextSearchAt: new Date('2026-11-24T10:00:00.000Z'),
    lastSearchedAt: null,
    lastSearchId: null,
    grabbedReleaseId: null,
    grabbedAt: null,
    createdAt: new Date('2026-11-24T09:00:00.000Z'),
    updatedAt: new Date('2026-11-24T09:00:00.000Z'),
    ...changes,
  };
}

async function problemOf(promise: Promise<unknown>): Promise<{ status: number; type: string }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return { status: (error as ProblemException).getStatus(), type: (error as ProblemException).problemType };
}

describe('WatchlistService', () => {
  const items = { create: jest.fn(), findById: jest.fn(), update: jest.fn(), delete: jest.fn(), listPage: jest.fn() };
  const profiles = { findById: jest.fn() };
  const searches = { findById: jest.fn() };
  const service = new WatchlistService(
    items as unknown as WatchlistRepository,
    profiles as unknown as QualityProfileRepository,
    searches as unknown as SearchRepository,
  );

  afterEach(() => jest.resetAllMocks());

  describe('update', () => {
    it('answers 409 when a grab claimed the item between reading and updating it', async () => {
      items.findById.mockResolvedValue(entity());
      // The repository leaves an item alone once its download is under way.
      items.update.mockResolvedValue(entity({ status: 'grabbing', grabbedAt: new Date() }));

      expect(await problemOf(service.update(ITEM_ID, { paused: true }, OWNER))).toEqual({ status: 409, type: 'watchlist-item-busy' });
    });

    it('answers with the changed item when the change landed before a grab claimed it', async () => {
      items.findById.mockResolvedValue(entity());
      items.update.mockResolvedValue(entity({ autoDownload: false, status: 'grabbing' }));

      await expect(service.update(ITEM_ID, { autoDownload: false }, OWNER)).resolves.toMatchObject({ autoDownload: false, status: 'grabbing' });
      expect(items.update).toHaveBeenCalledWith(ITEM_ID, { autoDownload: false });
    });

    it('sends only what differs, and does not write at all when nothing does', async () => {
      items.findById.mockResolvedValue(entity({ status: 'paused' }));

      await expect(service.update(ITEM_ID, { paused: true, autoDownload: true, profileId: null }, OWNER)).resolves.toMatchObject({ status: 'paused' });
      expect(items.update).not.toHaveBeenCalled();
    });

    it('answers 404 when the item was removed between reading and updating it', async () => {
      items.findById.mockResolvedValue(entity());
      items.update.mockResolvedValue(null);

      expect(await problemOf(service.update(ITEM_ID, { paused: true }, OWNER))).toEqual({ status: 404, type: 'watchlist-item-not-found' });
    });

    it("checks the profile only after the item is found to be the caller's, so a stranger learns nothing", async () => {
      items.findById.mockResolvedValue(entity({ userId: 'someone-else' }));

      expect(await problemOf(service.update(ITEM_ID, { profileId: '9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f' }, OWNER))).toEqual({ status: 404, type: 'watchlist-item-not-found' });
      expect(profiles.findById).not.toHaveBeenCalled();
    });
  });

  describe('create from a search', () => {
    it('leaves out the season and episode of a film, and the episode without its season', async () => {
      searches.findById.mockResolvedValue({
        id: 'search',
        userId: OWNER.userId,
        status: 'completed',
        profileId: null,
        media: { kind: 'series', tmdbId: 1399, imdbId: null, tvdbId: null, title: 'Game of Thrones', year: 2011, season: null, episode: 4 },
      });
      items.create.mockImplementation(async (item: Partial<WatchlistItemEntity>) => entity({ ...item, status: 'wanted' }));

      await service.create({ searchId: 'search', autoDownload: true }, OWNER);

      expect(items.create).toHaveBeenCalledWith(expect.objectContaining({ kind: 'series', tmdbId: 1399, season: null, episode: null, profileId: null }));
    });

    it('answers 422 while the search has not been identified yet', async () => {
      searches.findById.mockResolvedValue({ id: 'search', userId: OWNER.userId, status: 'running', profileId: null, media: null });

      expect(await problemOf(service.create({ searchId: 'search', autoDownload: true }, OWNER))).toEqual({ status: 422, type: 'search-not-identified' });
      expect(items.create).not.toHaveBeenCalled();
    });
  });

  describe('delete', () => {
    it('answers 404 when the item was removed by another request in between', async () => {
      items.findById.mockResolvedValue(entity());
      items.delete.mockResolvedValue(false);

      expect(await problemOf(service.delete(ITEM_ID, OWNER))).toEqual({ status: 404, type: 'watchlist-item-not-found' });
    });
  });
});
