import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Media, SearchRequested } from '@sokoul/contracts';
import type { MetadataStatus } from '@sokoul/persistence';
import { parseReleaseTitle } from '@sokoul/release-parser';
import { type TmdbClient, TmdbError, type TmdbTitleSummary } from '@sokoul/scout/tmdb';
import { TMDB_CLIENT } from './scout.tokens';

export interface Identification {
  media: Media;
  status: MetadataStatus;
}

/** Lower case, no diacritics, punctuation as spaces: "Shōgun" and "shogun" compare equal. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function similarity(a: string, b: string): number {
  const x = normalizeTitle(a);
  const y = normalizeTitle(b);
  if (x === y) return 1;
  const left = new Set(x.split(' '));
  const right = new Set(y.split(' '));
  const shared = [...left].filter((t) => right.has(t)).length;
  return shared / Math.max(left.size, right.size);
}

/**
 * Works out what a search is for: the query's own words first (title, year, season, episode,
 * as a release parser reads them), then TMDB for ids and the canonical title. Without TMDB, or
 * when it fails, the search goes on with the text and says so in `status`.
 */
@Injectable()
export class MediaIdentifier {
  private readonly logger = new Logger(MediaIdentifier.name);

  constructor(@Optional() @Inject(TMDB_CLIENT) private readonly tmdb?: TmdbClient) {}

  async identify(request: SearchRequested): Promise<Identification> {
    const parsed = parseReleaseTitle(request.query);
    const year = parsed.year;
    const title = (year && parsed.title.endsWith(String(year)) ? parsed.title.slice(0, -4) : parsed.title).trim() || request.query;
    const season = request.season ?? parsed.season;
    const episode = request.episode ?? parsed.episodes[0] ?? null;
    const kind = request.tmdb?.kind ?? (season !== null ? 'series' : 'movie');
    const fromText: Media = { kind, title, year, season, episode, tmdbId: null, imdbId: null, tvdbId: null };
    if (!this.tmdb) return { media: fromText, status: 'not-configured' };

    try {
      const id = request.tmdb?.id ?? (await this.bestMatch(fromText))?.id;
      if (id === undefined) return { media: fromText, status: 'not-found' };
      if (kind === 'movie') {
        const movie = await this.tmdb.movie(id);
        return { media: { ...fromText, title: movie.title, year: movie.year, tmdbId: movie.id, imdbId: movie.imdbId }, status: 'identified' };
      }
      const show = await this.tmdb.tv(id);
      return {
        media: { ...fromText, kind: 'series', title: show.title, year: show.year, tmdbId: show.id, imdbId: show.imdbId, tvdbId: show.tvdbId },
        status: 'identified',
      };
    } catch (error) {
      if (!(error instanceof TmdbError)) throw error;
      this.logger.warn(`TMDB unavailable, searching on the text alone: ${error.message}`);
      return { media: fromText, status: 'unavailable' };
    }
  }

  /** TMDB's candidates ranked by title likeness and year; none when nothing is close. */
  private async bestMatch(media: Media): Promise<TmdbTitleSummary | undefined> {
    const tmdb = this.tmdb as TmdbClient;
    const page =
      media.kind === 'series'
        ? await tmdb.searchTv(media.title, media.year ? { firstAirDateYear: media.year } : {})
        : await tmdb.searchMovie(media.title, media.year ? { year: media.year } : {});
    let best: { result: TmdbTitleSummary; score: number } | undefined;
    page.results.forEach((result, position) => {
      const titleScore = Math.max(similarity(media.title, result.title), similarity(media.title, result.originalTitle));
      const yearScore = media.year === null || result.year === null ? 0 : Math.abs(media.year - result.year) <= 1 ? 0.5 : -0.5;
      const score = titleScore + yearScore - position * 0.01;
      if (titleScore >= 0.5 && (!best || score > best.score)) best = { result, score };
    });
    return best?.result;
  }
}
