import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subjects } from '@sokoul/contracts';
import { type Principal, isAdmin } from '@sokoul/gateway/access';
import { ProblemException, ServiceUnavailableProblem, ValidationProblem, decodeCursor, encodeCursor } from '@sokoul/gateway/http';
import { JetStreamPublisher, PublishError } from '@sokoul/messaging';
import { QualityProfileRepository, ReleaseRepository, type SearchEntity, SearchRepository, UnknownQualityProfileError } from '@sokoul/persistence';
import { type ReleasePageDto, decodeReleaseCursor, encodeReleaseCursor, toReleaseDto } from './release.dto';
import { SearchReadCache } from './search-read-cache';
import { type CreateSearchDto, type SearchDto, type SearchPageDto, toSearchDto } from './search.dto';

@Injectable()
export class SearchesService {
  private readonly logger = new Logger(SearchesService.name);

  constructor(
    private readonly searches: SearchRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly releases: ReleaseRepository,
    private readonly profiles: QualityProfileRepository,
    private readonly polled: SearchReadCache,
  ) {}

  /**
   * Records the search as queued, then hands it to the scouts. If the command cannot be
   * stored in JetStream the search is removed again and the client told to retry: a search
   * that no worker will ever see is never left behind as "queued".
   */
  async create(input: CreateSearchDto, userId: string): Promise<SearchDto> {
    const unknownProfile = () => new ValidationProblem([{ pointer: '/profileId', detail: `no quality profile has id ${input.profileId}` }]);
    if (input.profileId !== undefined && !(await this.profiles.findById(input.profileId))) {
      throw unknownProfile();
    }
    const search = await this.searches
      .create({ id: randomUUID(), userId, query: input.query, profileId: input.profileId ?? null })
      .catch((error: unknown) => {
        throw error instanceof UnknownQualityProfileError ? unknownProfile() : error;
      });
    try {
      await this.publisher.publish(
        Subjects.searchRequested,
        {
          searchId: search.id,
          query: search.query,
          requestedBy: userId,
          ...(input.tmdb ? { tmdb: input.tmdb } : {}),
          ...(input.season === undefined ? {} : { season: input.season }),
          ...(input.episode === undefined ? {} : { episode: input.episode }),
        },
        { id: `search.requested:${search.id}`, correlationId: search.id },
      );
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      this.logger.error(error);
      await this.searches.delete(search.id);
      throw new ServiceUnavailableProblem('The search queue is unavailable; nothing was recorded, please retry.', 5);
    }
    return toSearchDto(search);
  }

  /** The caller's searches (everyone's for admins), newest first. */
  async list(principal: Principal, limit: number, cursor?: string): Promise<SearchPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) throw new ValidationProblem([{ pointer: '/cursor', detail: 'not a cursor from a previous page' }]);
    const rows = await this.searches.listPage(isAdmin(principal) ? null : principal.userId, limit + 1, after);
    const items = rows.slice(0, limit).map(toSearchDto);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
  }

  async get(id: string, principal: Principal): Promise<SearchDto> {
    return toSearchDto(await this.visible(id, principal));
  }

  /** The search's releases, best first (grabbable, then score with the oracle's adjustment, then seeders), a page at a time; the search's owner and admins only. */
  async releasesOf(id: string, principal: Principal, limit: number, cursor?: string): Promise<ReleasePageDto> {
    const after = cursor === undefined ? undefined : decodeReleaseCursor(cursor);
    if (cursor !== undefined && !after) throw new ValidationProblem([{ pointer: '/cursor', detail: 'not a cursor from a previous page' }]);
    await this.visible(id, principal);
    const rows = await this.releases.listRanked(id, limit + 1, after);
    const page = rows.slice(0, limit);
    return { items: page.map(toReleaseDto), nextCursor: rows.length > limit ? encodeReleaseCursor(page[page.length - 1]) : null };
  }

  /**
   * Someone else's search is "not found", not "forbidden": its existence is not revealed.
   * Read through the cache of polled searches: clients poll a search until it is done.
   */
  private async visible(id: string, principal: Principal): Promise<SearchEntity> {
    const search = await this.polled.findById(id);
    if (!search || (search.userId !== principal.userId && !isAdmin(principal))) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'search-not-found', 'Search not found', `No search has id ${id}.`);
    }
    return search;
  }
}
