import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Principal, isAdmin } from '@sokoul/gateway/access';
import { ProblemException, ValidationProblem, decodeCursor, encodeCursor } from '@sokoul/gateway/http';
import {
  DuplicateWatchlistItemError,
  UnknownQualityProfileError,
  type NewWatchlistItem,
  QualityProfileRepository,
  SearchRepository,
  type WatchlistChanges,
  type WatchlistItemEntity,
  WatchlistRepository,
} from '@sokoul/persistence';
import {
  type CreateWatchlistItemDto,
  type UpdateWatchlistItemDto,
  type WatchlistItemDto,
  type WatchlistPageDto,
  toWatchlistItemDto,
} from './watchlist-item.dto';

type Title = Pick<NewWatchlistItem, 'kind' | 'tmdbId' | 'title' | 'year' | 'season' | 'episode'>;

/** Statuses in which the item's download is under way: the scout no longer searches it, and it is no longer changed. */
const BUSY: ReadonlySet<WatchlistItemEntity['status']> = new Set(['grabbing', 'grabbed']);

/**
 * The watchlist: titles a user wants, searched by the scouts on a schedule and downloaded once
 * a release is good enough. Users see and change their own items, admins everyone's.
 */
const unknownProfile = (profileId: string) => new ValidationProblem([{ pointer: '/profileId', detail: `no quality profile has id ${profileId}` }]);

@Injectable()
export class WatchlistService {
  constructor(
    private readonly items: WatchlistRepository,
    private readonly profiles: QualityProfileRepository,
    private readonly searches: SearchRepository,
  ) {}

  /** Adds the title (given, or taken from one of the caller's searches) to the caller's list; searched at the scout's next tick. */
  async create(input: CreateWatchlistItemDto, principal: Principal): Promise<WatchlistItemDto> {
    if (input.profileId !== undefined) await this.requireProfile(input.profileId);
    const { title, profileId } = input.searchId === undefined ? { title: titleOf(input), profileId: null } : await this.titleOfSearch(input.searchId, principal);
    try {
      const item = await this.items.create({
        id: randomUUID(),
        userId: principal.userId,
        ...title,
        profileId: input.profileId ?? profileId,
        autoDownload: input.autoDownload,
      });
      return toWatchlistItemDto(item);
    } catch (error) {
      if (error instanceof UnknownQualityProfileError) throw unknownProfile(input.profileId ?? profileId ?? '');
      if (!(error instanceof DuplicateWatchlistItemError)) throw error;
      throw new ProblemException(HttpStatus.CONFLICT, 'watchlist-item-exists', 'Already on the watchlist', `${describeTitle(title)} is already on your watchlist.`);
    }
  }

  /** The caller's items (everyone's for admins), newest first. */
  async list(principal: Principal, limit: number, cursor?: string): Promise<WatchlistPageDto> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) throw new ValidationProblem([{ pointer: '/cursor', detail: 'not a cursor from a previous page' }]);
    const rows = await this.items.listPage(isAdmin(principal) ? null : principal.userId, limit + 1, after);
    const items = rows.slice(0, limit).map(toWatchlistItemDto);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null };
  }

  async get(id: string, principal: Principal): Promise<WatchlistItemDto> {
    return toWatchlistItemDto(await this.visible(id, principal));
  }

  /**
   * Changes the profile, automatic download or paused flag. What is already so is no change
   * (repeating a request is harmless); an actual change to an item whose download is under way
   * is a 409, as the repository leaves such items alone.
   */
  async update(id: string, input: UpdateWatchlistItemDto, principal: Principal): Promise<WatchlistItemDto> {
    const item = await this.visible(id, principal);
    if (typeof input.profileId === 'string') await this.requireProfile(input.profileId);
    const changes = changesTo(item, input);
    if (Object.keys(changes).length === 0) return toWatchlistItemDto(item);
    if (BUSY.has(item.status)) throw busy(item);
    const updated = await this.items.update(id, changes).catch((error: unknown) => {
      throw error instanceof UnknownQualityProfileError ? unknownProfile(String(input.profileId)) : error;
    });
    if (!updated) throw notFound(id);
    // A grab may have claimed the item between the read above and the update.
    if (!applied(updated, changes)) throw busy(updated);
    return toWatchlistItemDto(updated);
  }

  /** Removes the item whatever its status; a download already requested goes on, but is no longer re-sent. */
  async delete(id: string, principal: Principal): Promise<void> {
    await this.visible(id, principal);
    if (!(await this.items.delete(id))) throw notFound(id);
  }

  /** Another user's item is "not found", not "forbidden": its existence is not revealed. */
  private async visible(id: string, principal: Principal): Promise<WatchlistItemEntity> {
    const item = await this.items.findById(id);
    if (!item || !ownedBy(item.userId, principal)) throw notFound(id);
    return item;
  }

  private async requireProfile(profileId: string): Promise<void> {
    if (!(await this.profiles.findById(profileId))) throw unknownProfile(profileId);
  }

  /** What a search of the caller's (anyone's, for an admin) was identified as, and the profile it was ranked by. */
  private async titleOfSearch(searchId: string, principal: Principal): Promise<{ title: Title; profileId: string | null }> {
    const search = await this.searches.findById(searchId);
    if (!search || !ownedBy(search.userId, principal)) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'search-not-found', 'Search not found', `No search has id ${searchId}.`);
    }
    const media = search.media;
    if (!media || media.tmdbId === null) {
      throw new ProblemException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'search-not-identified',
        'The search was not identified',
        `Search ${searchId} is ${search.status === 'queued' || search.status === 'running' ? 'still running' : 'not identified with a TMDB title'}; give kind, tmdbId and title instead.`,
      );
    }
    const series = media.kind === 'series';
    const season = series ? media.season : null;
    return {
      title: {
        kind: media.kind,
        tmdbId: media.tmdbId,
        title: media.title.slice(0, 300),
        year: media.year,
        season,
        episode: season === null ? null : media.episode,
      },
      profileId: search.profileId,
    };
  }
}

function ownedBy(userId: string | null, principal: Principal): boolean {
  return userId === principal.userId || isAdmin(principal);
}

function titleOf(input: CreateWatchlistItemDto): Title {
  // The schema requires kind, tmdbId and title when searchId is absent.
  if (input.kind === undefined || input.tmdbId === undefined || input.title === undefined) throw new Error('kind, tmdbId and title are validated as present');
  return { kind: input.kind, tmdbId: input.tmdbId, title: input.title, year: input.year ?? null, season: input.season ?? null, episode: input.episode ?? null };
}

function describeTitle(title: Title): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const part = title.season === null ? '' : ` S${pad(title.season)}${title.episode === null ? '' : `E${pad(title.episode)}`}`;
  return `${JSON.stringify(title.title)}${part} (${title.kind} ${title.tmdbId})`;
}

/** Only what differs from the item as it is. */
function changesTo(item: WatchlistItemEntity, input: UpdateWatchlistItemDto): WatchlistChanges {
  const changes: WatchlistChanges = {};
  if (input.profileId !== undefined && input.profileId !== item.profileId) changes.profileId = input.profileId;
  if (input.autoDownload !== undefined && input.autoDownload !== item.autoDownload) changes.autoDownload = input.autoDownload;
  if (input.paused !== undefined && input.paused !== (item.status === 'paused')) changes.status = input.paused ? 'paused' : 'wanted';
  return changes;
}

function applied(item: WatchlistItemEntity, changes: WatchlistChanges): boolean {
  return (Object.keys(changes) as Array<keyof WatchlistChanges>).every((key) => item[key] === changes[key]);
}

function notFound(id: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, 'watchlist-item-not-found', 'Watchlist item not found', `No watchlist item has id ${id}.`);
}

function busy(item: WatchlistItemEntity): ProblemException {
  return new ProblemException(
    HttpStatus.CONFLICT,
    'watchlist-item-busy',
    'The download is under way',
    `${JSON.stringify(item.title)} is ${item.status}: its download was requested, so it can no longer be paused, resumed or changed.`,
  );
}
