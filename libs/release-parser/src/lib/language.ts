/**
 * Audio languages named in a release: full words (`German`, `TRUEFRENCH`, `VOSTFR`) and the
 * abbreviations scene and tracker groups use (`ITA`, `Ger`, `PLDUB`). A language followed by
 * `SUB`/`SUBS` names subtitles, not audio, except Dutch: Dutch releases are subtitled and
 * Sonarr counts `NLsubs` as Dutch.
 */
import type { Language } from './types';
import type { Token } from './tokens';

const WORDS = new Map<string, Language>([
  ['english', 'english'],
  ['eng', 'english'],
  ['french', 'french'],
  ['truefrench', 'french'],
  ['vostfr', 'french'],
  ['vff', 'french'],
  ['vfq', 'french'],
  ['vf2', 'french'],
  ['vfi', 'french'],
  ['vf', 'french'],
  ['fr', 'french'],
  ['fra', 'french'],
  ['fre', 'french'],
  ['spanish', 'spanish'],
  ['castellano', 'spanish'],
  ['espanol', 'spanish'],
  ['español', 'spanish'],
  ['spa', 'spanish'],
  ['esp', 'spanish'],
  ['german', 'german'],
  ['deutsch', 'german'],
  ['ger', 'german'],
  ['videomann', 'german'],
  ['italian', 'italian'],
  ['ita', 'italian'],
  ['danish', 'danish'],
  ['dutch', 'dutch'],
  ['nlsub', 'dutch'],
  ['nlsubs', 'dutch'],
  ['japanese', 'japanese'],
  ['jpn', 'japanese'],
  ['icelandic', 'icelandic'],
  ['chinese', 'chinese'],
  ['cantonese', 'cantonese'],
  ['mandarin', 'mandarin'],
  ['korean', 'korean'],
  ['kor', 'korean'],
  ['russian', 'russian'],
  ['rus', 'russian'],
  ['polish', 'polish'],
  ['pl', 'polish'],
  ['pldub', 'polish'],
  ['dubpl', 'polish'],
  ['pllek', 'polish'],
  ['lekpl', 'polish'],
  ['vietnamese', 'vietnamese'],
  ['swedish', 'swedish'],
  ['swe', 'swedish'],
  ['norwegian', 'norwegian'],
  ['nordic', 'norwegian'],
  ['nor', 'norwegian'],
  ['finnish', 'finnish'],
  ['fin', 'finnish'],
  ['turkish', 'turkish'],
  ['portuguese', 'portuguese'],
  ['dublado', 'portuguese-br'],
  ['flemish', 'flemish'],
  ['greek', 'greek'],
  ['hungarian', 'hungarian'],
  ['hun', 'hungarian'],
  ['hundub', 'hungarian'],
  ['hebrew', 'hebrew'],
  ['heb', 'hebrew'],
  ['hebdub', 'hebrew'],
  ['lithuanian', 'lithuanian'],
  ['lt', 'lithuanian'],
  ['czech', 'czech'],
  ['cz', 'czech'],
  ['arabic', 'arabic'],
  ['hindi', 'hindi'],
  ['thai', 'thai'],
  ['bulgarian', 'bulgarian'],
  ['bgaudio', 'bulgarian'],
  ['romanian', 'romanian'],
  ['ukrainian', 'ukrainian'],
  ['ukr', 'ukrainian'],
  ['catalan', 'catalan'],
  ['latvian', 'latvian'],
  ['estonian', 'estonian'],
  ['slovak', 'slovak'],
  ['persian', 'persian'],
  ['tamil', 'tamil'],
  ['telugu', 'telugu'],
  ['malayalam', 'malayalam'],
  ['indonesian', 'indonesian'],
]);

/** Words spelt out in full: unlike codes, they may end a movie title even before the year. */
const FULL_WORDS = new Set([
  'english', 'french', 'truefrench', 'vostfr', 'spanish', 'castellano', 'german', 'italian', 'danish', 'dutch', 'japanese',
  'icelandic', 'chinese', 'cantonese', 'mandarin', 'korean', 'russian', 'polish', 'vietnamese', 'swedish', 'norwegian',
  'finnish', 'turkish', 'portuguese', 'flemish', 'greek', 'hungarian', 'hebrew', 'lithuanian', 'czech', 'arabic', 'hindi',
  'thai', 'bulgarian', 'romanian', 'ukrainian', 'dublado', 'nordic',
]);

const SUBTITLES = new Set(['sub', 'subs', 'subbed', 'subtitle', 'subtitles', 'subtitulado']);

export interface LanguageMatch {
  readonly language: Language | null;
  /** Tokens used (2 for `PL-DUB`). */
  readonly used: number;
}

const NONE: LanguageMatch = { language: null, used: 1 };

/** The language the token at i names, if any. `null` language with used > 0: a subtitle tag. */
export function languageAt(tokens: readonly Token[], i: number): LanguageMatch | null {
  const lower = tokens[i].lower;
  const after = i + 1 < tokens.length ? tokens[i + 1].lower : '';
  if (lower === 'sub' && (after === 'pl' || after === 'ita' || after === 'eng')) return { language: null, used: 2 };
  if ((lower === 'dub' || lower === 'lek') && after === 'pl') return { language: 'polish', used: 2 };
  if (lower === 'nl' && SUBTITLES.has(after)) return { language: 'dutch', used: 2 };
  if (lower === 'multi' && SUBTITLES.has(after)) return NONE;
  const language = WORDS.get(lower);
  if (language === undefined) return null;
  if (lower === 'pl' && (after === 'dub' || after === 'lek')) return { language, used: 2 };
  if (SUBTITLES.has(after) && language !== 'dutch' && lower !== 'vostfr') return { language: null, used: 2 };
  return { language, used: 1 };
}

export function isFullLanguageWord(lower: string): boolean {
  return FULL_WORDS.has(lower);
}

/** Languages named from token `from` on, in order of appearance, without repeats. */
export function readLanguages(tokens: readonly Token[], from: number, to: number): Language[] {
  const languages: Language[] = [];
  for (let i = Math.max(from, 0); i < to; ) {
    const match = languageAt(tokens, i);
    if (match === null) {
      i++;
      continue;
    }
    if (match.language !== null && !languages.includes(match.language)) languages.push(match.language);
    i += match.used;
  }
  return languages;
}
