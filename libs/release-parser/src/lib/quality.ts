/**
 * From the tags to a source, a resolution, a modifier and a quality name. Sonarr and Radarr
 * fill gaps differently, and each is right for its own kind of release: a TV episode that names
 * only `1080p` is an HDTV capture for Sonarr, a movie that names only `1080p` a WEB-DL for
 * Radarr. Episodes follow Sonarr, movies Radarr.
 */
import { SourceTag, type Tags } from './tags';
import type { Modifier, QualityName, Resolution, Source } from './types';

export interface Quality {
  readonly source: Source | null;
  readonly resolution: Resolution | null;
  readonly modifier: Modifier | null;
  readonly quality: QualityName;
}

/** Sonarr's and Radarr's qualities for a file that names none, by extension. */
const BY_EXTENSION: Readonly<Record<string, Omit<Quality, 'quality'>>> = {
  avi: { source: 'tv', resolution: 480, modifier: null },
  divx: { source: 'tv', resolution: 480, modifier: null },
  xvid: { source: 'tv', resolution: 480, modifier: null },
  mp4: { source: 'tv', resolution: 480, modifier: null },
  m4v: { source: 'tv', resolution: 480, modifier: null },
  wmv: { source: 'tv', resolution: 480, modifier: null },
  mpg: { source: 'tv', resolution: 480, modifier: null },
  mpeg: { source: 'tv', resolution: 480, modifier: null },
  mov: { source: 'tv', resolution: 480, modifier: null },
  flv: { source: 'tv', resolution: 480, modifier: null },
  '3gp': { source: 'tv', resolution: 480, modifier: null },
  ogm: { source: 'tv', resolution: 480, modifier: null },
  mkv: { source: 'tv', resolution: 720, modifier: null },
  ts: { source: 'tv', resolution: 720, modifier: null },
  wtv: { source: 'tv', resolution: 720, modifier: null },
  m2ts: { source: 'bluray', resolution: 720, modifier: null },
  iso: { source: 'dvd', resolution: 480, modifier: null },
  img: { source: 'dvd', resolution: 480, modifier: null },
  vob: { source: 'dvd', resolution: 480, modifier: null },
};

const NO_QUALITY: Quality = { source: null, resolution: null, modifier: null, quality: 'Unknown' };

export function decideQuality(tags: Tags, extension: string | null, episode: boolean): Quality {
  const resolution = tags.resolution ?? (tags.uhd && (tags.source === SourceTag.BluRay || tags.remux) ? 2160 : null);
  const lowDefinitionCodec = tags.videoCodec === 'xvid' || tags.videoCodec === 'divx';
  const remux = tags.remux && (resolution === null || resolution >= 1080);

  switch (tags.source) {
    case SourceTag.BluRay:
    case SourceTag.BdRip: {
      if (!episode && tags.brDisk && tags.source === SourceTag.BluRay && !tags.remux) {
        return named('bluray', resolution === 2160 ? 2160 : resolution ?? 1080, 'brdisk', episode);
      }
      if (remux) return named('bluray', resolution ?? 1080, 'remux', episode);
      if (lowDefinitionCodec) return named('bluray', 480, null, episode);
      const fallback: Resolution = tags.source === SourceTag.BdRip ? 480 : 720;
      return named('bluray', resolution ?? fallback, null, episode);
    }
    case SourceTag.WebDl:
    case SourceTag.WebRip:
      return named(tags.source === SourceTag.WebDl ? 'webdl' : 'webrip', resolution ?? (tags.bracketedHd ? 720 : 480), null, episode);
    case SourceTag.Hdtv:
    case SourceTag.Tv: {
      if (tags.rawHd) return named('tv', resolution ?? 1080, 'rawhd', episode);
      const hd = tags.bracketedHd || tags.highResTv || tags.otherTv === 'hd' ? 720 : 480;
      return named('tv', resolution ?? hd, null, episode);
    }
    case SourceTag.Dvd:
      if (remux && !tags.dvdr) return named('bluray', resolution ?? 1080, 'remux', episode);
      return named('dvd', 480, tags.dvdr ? 'remux' : null, episode);
    case SourceTag.Screener:
      return named('dvd', 480, 'screener', episode);
    case SourceTag.Regional:
      return named('dvd', 480, 'regional', episode);
    case SourceTag.Cam:
      return named('cam', resolution ?? (tags.hdCapture ? 720 : null), null, episode);
    case SourceTag.Telesync:
      return named('telesync', resolution ?? (tags.hdCapture ? 720 : null), null, episode);
    case SourceTag.Telecine:
      return named('telecine', resolution ?? (tags.hdCapture ? 720 : null), null, episode);
    case SourceTag.Workprint:
      return named('workprint', resolution, null, episode);
  }

  if (tags.rawHd) return named('tv', resolution ?? 1080, 'rawhd', episode);
  if (remux && resolution !== null) return named('bluray', resolution, 'remux', episode);
  if (resolution !== null) return named(episode ? 'tv' : 'webdl', resolution, null, episode);
  if (episode && tags.videoCodec === 'h264' && !tags.remux) return named('tv', 480, null, episode);
  if (extension !== null) {
    const guess = BY_EXTENSION[extension];
    if (guess !== undefined) return named(guess.source, guess.resolution, guess.modifier, episode);
  }
  return NO_QUALITY;
}

function named(source: Source | null, resolution: Resolution | null, modifier: Modifier | null, episode: boolean): Quality {
  return { source, resolution, modifier, quality: qualityName(source, resolution, modifier, episode) };
}

/** The Sonarr/Radarr quality name of a source, resolution and modifier. */
export function qualityName(source: Source | null, resolution: Resolution | null, modifier: Modifier | null, episode: boolean): QualityName {
  switch (source) {
    case null:
      return 'Unknown';
    case 'cam':
      return 'CAM';
    case 'telesync':
      return 'TELESYNC';
    case 'telecine':
      return 'TELECINE';
    case 'workprint':
      return 'WORKPRINT';
    case 'dvd':
      if (modifier === 'screener') return 'DVDSCR';
      if (modifier === 'regional') return 'REGIONAL';
      return modifier === 'remux' && !episode ? 'DVD-R' : 'DVD';
    case 'tv':
      if (modifier === 'rawhd') return 'Raw-HD';
      if (resolution === 2160) return 'HDTV-2160p';
      if (resolution === 1080) return 'HDTV-1080p';
      if (resolution === 720) return 'HDTV-720p';
      return 'SDTV';
    case 'webdl':
      return resolution === 2160 ? 'WEBDL-2160p' : resolution === 1080 ? 'WEBDL-1080p' : resolution === 720 ? 'WEBDL-720p' : 'WEBDL-480p';
    case 'webrip':
      return resolution === 2160 ? 'WEBRip-2160p' : resolution === 1080 ? 'WEBRip-1080p' : resolution === 720 ? 'WEBRip-720p' : 'WEBRip-480p';
    case 'bluray':
      if (modifier === 'brdisk') return 'BR-DISK';
      if (modifier === 'remux') return resolution === 2160 ? 'Remux-2160p' : 'Remux-1080p';
      if (resolution === 2160) return 'Bluray-2160p';
      if (resolution === 1080) return 'Bluray-1080p';
      if (resolution === 720) return 'Bluray-720p';
      // Sonarr has no 576p Blu-ray quality; Radarr has.
      return resolution === 576 && !episode ? 'Bluray-576p' : 'Bluray-480p';
  }
}
