/**
 * The release group: an anime `[Group]` prefix, else the word after the last `-` once the
 * suffixes that indexers and re-posters add are gone (`-RP`, `-Obfuscated`, `-Rakuv02`,
 * `[rarbg]`, a language word), else a `[Group]` at the very end. Groups that sign inside
 * brackets (`(… x265 10bit AAC 5.1 Tigole)`) or whose names contain a dash or a dot
 * (`D-Z0N3`, `E.N.D`) are known by name, as in Sonarr and Radarr.
 */

/** Groups that sign at the end of a bracketed list of tags: `(… AAC 5.1 Tigole)`, `[DusIctv]`. */
const BRACKETED_GROUPS = new Set([
  'Joy', 'Tigole', 'afm72', 'Panda', 'Ghost', 'MONOLITH', 'Silence', 'ImE', 'UTR', 't3nzin', 'Anna', 'Bandi', 'Qman',
  'theincognito', 'HDO', 'DusIctv', 'DHD', 'SEV', 'CtrlHD', '-ZR-', 'XZVN', 'RH', 'Kametsu', 'r00t', 'HONE', 'FreetheFish',
  'Kappa', 'RZeroX', 'SAMPA', 'Vyndros', 'Koten_Gars', 'ADC',
]);

/** The last group of BRACKETED_GROUPS that closes a bracket. */
function bracketedGroup(name: string): string | null {
  let found: string | null = null;
  for (let close = name.indexOf(')'), square = name.indexOf(']'); close >= 0 || square >= 0; ) {
    const end = close < 0 ? square : square < 0 ? close : Math.min(close, square);
    let start = end;
    while (start > 0 && !'[( '.includes(name[start - 1])) start--;
    if (start > 0 && start < end && BRACKETED_GROUPS.has(name.slice(start, end))) found = name.slice(start, end);
    if (end === close) close = name.indexOf(')', end + 1);
    else square = name.indexOf(']', end + 1);
  }
  return found;
}

/** Groups whose names would not survive the generic rule. */
const EXACT_GROUPS = /(?:^|[-. [(])(D-Z0N3|Fight-BB|VARYG|E\.N\.D|KRaLiMaRKo|BluDragon|DarQ|KCRT|BEN THE MEN|126811|YTS\.(?:MX|LT|AG|AM)|YIFY)\]?$/i;

/** What indexers and re-posters append after the group: `-RP`, `-Obfuscated`, `-Rakuv02`, `-1`. */
const JUNK_WORDS = new Set([
  'rp', 'obfuscated', 'obfuscation', 'postbot', 'xpost', 'nzbgeek', 'scrambled', 'whiterev', 'buymore', 'asrequested',
  'alternativetorequested', 'gerov', 'z0ids3n', 'chamele0n', '4p', '4planet', 'altezachen', 'repackpost', 'pre', 'sample',
]);

/** Tracker tags in brackets: `[eztv]`, `[rarbg.com]`, `[PublicHD]`. */
const TRACKER_TAG = /^(?:eztv|ettv|rartv|rarbg|cttv|publichd|[a-z0-9]+\.(?:com|org|net|to|re))$/i;

/** Language words written after the group: `-SKGTV English`. */
const TRAILING_LANGUAGES = new Set(['english', 'french', 'german', 'spanish', 'italian', 'dutch']);

/** The name without one suffix added after the group, or unchanged. */
function withoutJunk(text: string): string {
  if (text.endsWith(']')) {
    const open = text.lastIndexOf('[');
    if (open >= 0 && TRACKER_TAG.test(text.slice(open + 1, -1))) {
      const cut = open > 0 && '-_. '.includes(text[open - 1]) ? open - 1 : open;
      return text.slice(0, cut);
    }
    return text;
  }
  const dash = text.lastIndexOf('-');
  if (dash >= 0) {
    const word = text.slice(dash + 1).toLowerCase();
    if (JUNK_WORDS.has(word) || word.startsWith('rakuv') || (word.length === 1 && word >= '0' && word <= '9')) return text.slice(0, dash);
  }
  const space = Math.max(text.lastIndexOf(' '), text.lastIndexOf('.'), text.lastIndexOf('_'));
  if (space > 0 && TRAILING_LANGUAGES.has(text.slice(space + 1).toLowerCase())) return text.slice(0, space);
  return text;
}

const EXTENSION = /\.(?:mkv|mp4|avi|ts|m2ts|wmv|mov)$/i;

/** Characters at the end of a name that can hold suffixes and the group. */
const TAIL = 80;

/** A `[Group]` at the very end, after a separator. */
const TRAILING_BRACKET = /[-._ ]\[([\p{L}\p{N}_]+)\]$/u;

/** A group name: letters, digits, underscores. */
const WORD = /^[\p{L}\p{N}_]+$/u;

/** Longer than any name in EXACT_GROUPS with its separator. */
const EXACT_TAIL = 16;

/** Longer than any extension. */
const SUFFIX_TAIL = 8;

/** The last word of a dashed group that is a tag, not a group: `WEB-DL`, `DTS-HD`, `HDTV-720p`. */
const NOT_A_GROUP = /^(?:dl|ray|hd|x|ma|es|en|cat|ger|fra|fre|ita|eng|bit|rip|web|dts|sub|subs|dub|audio|\d{3,4}[pi]|\d{1,2}|hdtv|webdl|bluray|sdtv|dvd|x264|x265|h264|h265|ac3|aac|dd|hevc|avc|xvid)$/i;

/** A dashed word before the group that makes a two-part group (`Erai-raws`), unless it is a tag. */
const NOT_FIRST_PART =
  /^(?:x264|x265|h264|h265|264|265|hevc|avc|xvid|divx|ac3|eac3|aac|dts|dd|ddp|flac|truehd|atmos|web|webdl|webrip|hdtv|bluray|bdrip|dvdrip|remux|repack|proper|rerip|internal|dl|hd|ma|\d+|\d+p|\d+bit|[a-z0-9]+ch|mpeg)$/i;

const HASH = /^[0-9a-f]{8}$/i;
const QUALITY_WORD = /^(?:\d{3,4}[pi]|sdtv|hdtv|dvd|bd|web|webdl|webrip|bluray|v\d|multi|vostfr|dual audio|480p|720p|1080p)$/i;

export function parseReleaseGroup(name: string, prefixGroup: string | null): string | null {
  if (prefixGroup !== null) return prefixGroup;

  const bracketed = bracketedGroup(name);
  if (bracketed !== null) return bracketed;

  // Only the end matters: work on the last characters, where the suffixes and the group are.
  let text = name.trim();
  if (text.length > TAIL) text = text.slice(text.length - TAIL);
  // A few rounds: `-EVL-RP-RP`, `.mkv-xpost`.
  for (let round = 0, previous = ''; round < 5 && previous !== text; round++) {
    previous = text;
    text = withoutJunk(text);
    text = withoutSuffix(text, EXTENSION).trim();
  }

  const exact = EXACT_GROUPS.exec(text.length > EXACT_TAIL ? text.slice(text.length - EXACT_TAIL) : text);
  if (exact !== null) return exact[1];

  const bracket = text.endsWith(']') ? TRAILING_BRACKET.exec(text) : null;
  if (bracket !== null) {
    const group = bracket[1];
    return HASH.test(group) || QUALITY_WORD.test(group) ? null : group;
  }

  const dash = text.lastIndexOf('-');
  if (dash < 0) return null;
  const group = text.slice(dash + 1);
  if (!WORD.test(group) || NOT_A_GROUP.test(group)) return null;
  // Two parts: `-Erai-raws`, `.-Blu-bits`.
  const before = text.lastIndexOf('-', dash - 1);
  const part1 = before < 0 ? '' : text.slice(before + 1, dash);
  if (part1 !== '' && WORD.test(part1) && !NOT_FIRST_PART.test(part1)) return `${part1}-${group}`;
  return group;
}

/** The text without the suffix the pattern (anchored at the end) finds in its last characters. */
function withoutSuffix(text: string, suffix: RegExp): string {
  const tail = text.length > SUFFIX_TAIL ? text.slice(text.length - SUFFIX_TAIL) : text;
  const m = suffix.exec(tail);
  return m === null ? text : text.slice(0, text.length - m[0].length);
}
