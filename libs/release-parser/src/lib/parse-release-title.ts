import { editionAt } from './edition';
import { parseEpisode } from './episode';
import { readLanguages } from './language';
import { findMovieBoundary } from './movie';
import { prepare } from './prepare';
import { decideQuality } from './quality';
import { parseReleaseGroup } from './release-group';
import { Kind, type Tags, readTags } from './tags';
import { cleanMovieTitle, cleanSeriesTitle } from './title';
import { type Token, tokenize } from './tokens';
import type { EditionTag, Language, ParsedRelease, Revision } from './types';

const TRAILING_YEAR = /(?:^|[ (])((?:19|20)\d\d)\)?$/;
const FOLDER_YEAR = /^\((\d{4})\)\s+/;
/** `Pilot.en.sub`, `Movie-Title-eng-forced.sub`: the language of a subtitle file. */
const SUBTITLE_LANGUAGE = /[._ -](en|eng|english)(?:[._ -]forced)?$/i;

/**
 * Parse a release title (or file name) into its title, numbering and technical facets, as
 * Sonarr and Radarr would. Pure and synchronous; never throws.
 */
export function parseReleaseTitle(title: string): ParsedRelease {
  const raw = typeof title === 'string' ? title : '';
  const prepared = prepare(raw);
  const { name, extension, prefixGroup } = prepared;
  let bodyStart = prepared.bodyStart;
  const tokens = tokenize(name);
  const tags = readTags(name, tokens);
  if (extension === 'iso') tags.brDisk = true;

  let folderYear: number | null = null;
  const folder = FOLDER_YEAR.exec(name.slice(bodyStart));
  if (folder !== null) {
    folderYear = Number(folder[1]);
    bodyStart += folder[0].length;
  }

  const firstBodyToken = firstTokenAt(tokens, bodyStart);
  const episode = parseEpisode({ name, bodyStart, prefixed: prefixGroup !== null, tokens, tags });

  let cleanTitle: string;
  let alternativeTitles: readonly string[] = [];
  let year: number | null;
  let tagIndex: number;
  if (episode !== null) {
    cleanTitle = cleanSeriesTitle(name.slice(bodyStart, episode.titleEnd));
    const trailingYear = TRAILING_YEAR.exec(cleanTitle);
    year = trailingYear === null ? null : Number(trailingYear[1]);
    tagIndex = firstTokenAt(tokens, episode.markerEnd);
  } else {
    const boundary = findMovieBoundary(name, tokens, tags, firstBodyToken);
    const movie = cleanMovieTitle(name.slice(bodyStart, boundary.titleEnd));
    cleanTitle = movie.title;
    alternativeTitles = movie.alternativeTitles;
    year = folderYear ?? boundary.year;
    tagIndex = boundary.tagIndex;
  }

  const quality = decideQuality(tags, extension, episode !== null);
  const releaseGroup = parseReleaseGroup(name, prefixGroup);
  const languageEnd = releaseGroup === null || prefixGroup !== null ? tokens.length : firstTokenAt(tokens, name.lastIndexOf(releaseGroup));
  const languages = extension === 'sub' ? subtitleLanguage(name) : readLanguages(tokens, Math.max(tagIndex, firstBodyToken + 1), languageEnd);
  const edition = episode === null ? readEdition(tokens, tags.kinds, tagIndex, firstBodyToken) : null;

  return {
    raw,
    kind: episode?.kind ?? 'movie',
    title: cleanTitle,
    alternativeTitles,
    year,
    season: episode?.season ?? null,
    episodes: episode?.episodes ?? [],
    absoluteEpisodes: episode?.absoluteEpisodes ?? [],
    specialAbsoluteEpisodes: episode?.specialAbsoluteEpisodes ?? [],
    airDate: episode?.airDate ?? null,
    dailyPart: episode?.dailyPart ?? null,
    fullSeason: episode?.fullSeason ?? false,
    multiSeason: episode?.multiSeason ?? false,
    seasonPart: episode?.seasonPart ?? null,
    seasonExtra: episode?.seasonExtra ?? false,
    special: episode?.special ?? false,
    resolution: quality.resolution,
    source: quality.source,
    modifier: quality.modifier,
    quality: quality.quality,
    revision: revision(tags),
    videoCodec: tags.videoCodec,
    bitDepth: tags.bitDepth,
    hdr: tags.hdr,
    audio: { codec: tags.audioCodec, channels: tags.channels, atmos: tags.atmos },
    languages,
    multiLanguage: tags.multi,
    edition: edition?.text ?? null,
    editions: edition?.tags ?? [],
    releaseGroup,
  };
}

function firstTokenAt(tokens: readonly Token[], offset: number): number {
  for (let i = 0; i < tokens.length; i++) if (tokens[i].start >= offset) return i;
  return tokens.length;
}

function subtitleLanguage(name: string): Language[] {
  return SUBTITLE_LANGUAGE.test(name) ? ['english'] : [];
}

function revision(tags: Tags): Revision {
  let version = 1;
  if (tags.proper || tags.repack) version = 2;
  if (tags.repackCount > 0) version = tags.repackCount + 1;
  if (tags.version > 0) version = Math.max(version, tags.version);
  return { version, real: tags.real, proper: tags.proper, repack: tags.repack };
}

function readEdition(tokens: readonly Token[], kinds: Uint8Array, from: number, firstBodyToken: number): { text: string; tags: EditionTag[] } | null {
  for (let i = Math.max(from, firstBodyToken + 1); i < tokens.length; i++) {
    if (kinds[i] === Kind.Quality) continue;
    const match = editionAt(tokens, i);
    if (match !== null) return match;
  }
  return null;
}

