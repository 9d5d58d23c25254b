import { Logger } from '@nestjs/common';
import { Subjects } from '@sokoul/contracts';
import { ProblemException, ServiceUnavailableProblem, ValidationProblem } from '@sokoul/gateway/http';
import { type JetStreamPublisher, PublishError } from '@sokoul/messaging';
import type { QualityProfileRepository, ReleaseRepository, SearchEntity, SearchRepository } from '@sokoul/persistence';
import type { SearchReadCache } from './search-read-cache';
import { SearchesService } from './searches.service';

const OWNER = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const STRANGER = '9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f';

function entity(userId: string | null): SearchEntity {
  return {
    id: '6f1c1e7a-3c55-4f7e-9a55-0d7c1b0f2a11',
    userId,
    query: 'Dune',
    status: 'queued',
    releaseCount: 0,
    error: null,
    completedBy: null,
    createdAt: new Date('2026-11-24T10:00:00.000Z'),
    startedAt: null,
    completedAt: null,
    profileId: null,
    watchlistItemId: null,
    media: null,
    metadataStatus: null,
    indexerReport: null,
    updatedAt: new Date('2026-11-24T10:00:00.000Z'),
  };
}

describe('SearchesService', () => {
  const repository = { create: jest.fn(), findById: jest.fn(), delete: jest.fn() };
  const publisher = { publish: jest.fn() };
  const releases = { listRanked: jest.fn() };
  const profiles = { findById: jest.fn() };
  const service = new SearchesService(
    repository as unknown as SearchRepository,
    publisher as unknown as JetStreamPublisher,
    releases as unknown as ReleaseRepository,
    profiles as unknown as QualityProfileRepository,
    // Reads by id go through the cache, which reads the repository on a miss.
    repository as unknown as SearchReadCache,
  );

  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => {
    jest.restoreAllMocks();
    jest.resetAllMocks();
  });

  describe('create', () => {
    it('records the search for its owner and names them as requester in the command', async () => {
      repository.create.mockImplementation(async (search: { userId: string }) => ({ ...entity(search.userId), ...search }));
      publisher.publish.mockResolvedValue({ id: 'x' });

      const created = await service.create({ query: 'Dune' }, OWNER);

      expect(repository.create).toHaveBeenCalledWith({ id: created.id, userId: OWNER, query: 'Dune', profileId: null });
      expect(publisher.publish).toHaveBeenCalledWith(
        Subjects.searchRequested,
        { searchId: created.id, query: 'Dune', requestedBy: OWNER },
        { id: `search.requested:${created.id}`, correlationId: created.id },
      );
      expect(created).not.toHaveProperty('userId');
    });

    it('removes the search again and answers 503 when the command cannot be published', async () => {
      repository.create.mockResolvedValue(entity(OWNER));
      publisher.publish.mockRejectedValue(new PublishError(Subjects.searchRequested, new Error('no responders')));

      await expect(service.create({ query: 'Dune' }, OWNER)).rejects.toBeInstanceOf(ServiceUnavailableProblem);
      expect(repository.delete).toHaveBeenCalledWith(entity(OWNER).id);
    });

    it('ranks by the chosen profile and passes the TMDB title, season and episode on in the command', async () => {
      const profileId = 'c0ffee00-1234-4abc-8def-0123456789ab';
      profiles.findById.mockResolvedValue({ id: profileId });
      repository.create.mockImplementation(async (search: { userId: string }) => ({ ...entity(search.userId), ...search }));
      publisher.publish.mockResolvedValue({ id: 'x' });

      const created = await service.create({ query: 'Severance', profileId, tmdb: { kind: 'series', id: 95396 }, season: 2, episode: 1 }, OWNER);

      expect(repository.create).toHaveBeenCalledWith({ id: created.id, userId: OWNER, query: 'Severance', profileId });
      expect(publisher.publish).toHaveBeenCalledWith(
        Subjects.searchRequested,
        { searchId: created.id, query: 'Severance', requestedBy: OWNER, tmdb: { kind: 'series', id: 95396 }, season: 2, episode: 1 },
        expect.anything(),
      );
      expect(created.profileId).toBe(profileId);
    });

    it('refuses a profile that does not exist with a 400 naming profileId, and records nothing', async () => {
      profiles.findById.mockResolvedValue(null);

      const error = await service.create({ query: 'Dune', profileId: 'c0ffee00-1234-4abc-8def-0123456789ab' }, OWNER).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ValidationProblem);
      expect((error as ValidationProblem).extensions.errors).toEqual([{ pointer: '/profileId', detail: expect.stringContaining('no quality profile') }]);
      expect(repository.create).not.toHaveBeenCalled();
      expect(publisher.publish).not.toHaveBeenCalled();
    });
  });

  describe('releasesOf', () => {
    function release(id: string, accepted: boolean, score: number, seeders: number | null) {
      return {
        id,
        title: `Dune.2021.1080p.WEB-DL-${id.slice(0, 4)}`,
        infoHash: null,
        sizeBytes: 1,
        seeders,
        peers: null,
        indexers: ['a'],
        publishedAt: null,
        quality: 'WEBDL-1080p',
        parsed: {},
        score,
        accepted,
        meetsCutoff: accepted,
        reasons: [],
        rejections: [],
        freeleech: false,
        verdict: null,
        verdictConfidence: null,
        verdictReasons: null,
        scoreAdjustment: 0,
        judgedBy: null,
        judgedAt: null,
        grabbable: accepted,
        rankScore: score,
        downloadUrl: 'http://jackett/dl?apikey=secret',
        magnetUrl: 'magnet:?xt=urn:btih:abc&tr=http://tracker/announce/passkey',
      };
    }
    const first = '11111111-1111-4111-8111-111111111111';
    const second = '22222222-2222-4222-8222-222222222222';

    it("pages the owner's releases with an opaque cursor at the ranking key of the last one, without any link", async () => {
      repository.findById.mockResolvedValue(entity(OWNER));
      releases.listRanked.mockResolvedValueOnce([release(first, true, 90, null), release(second, false, 10, 3)]);

      const page = await service.releasesOf(entity(OWNER).id, { userId: OWNER, role: 'user' }, 1);

      expect(releases.listRanked).toHaveBeenCalledWith(entity(OWNER).id, 2, undefined);
      expect(page.items.map((r) => r.id)).toEqual([first]);
      expect(JSON.stringify(page)).not.toMatch(/apikey|passkey|magnet/);
      expect(page.nextCursor).toEqual(expect.any(String));

      releases.listRanked.mockResolvedValueOnce([release(second, false, 10, 3)]);
      const next = await service.releasesOf(entity(OWNER).id, { userId: OWNER, role: 'user' }, 1, page.nextCursor!);

      expect(releases.listRanked).toHaveBeenLastCalledWith(entity(OWNER).id, 2, { grabbable: true, rankScore: 90, seeders: -1, id: first });
      expect(next).toEqual({ items: [expect.objectContaining({ id: second })], nextCursor: null });
    });

    it("answers another user's search with 404 and reads no releases", async () => {
      repository.findById.mockResolvedValue(entity(OWNER));

      const error = await service.releasesOf(entity(OWNER).id, { userId: STRANGER, role: 'user' }, 10).catch((e: unknown) => e);

      expect((error as ProblemException).getStatus()).toBe(404);
      expect(releases.listRanked).not.toHaveBeenCalled();
    });

    it.each(['garbage', Buffer.from('[true, 1, 2]').toString('base64url'), Buffer.from('[true, 1.5, 2, "11111111-1111-4111-8111-111111111111"]').toString('base64url')])(
      'refuses a cursor it did not make (%s) with a 400',
      async (cursor) => {
        repository.findById.mockResolvedValue(entity(OWNER));

        await expect(service.releasesOf(entity(OWNER).id, { userId: OWNER, role: 'user' }, 10, cursor)).rejects.toBeInstanceOf(ValidationProblem);
      },
    );
  });

  describe('get', () => {
    it("returns the owner's own search", async () => {
      repository.findById.mockResolvedValue(entity(OWNER));

      expect(await service.get(entity(OWNER).id, { userId: OWNER, role: 'user' })).toMatchObject({ id: entity(OWNER).id, query: 'Dune' });
    });

    it.each([
      ["another user's search", entity(OWNER)],
      ['a search without owner', entity(null)],
      ['a search that does not exist', null],
    ])('answers %s with the same 404 problem', async (_case, found) => {
      repository.findById.mockResolvedValue(found);

      const attempt = service.get(entity(OWNER).id, { userId: STRANGER, role: 'user' });

      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).problemType).toBe('search-not-found');
      expect((error as ProblemException).getStatus()).toBe(404);
    });

    it.each([
      ["another user's search", entity(OWNER)],
      ['a search without owner', entity(null)],
    ])('lets an admin read %s', async (_case, found) => {
      repository.findById.mockResolvedValue(found);

      expect(await service.get(entity(OWNER).id, { userId: STRANGER, role: 'admin' })).toMatchObject({ id: entity(OWNER).id });
    });
  });
});
