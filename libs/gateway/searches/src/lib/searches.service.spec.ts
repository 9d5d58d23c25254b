import { Logger } from '@nestjs/common';
import { Subjects } from '@sokoul/contracts';
import { ProblemException, ServiceUnavailableProblem } from '@sokoul/gateway/http';
import { type JetStreamPublisher, PublishError } from '@sokoul/messaging';
import type { SearchEntity, SearchRepository } from '@sokoul/persistence';
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
    media: null,
    metadataStatus: null,
    indexerReport: null,
    updatedAt: new Date('2026-11-24T10:00:00.000Z'),
  };
}

describe('SearchesService', () => {
  const repository = { create: jest.fn(), findById: jest.fn(), delete: jest.fn() };
  const publisher = { publish: jest.fn() };
  const service = new SearchesService(repository as unknown as SearchRepository, publisher as unknown as JetStreamPublisher);

  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => {
    jest.restoreAllMocks();
    jest.resetAllMocks();
  });

  describe('create', () => {
    it('records the search for its owner and names them as requester in the command', async () => {
      repository.create.mockImplementation(async (search: { userId: string }) => ({ ...entity(search.userId), ...search }));
      publisher.publish.mockResolvedValue({ id: 'x' });

      const created = await service.create('Dune', OWNER);

      expect(repository.create).toHaveBeenCalledWith({ id: created.id, userId: OWNER, query: 'Dune' });
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

      await expect(service.create('Dune', OWNER)).rejects.toBeInstanceOf(ServiceUnavailableProblem);
      expect(repository.delete).toHaveBeenCalledWith(entity(OWNER).id);
    });
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
