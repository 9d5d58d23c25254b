/**
 * One pass over the tokens that recognises the technical tags of a release: resolution, source,
 * codecs, HDR, audio, revision flags. Every keyword is looked up as a whole token (or a short run
 * of tokens, `WEB-DL`, `H.264`, `DTS-HD MA`), in a map built once at module load.
 */
import type { AudioCodec, HdrFormat, Resolution, VideoCodec } from './types';
import { type Token, charAfter, isFrameSize } from './tokens';

/** What a token is, for the title boundary and the episode parser. */
export const enum Kind {
  None = 0,
  /** Resolution, source, codec, audio, HDR, container, streaming service… */
  Quality = 1,
  /** PROPER, REPACK, INTERNAL, LIMITED, MULTi, DL… */
  Flag = 2,
  /** `v2` */
  Version = 3,
}

export const enum SourceTag {
  BluRay = 1,
  BdRip,
  WebDl,
  WebRip,
  Hdtv,
  Tv,
  Dvd,
  Screener,
  Regional,
  Cam,
  Telesync,
  Telecine,
  Workprint,
}

export interface Tags {
  readonly kinds: Uint8Array;
  /** The last source named (Sonarr and Radarr take the last one). */
  source: SourceTag | 0;
  /** The first resolution named. */
  resolution: Resolution | null;
  /** `UHD` without a resolution: 2160p for a Blu-ray. */
  uhd: boolean;
  remux: boolean;
  brDisk: boolean;
  rawHd: boolean;
  dvdr: boolean;
  /** `HR.WS`: a 720p PDTV capture. */
  highResTv: boolean;
  /** `[HDTV]`, `[WEBDL]`, `[Web]`: Sonarr's own 720p naming. */
  bracketedHd: boolean;
  /** `HD TV` or `SD TV`, Sonarr's "other source" naming. */
  otherTv: 'hd' | 'sd' | null;
  /** HD-TS, HDCAM…: pre-release captures at least 720p. */
  hdCapture: boolean;
  videoCodec: VideoCodec | null;
  bitDepth: 8 | 10 | 12 | null;
  hdr: HdrFormat[];
  audioCodec: AudioCodec | null;
  channels: string | null;
  atmos: boolean;
  proper: boolean;
  repack: boolean;
  /** REPACK2 → 2. */
  repackCount: number;
  real: number;
  version: number;
  multi: boolean;
}

type Handler = (tokens: readonly Token[], i: number, name: string, tags: Tags) => number;

const RESOLUTION_TOKEN = /^(\d{3,4})([pi])$/;
const FRAME_SIZE = /^(\d{3,4})x(\d{3,4})$/;
const AUDIO_WITH_CHANNELS = /^(aac|ac3|eac3|dd|ddp|dts|truehd|flac|opus|lpcm|pcm|atmos)(\d)(\d)?$/;
const COMPOUND_BLURAY = /^(?:bd|bluray|blu-ray)(480|576|720|1080|2160)p$/;
const BIT_DEPTH = /^(8|10|12)[-]?bits?$/;
const CHANNEL_COUNT = /^([1-8])ch$/;
const ANIME_VERSION = /\dv(\d)$/;
const VERSION = /^v(\d)$/;
const REPACK_N = /^(?:repack|rerip)(\d)$/;
const DIGIT = /^\d$/;

function resolutionFromHeight(height: number): Resolution | null {
  if (height >= 2000) return 2160;
  if (height >= 1000) return 1080;
  if (height >= 700) return 720;
  if (height >= 570 && height <= 580) return 576;
  if (height >= 300) return 480;
  return null;
}

function resolutionFromWidth(width: number): Resolution | null {
  if (width >= 3800) return 2160;
  if (width >= 1900) return 1080;
  if (width >= 1200) return 720;
  if (width >= 600) return 480;
  return null;
}

function setResolution(tags: Tags, resolution: Resolution | null): void {
  if (tags.resolution === null && resolution !== null) tags.resolution = resolution;
}

function setSource(tags: Tags, source: SourceTag): void {
  tags.source = source;
}

function setCodec(tags: Tags, codec: VideoCodec): void {
  if (tags.videoCodec === null) tags.videoCodec = codec;
}

function addHdr(tags: Tags, format: HdrFormat): void {
  if (!tags.hdr.includes(format)) tags.hdr.push(format);
}

function setAudio(tags: Tags, codec: AudioCodec): void {
  if (tags.audioCodec === null) tags.audioCodec = codec;
}

const next = (tokens: readonly Token[], i: number): string => (i + 1 < tokens.length ? tokens[i + 1].lower : '');

/** `5.1`, `7 1`, `2-0` after an audio tag: the two tokens starting at i. */
function channelsAt(tokens: readonly Token[], i: number, name: string): string | null {
  if (i + 1 >= tokens.length) return null;
  const a = tokens[i];
  const b = tokens[i + 1];
  if (!DIGIT.test(a.lower)) return null;
  const sep = name.slice(a.end, b.start);
  if (sep !== '.' && sep !== ' ' && sep !== '-') return null;
  const second = b.lower === '1ch' ? '1' : b.lower === '0ch' ? '0' : b.lower;
  if (second !== '0' && second !== '1') return null;
  if (!'1245678'.includes(a.lower)) return null;
  return `${a.lower}.${second}`;
}

/** After an audio codec at i (possibly with the first channel digit glued: `DD5`), read the channels. */
function audioChannels(tokens: readonly Token[], i: number, name: string, tags: Tags, gluedFirst: string | undefined, gluedSecond: string | undefined): number {
  if (gluedFirst !== undefined && gluedSecond !== undefined) {
    if (tags.channels === null) tags.channels = `${gluedFirst}.${gluedSecond}`;
    return 1;
  }
  if (gluedFirst !== undefined) {
    const b = tokens[i + 1];
    if (b !== undefined && (b.lower === '0' || b.lower === '1' || b.lower === '1ch' || b.lower === '0ch')) {
      const sep = name.slice(tokens[i].end, b.start);
      if (sep === '.' || sep === ' ') {
        if (tags.channels === null) tags.channels = `${gluedFirst}.${b.lower[0]}`;
        return 2;
      }
    }
    return 1;
  }
  const channels = channelsAt(tokens, i + 1, name);
  if (channels !== null) {
    if (tags.channels === null) tags.channels = channels;
    return 3;
  }
  return 1;
}

function mark(kinds: Uint8Array, from: number, count: number, kind: Kind): void {
  for (let k = from; k < from + count && k < kinds.length; k++) kinds[k] = kind;
}

const sourceWord = (source: SourceTag, resolution?: Resolution): Handler => (_t, _i, _n, tags) => {
  setSource(tags, source);
  if (resolution !== undefined) setResolution(tags, resolution);
  return 1;
};

const codecWord = (codec: VideoCodec): Handler => (_t, _i, _n, tags) => {
  setCodec(tags, codec);
  return 1;
};

const audioWord = (codec: AudioCodec): Handler => (tokens, i, name, tags) => {
  setAudio(tags, codec);
  return audioChannels(tokens, i, name, tags, undefined, undefined);
};

/** Tokens that are quality tags whatever their neighbours. */
const QUALITY_WORDS = new Map<string, Handler>([
  ['bluray', sourceWord(SourceTag.BluRay)],
  ['mbluray', sourceWord(SourceTag.BluRay)],
  ['hddvd', sourceWord(SourceTag.BluRay)],
  ['bdmux', sourceWord(SourceTag.BluRay)],
  ['bdlight', sourceWord(SourceTag.BluRay)],
  ['uhdbd', (_t, _i, _n, tags) => ((tags.uhd = true), setSource(tags, SourceTag.BluRay), 1)],
  ['bdiso', (_t, _i, _n, tags) => ((tags.brDisk = true), setSource(tags, SourceTag.BluRay), 1)],
  ['iso', (_t, _i, _n, tags) => ((tags.brDisk = true), 1)],
  ['bd25', (_t, _i, _n, tags) => ((tags.brDisk = true), setSource(tags, SourceTag.BluRay), 1)],
  ['bd50', (_t, _i, _n, tags) => ((tags.brDisk = true), setSource(tags, SourceTag.BluRay), 1)],
  ['brdisk', (_t, _i, _n, tags) => ((tags.brDisk = true), setSource(tags, SourceTag.BluRay), 1)],
  ['bdrip', sourceWord(SourceTag.BdRip)],
  ['brrip', sourceWord(SourceTag.BdRip)],
  ['bdremux', (_t, _i, _n, tags) => ((tags.remux = true), setSource(tags, SourceTag.BluRay), 1)],
  ['uhdremux', (_t, _i, _n, tags) => ((tags.remux = true), (tags.uhd = true), setSource(tags, SourceTag.BluRay), 1)],
  ['remux', (_t, _i, _n, tags) => ((tags.remux = true), 1)],
  ['webdl', sourceWord(SourceTag.WebDl)],
  ['webhd', sourceWord(SourceTag.WebDl)],
  ['ituneshd', sourceWord(SourceTag.WebDl)],
  ['amazonhd', sourceWord(SourceTag.WebDl)],
  ['amazonsd', sourceWord(SourceTag.WebDl)],
  ['netflixhd', sourceWord(SourceTag.WebDl)],
  ['netflixuhd', sourceWord(SourceTag.WebDl)],
  ['maxdomehd', sourceWord(SourceTag.WebDl)],
  ['webrip', sourceWord(SourceTag.WebRip)],
  ['webmux', sourceWord(SourceTag.WebRip)],
  ['hdrip', sourceWord(SourceTag.WebRip)],
  ['hdtv', sourceWord(SourceTag.Hdtv)],
  ['hdtvrip', sourceWord(SourceTag.Hdtv)],
  ['pdtv', sourceWord(SourceTag.Tv)],
  ['sdtv', sourceWord(SourceTag.Tv)],
  ['dsr', sourceWord(SourceTag.Tv)],
  ['dsrip', sourceWord(SourceTag.Tv)],
  ['tvrip', sourceWord(SourceTag.Tv)],
  ['satrip', sourceWord(SourceTag.Tv)],
  ['dvbrip', sourceWord(SourceTag.Tv)],
  ['dvd', sourceWord(SourceTag.Dvd)],
  ['dvdrip', sourceWord(SourceTag.Dvd)],
  ['ntsc', sourceWord(SourceTag.Dvd)],
  ['pal', sourceWord(SourceTag.Dvd)],
  ['xvidvd', sourceWord(SourceTag.Dvd)],
  ['dvd5', (_t, _i, _n, tags) => ((tags.dvdr = true), setSource(tags, SourceTag.Dvd), 1)],
  ['dvd9', (_t, _i, _n, tags) => ((tags.dvdr = true), setSource(tags, SourceTag.Dvd), 1)],
  ['dvdr', (_t, _i, _n, tags) => ((tags.dvdr = true), setSource(tags, SourceTag.Dvd), 1)],
  ['dvdscr', sourceWord(SourceTag.Screener)],
  ['dvdscreener', sourceWord(SourceTag.Screener)],
  ['bdscr', sourceWord(SourceTag.Screener)],
  ['webscr', sourceWord(SourceTag.Screener)],
  ['screener', sourceWord(SourceTag.Screener)],
  ['scr', sourceWord(SourceTag.Screener)],
  ['r5', sourceWord(SourceTag.Regional)],
  ['r6', sourceWord(SourceTag.Regional)],
  ['regional', sourceWord(SourceTag.Regional)],
  ['cam', sourceWord(SourceTag.Cam)],
  ['camrip', sourceWord(SourceTag.Cam)],
  ['hdcam', (_t, _i, _n, tags) => ((tags.hdCapture = true), setSource(tags, SourceTag.Cam), 1)],
  ['hqcam', sourceWord(SourceTag.Cam)],
  ['ts', sourceWord(SourceTag.Telesync)],
  ['telesync', sourceWord(SourceTag.Telesync)],
  ['tsrip', sourceWord(SourceTag.Telesync)],
  ['hdts', (_t, _i, _n, tags) => ((tags.hdCapture = true), setSource(tags, SourceTag.Telesync), 1)],
  ['hdtsrip', (_t, _i, _n, tags) => ((tags.hdCapture = true), setSource(tags, SourceTag.Telesync), 1)],
  ['pdvd', sourceWord(SourceTag.Telesync)],
  ['tc', sourceWord(SourceTag.Telecine)],
  ['telecine', sourceWord(SourceTag.Telecine)],
  ['hdtc', (_t, _i, _n, tags) => ((tags.hdCapture = true), setSource(tags, SourceTag.Telecine), 1)],
  ['workprint', sourceWord(SourceTag.Workprint)],
  ['wp', sourceWord(SourceTag.Workprint)],
  ['fhd', (_t, _i, _n, tags) => (setResolution(tags, 1080), 1)],
  ['rawhd', (_t, _i, _n, tags) => ((tags.rawHd = true), 1)],
  ['mpeg2', (_t, _i, _n, tags) => ((tags.rawHd = true), setCodec(tags, 'mpeg2'), 1)],
  ['x264', codecWord('h264')],
  ['h264', codecWord('h264')],
  ['avc', codecWord('h264')],
  ['x265', codecWord('h265')],
  ['h265', codecWord('h265')],
  ['hevc', codecWord('h265')],
  ['av1', codecWord('av1')],
  ['vp9', codecWord('vp9')],
  ['xvid', codecWord('xvid')],
  ['xvidhd', codecWord('xvid')],
  ['divx', codecWord('divx')],
  ['vc1', codecWord('vc1')],
  ['hi10p', (_t, _i, _n, tags) => ((tags.bitDepth ??= 10), 1)],
  ['hi10', (_t, _i, _n, tags) => ((tags.bitDepth ??= 10), 1)],
  ['hdr', (_t, _i, _n, tags) => (addHdr(tags, 'HDR10'), 1)],
  ['hdr10', (tokens, i, name, tags) => (addHdr(tags, charAfter(name, tokens[i]) === '+' ? 'HDR10+' : 'HDR10'), 1)],
  ['hdr10plus', (_t, _i, _n, tags) => (addHdr(tags, 'HDR10+'), 1)],
  ['dv', (_t, _i, _n, tags) => (addHdr(tags, 'DV'), 1)],
  ['dovi', (_t, _i, _n, tags) => (addHdr(tags, 'DV'), 1)],
  ['hlg', (_t, _i, _n, tags) => (addHdr(tags, 'HLG'), 1)],
  ['aac', audioWord('AAC')],
  ['ac3', audioWord('AC3')],
  ['ac3d', (tokens, i, name, tags) => ((tags.multi = true), setAudio(tags, 'AC3'), audioChannels(tokens, i, name, tags, undefined, undefined))],
  ['eac3', audioWord('EAC3')],
  ['ddp', audioWord('EAC3')],
  ['truehd', audioWord('TrueHD')],
  ['flac', audioWord('FLAC')],
  ['flacx2', audioWord('FLAC')],
  ['opus', audioWord('Opus')],
  ['mp3', audioWord('MP3')],
  ['pcm', audioWord('PCM')],
  ['lpcm', audioWord('PCM')],
  ['dtsx', audioWord('DTS-X')],
  ['dtshd', audioWord('DTS-HD MA')],
  ['dtsma', audioWord('DTS-HD MA')],
  ['dtshdma', audioWord('DTS-HD MA')],
  ['atmos', (tokens, i, name, tags) => ((tags.atmos = true), audioChannels(tokens, i, name, tags, undefined, undefined))],
  ['mkv', () => 1],
  ['mp4', () => 1],
  ['avi', () => 1],
  ['amzn', () => 1],
  ['nf', () => 1],
  ['dsnp', () => 1],
  ['dsny', () => 1],
  ['dsnyp', () => 1],
  ['hmax', () => 1],
  ['atvp', () => 1],
  ['pcok', () => 1],
  ['pmtp', () => 1],
  ['hulu', () => 1],
  ['ws', (tokens, i, _n, tags) => {
    // HR.WS: a high-resolution widescreen PDTV capture (720p).
    if (i > 0 && tokens[i - 1].lower === 'hr') tags.highResTv = true;
    if (next(tokens, i) === 'dsr') {
      setSource(tags, SourceTag.Tv);
      return 2;
    }
    return 1;
  }],
  ['uhd', (tokens, i, _n, tags) => {
    tags.uhd = true;
    if (next(tokens, i) === '4k') {
      setResolution(tags, 2160);
      return 2;
    }
    return 1;
  }],
  ['4k', (tokens, i, _n, tags) => {
    const before = i > 0 ? tokens[i - 1].lower : '';
    const after = next(tokens, i);
    if (FOUR_K_NEIGHBOURS.has(before) || FOUR_K_NEIGHBOURS.has(after)) setResolution(tags, 2160);
    return 1;
  }],
  ['raw', (tokens, i, _n, tags) => {
    if (next(tokens, i) === 'hd') {
      tags.rawHd = true;
      return 2;
    }
    return 0;
  }],
  ['mpeg', (tokens, i, _n, tags) => {
    if (next(tokens, i) === '2') {
      tags.rawHd = true;
      setCodec(tags, 'mpeg2');
      return 2;
    }
    return 0;
  }],
  ['vc', (tokens, i, _n, tags) => (next(tokens, i) === '1' ? (setCodec(tags, 'vc1'), 2) : 0)],
  ['x', (tokens, i, _n, tags) => {
    const n = next(tokens, i);
    if (n === 'vid') return setCodec(tags, 'xvid'), 2;
    if (n === '264') return setCodec(tags, 'h264'), 2;
    if (n === '265') return setCodec(tags, 'h265'), 2;
    return 0;
  }],
  ['h', (tokens, i, _n, tags) => {
    const n = next(tokens, i);
    if (n === '264') return setCodec(tags, 'h264'), 2;
    if (n === '265') return setCodec(tags, 'h265'), 2;
    return 0;
  }],
  ['web', (tokens, i, name, tags) => {
    const n = next(tokens, i);
    if (n === 'dl' || n === 'dlmux') return setSource(tags, SourceTag.WebDl), 2;
    if (n === 'rip') return setSource(tags, SourceTag.WebRip), 2;
    if (n === 'hdrip') return setSource(tags, SourceTag.WebRip), 2;
    if (n === 'dlrip') return setSource(tags, SourceTag.WebRip), 2;
    if (isContextualWeb(tokens, i, name)) {
      setSource(tags, SourceTag.WebDl);
      if (tokens[i].text === 'Web' && name[tokens[i].start - 1] === '[' && name[tokens[i].end] === ']') tags.bracketedHd = true;
      return 1;
    }
    return 0;
  }],
  ['blu', (tokens, i, _n, tags) => (next(tokens, i) === 'ray' ? (setSource(tags, SourceTag.BluRay), 2) : 0)],
  ['bd', (tokens, i, name, tags) => {
    // `-BD` at the very end is a release group, not a Blu-ray.
    if (i === tokens.length - 1 && name[tokens[i].start - 1] === '-') return 0;
    const n = next(tokens, i);
    if (n === 'remux') return (tags.remux = true), setSource(tags, SourceTag.BluRay), 2;
    setSource(tags, SourceTag.BluRay);
    return 1;
  }],
  ['hd', (tokens, i, _n, tags) => {
    const n = next(tokens, i);
    if (n === 'tv') return (tags.otherTv = 'hd'), setSource(tags, SourceTag.Tv), 2;
    if (n === 'dvd') return setSource(tags, SourceTag.BluRay), 2;
    if (n === 'ts') return (tags.hdCapture = true), setSource(tags, SourceTag.Telesync), 2;
    if (n === 'tc') return (tags.hdCapture = true), setSource(tags, SourceTag.Telecine), 2;
    if (n === 'cam') return (tags.hdCapture = true), setSource(tags, SourceTag.Cam), 2;
    return 0;
  }],
  ['sd', (tokens, i, _n, tags) => {
    const n = next(tokens, i);
    if (n === 'tv') return (tags.otherTv = 'sd'), setSource(tags, SourceTag.Tv), 2;
    if (n === 'dvd') return setSource(tags, SourceTag.Dvd), 2;
    return 0;
  }],
  ['dvd', (tokens, i, _n, tags) => {
    const n = next(tokens, i);
    if (n === 'rip') return setSource(tags, SourceTag.Dvd), 2;
    if (n === 'r' || n === '5' || n === '9') return (tags.dvdr = true), setSource(tags, SourceTag.Dvd), 2;
    setSource(tags, SourceTag.Dvd);
    return 1;
  }],
  ['e', (tokens, i, name, tags) => {
    if (next(tokens, i) !== 'ac3') return 0;
    setAudio(tags, 'EAC3');
    return 1 + audioChannels(tokens, i + 1, name, tags, undefined, undefined);
  }],
  ['dd', (tokens, i, name, tags) => {
    if (charAfter(name, tokens[i]) === '+') {
      setAudio(tags, 'EAC3');
      return audioChannels(tokens, i, name, tags, undefined, undefined);
    }
    if (next(tokens, i) === 'plus') {
      setAudio(tags, 'EAC3');
      return 1 + audioChannels(tokens, i + 1, name, tags, undefined, undefined);
    }
    setAudio(tags, 'AC3');
    return audioChannels(tokens, i, name, tags, undefined, undefined);
  }],
  ['dts', (tokens, i, name, tags) => {
    const n = next(tokens, i);
    let used = 1;
    if (n === 'hd' || n === 'hr') {
      const third = i + 2 < tokens.length ? tokens[i + 2].lower : '';
      if (third === 'ma') {
        setAudio(tags, 'DTS-HD MA');
        used = 3;
      } else if (third === 'hra' || n === 'hr') {
        setAudio(tags, n === 'hr' && third === 'ma' ? 'DTS-HD MA' : 'DTS-HD HRA');
        used = third === 'hra' ? 3 : 2;
      } else {
        setAudio(tags, 'DTS-HD MA');
        used = 2;
      }
    } else if (n === 'hdma' || n === 'ma') {
      setAudio(tags, 'DTS-HD MA');
      used = 2;
    } else if (n === 'x') {
      setAudio(tags, 'DTS-X');
      used = 2;
      if (i + 2 < tokens.length && tokens[i + 2].lower === 'ma') used = 3;
    } else if (n === 'es') {
      setAudio(tags, 'DTS');
      used = 2;
    } else {
      setAudio(tags, 'DTS');
    }
    return used - 1 + audioChannels(tokens, i + used - 1, name, tags, undefined, undefined);
  }],
  ['true', (tokens, i, name, tags) => {
    if (next(tokens, i) !== 'hd') return 0;
    setAudio(tags, 'TrueHD');
    return 1 + audioChannels(tokens, i + 1, name, tags, undefined, undefined);
  }],
  ['dolby', (tokens, i, _n, tags) => {
    const n = next(tokens, i);
    if (n === 'vision') return addHdr(tags, 'DV'), 2;
    if (n === 'atmos') return (tags.atmos = true), 2;
    if (n === 'digital') return setAudio(tags, 'AC3'), 2;
    return 0;
  }],
  ['2audio', (_t, _i, _n, tags) => ((tags.multi = true), 1)],
]);

/** `4K` is 2160p next to one of these (Sonarr's and Radarr's rule). */
const FOUR_K_NEIGHBOURS = new Set(['uhd', 'hevc', 'bd', 'h265', 'x265', 'hdr', 'hdr10']);

/** Neighbours that make a bare `WEB` a source rather than a word of the title. */
const WEB_NEIGHBOURS = new Set([
  'x264', 'h264', 'x265', 'h265', 'h', 'x', 'avc', 'hevc', 'dd5', 'ddp5', 'ddp', 'dd', 'ddp2', 'dd2', 'aac', 'aac2', 'eac3',
  'amzn', 'nf', 'dsnp', 'hmax', 'atvp', 'hulu', 'dp', 'pcok', 'pmtp', 'mkv', 'proper', 'repack', 'hdr', 'dv', '4k', 'dl',
]);

function isContextualWeb(tokens: readonly Token[], i: number, name: string): boolean {
  const token = tokens[i];
  if (token.text === 'WEB') return true;
  if (token.text === 'Web' && name[token.start - 1] === '[' && name[token.end] === ']') return true;
  for (const j of [i - 1, i + 1]) {
    const other = tokens[j];
    if (other === undefined) continue;
    if (WEB_NEIGHBOURS.has(other.lower) || RESOLUTION_TOKEN.test(other.lower)) return true;
  }
  return false;
}

/** Revision and release flags: not part of a title. */
const FLAG_WORDS = new Set([
  'proper', 'repack', 'rerip', 'real', 'internal', 'limited', 'dubbed', 'subbed', 'dl', 'multi', 'dual', 'complete',
  'readnfo', 'nfofix', 'dirfix', 'syncfix', 'docu', 'festival', 'stv', 'retail', 'hc', 'hardsub', 'hardsubs', 'hybrid',
  '3d', 'hsbs', 'sbs', 'fs', 'ppv', 'sample', 'dubbed', 'dub',
]);

export function emptyTags(length: number): Tags {
  return {
    kinds: new Uint8Array(length),
    source: 0,
    resolution: null,
    uhd: false,
    remux: false,
    brDisk: false,
    rawHd: false,
    dvdr: false,
    highResTv: false,
    bracketedHd: false,
    otherTv: null,
    hdCapture: false,
    videoCodec: null,
    bitDepth: null,
    hdr: [],
    audioCodec: null,
    channels: null,
    atmos: false,
    proper: false,
    repack: false,
    repackCount: 0,
    real: 0,
    version: 0,
    multi: false,
  };
}

/** Recognise every technical tag of the name. */
export function readTags(name: string, tokens: readonly Token[]): Tags {
  const tags = emptyTags(tokens.length);
  if (name.includes('[HDTV]') || name.includes('[WEBDL]')) tags.bracketedHd = true;
  const kinds = tags.kinds;
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i];
    const lower = token.lower;
    const handler = QUALITY_WORDS.get(lower);
    if (handler !== undefined) {
      const used = handler(tokens, i, name, tags);
      if (used > 0) {
        mark(kinds, i, used, Kind.Quality);
        i += used;
        continue;
      }
    }
    const used = readPatterns(tokens, i, name, tags);
    if (used > 0) {
      mark(kinds, i, used, Kind.Quality);
      i += used;
      continue;
    }
    if (FLAG_WORDS.has(lower)) {
      // `Multi Subs` names subtitles, not several audio languages.
      if (lower !== 'multi' || !/^subs?$|^subtitles?$/.test(next(tokens, i))) readFlag(token, tags);
      kinds[i] = Kind.Flag;
    } else if (ANIME_VERSION.test(lower)) {
      tags.version = Math.max(tags.version, Number(lower[lower.length - 1]));
    } else if (VERSION.test(lower) && i > 0) {
      // `v2` ends a title either way; it is a revision only after a number (`01 v2`) or in brackets.
      if (isVersionTag(name, tokens, i)) tags.version = Math.max(tags.version, Number(lower[1]));
      kinds[i] = Kind.Version;
    } else if (REPACK_N.test(lower)) {
      tags.repack = true;
      tags.repackCount = Number(lower[lower.length - 1]);
      kinds[i] = Kind.Flag;
    }
    i++;
  }
  return tags;
}

/** `01 v2` or `[v2]`: a version; `Series v3` is not (Sonarr's rule). */
function isVersionTag(name: string, tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  if (name[token.start - 1] === '[' && name[token.end] === ']') return true;
  const previous = tokens[i - 1];
  const gap = name.slice(previous.end, token.start);
  return (gap === ' ' || gap === '') && /\d$/.test(previous.lower);
}

function readFlag(token: Token, tags: Tags): void {
  switch (token.lower) {
    case 'proper':
      tags.proper = true;
      break;
    case 'repack':
    case 'rerip':
      tags.repack = true;
      break;
    case 'real':
      // Scene groups write REAL in capitals; "Real" is a word of the title.
      if (token.text === 'REAL') tags.real++;
      break;
    case 'multi':
    case 'dual':
    case 'dl':
      tags.multi = true;
      break;
    case 'complete':
      tags.brDisk = true;
      break;
  }
}

/** Tokens recognised by their shape: `1080p`, `1920x1080`, `DD5`, `10bit`, `6ch`, `BD720p`. */
function readPatterns(tokens: readonly Token[], i: number, name: string, tags: Tags): number {
  const lower = tokens[i].lower;
  const first = lower.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    let m = RESOLUTION_TOKEN.exec(lower);
    if (m !== null) {
      const height = Number(m[1]);
      if (height === 960) setResolution(tags, 720);
      else if (height === 1440) setResolution(tags, 1080);
      else if (height >= 360 && height <= 2160) setResolution(tags, resolutionFromHeight(height));
      else return 0;
      return 1;
    }
    m = FRAME_SIZE.exec(lower);
    if (m !== null && isFrameSize(Number(m[1]), Number(m[2]))) {
      setResolution(tags, resolutionFromWidth(Number(m[1])) ?? resolutionFromHeight(Number(m[2])));
      return 1;
    }
    m = BIT_DEPTH.exec(lower);
    if (m !== null) {
      tags.bitDepth ??= Number(m[1]) as 8 | 10 | 12;
      return 1;
    }
    m = CHANNEL_COUNT.exec(lower);
    if (m !== null) {
      tags.channels ??= m[1] === '6' ? '5.1' : m[1] === '8' ? '7.1' : m[1] === '2' ? '2.0' : `${m[1]}.0`;
      return 1;
    }
    if (lower === '10' && next(tokens, i) === 'bit') {
      tags.bitDepth ??= 10;
      return 2;
    }
    if (lower === '10' && next(tokens, i) === 'bits') {
      tags.bitDepth ??= 10;
      return 2;
    }
    if (lower === '4kto1080p') {
      setResolution(tags, 1080);
      return 1;
    }
    // A lone channel layout in brackets: `[5.1]`.
    if (DIGIT.test(lower) && name[tokens[i].start - 1] === '[') {
      const channels = channelsAt(tokens, i, name);
      if (channels !== null && name[tokens[i + 1].end] === ']') {
        tags.channels ??= channels;
        return 2;
      }
    }
    return 0;
  }
  let m = AUDIO_WITH_CHANNELS.exec(lower);
  if (m !== null) {
    const codec = m[1];
    if (codec === 'atmos') tags.atmos = true;
    else setAudio(tags, AUDIO_CODEC_NAMES[codec]);
    if (codec === 'dd' && charAfter(name, tokens[i]) === '+') setAudio(tags, 'EAC3');
    return audioChannels(tokens, i, name, tags, m[2], m[3]);
  }
  m = COMPOUND_BLURAY.exec(lower);
  if (m !== null) {
    setSource(tags, SourceTag.BluRay);
    setResolution(tags, resolutionFromHeight(Number(m[1])));
    return 1;
  }
  if (lower === 'dtshd' || lower === 'dtshdma') {
    setAudio(tags, 'DTS-HD MA');
    return next(tokens, i) === 'ma' ? 2 : 1;
  }
  return 0;
}

const AUDIO_CODEC_NAMES: Readonly<Record<string, AudioCodec>> = {
  aac: 'AAC',
  ac3: 'AC3',
  eac3: 'EAC3',
  dd: 'AC3',
  ddp: 'EAC3',
  dts: 'DTS',
  truehd: 'TrueHD',
  flac: 'FLAC',
  opus: 'Opus',
  lpcm: 'PCM',
  pcm: 'PCM',
};
