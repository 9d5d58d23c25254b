/**
 * Whole-token matching of profile terms against release titles.
 *
 * A title is lower-cased, stripped of accents (`Amélie` → `amelie`) and of apostrophes
 * (`Director's` → `directors`), and cut into tokens at anything that is not a letter or a digit
 * (`.`, `-`, `_`, spaces, brackets…). A `+` right after a token, when no letter follows it,
 * belongs to the token: `HDR10+`, `DD+`, `Disney+`.
 *
 * A term matches when its tokens appear as consecutive title tokens; it never matches part of a
 * token: `cam` is not in `Cameron`, `dv` is not in `DVD`, `ts` is not in `Shorts`, and `hdr` is
 * not in `HDR10` (write `hdr10` for that). Two relaxations make the natural spellings agree:
 *
 * - where a letter meets a digit, a separator is optional: `h265` matches `H.265`, `x265` matches
 *   `X265` (not `H265`), `ddp5.1` matches `DDP5.1` and `DDP.5.1`; a term that starts with a digit
 *   may follow letters of the same token: `5.1` matches `DDP5.1`, `265` matches `x265`;
 * - two words of at least two letters each may be written together or apart: `web-dl` matches
 *   `WEB-DL`, `WEB.DL` and `WEBDL`; `dolby vision` matches `DolbyVision`; `bluray` matches
 *   `Blu-Ray`. Single letters never join, so `rip` is not in `R.I.P.D.` nor `dv` in `D.V.D`.
 *
 * Digits never join digits: `5.1` does not match `51`.
 */

const LETTER = 1;
const DIGIT = 2;
const PLUS = 3;

/** A string reduced to its tokens, ready for matching. */
interface Spelling {
  /** The token characters, lower-cased and without accents, separators removed. */
  readonly text: string;
  /** `bounds[i]` is 1 when a token starts or ends at offset `i` (length `text.length + 1`). */
  readonly bounds: Uint8Array;
  /** The character class (letter, digit, plus) at each offset. */
  readonly classes: Uint8Array;
  readonly tokens: readonly string[];
}

/** A release title tokenised once, to be matched against any number of terms. */
export interface TitleTokens extends Spelling {
  readonly title: string;
}

/** A profile term prepared for matching. */
export interface CompiledTerm extends Spelling {
  readonly term: string;
}

const TOKEN = /[\p{L}\p{N}]+(?:\++(?!\p{L}))?/gu;
const MARKS = /\p{M}+/gu;
/** Apostrophes join: `Director's` reads `directors`. */
const APOSTROPHES = /['\u2019\u02bc]/g;
const ASCII_DIGIT_LO = 48;
const ASCII_DIGIT_HI = 57;
const NUMBER = /\p{N}/u;

function normalise(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').replace(APOSTROPHES, '').toLowerCase();
}

function spell(source: string): Spelling {
  const normalised = normalise(source);
  const tokens = normalised.match(TOKEN) ?? [];
  const text = tokens.join('');
  const bounds = new Uint8Array(text.length + 1);
  const classes = new Uint8Array(text.length);
  let offset = 0;
  for (const token of tokens) {
    bounds[offset] = 1;
    offset += token.length;
  }
  bounds[offset] = 1;
  for (let i = 0; i < text.length; i++) classes[i] = classOf(text, i);
  return { text, bounds, classes, tokens };
}

function classOf(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code === 43) return PLUS;
  if (code < 128) return code >= ASCII_DIGIT_LO && code <= ASCII_DIGIT_HI ? DIGIT : LETTER;
  // Low surrogates take the class of their pair, read from the high surrogate.
  const at = code >= 0xdc00 && code <= 0xdfff && i > 0 ? i - 1 : i;
  const char = String.fromCodePoint(text.codePointAt(at) ?? code);
  return NUMBER.test(char) ? DIGIT : LETTER;
}

/** Tokenise a release title once; pass the result to `matchesTerm` as often as needed. */
export function tokenizeTitle(title: string): TitleTokens {
  return { title, ...spell(title) };
}

/** Prepare a term for matching. A term without a letter or a digit matches nothing. */
export function compileTerm(term: string): CompiledTerm {
  return { term, ...spell(term) };
}

/** Whether the term occurs in the title as whole tokens (see the module comment for the rules). */
export function matchesTerm(titleOrTokens: string | TitleTokens, term: string | CompiledTerm): boolean {
  const title = typeof titleOrTokens === 'string' ? tokenizeTitle(titleOrTokens) : titleOrTokens;
  const compiled = typeof term === 'string' ? compileTerm(term) : term;
  const length = compiled.text.length;
  if (length === 0) return false;
  for (let at = title.text.indexOf(compiled.text); at >= 0; at = title.text.indexOf(compiled.text, at + 1)) {
    if (title.bounds[at + length] !== 1) continue;
    if (title.bounds[at] !== 1 && !startsAfterLetters(title, at, compiled)) continue;
    if (joinsAgree(title, compiled, at)) return true;
  }
  return false;
}

/** A term starting with a digit may follow the letters of its token (`5.1` in `DDP5.1`). */
function startsAfterLetters(title: Spelling, at: number, term: Spelling): boolean {
  return term.classes[0] === DIGIT && title.classes[at - 1] === LETTER;
}

/** Every place where one side has a token boundary and the other has none must be a natural join. */
function joinsAgree(title: Spelling, term: Spelling, at: number): boolean {
  for (let p = 1; p < term.text.length; p++) {
    const inTitle = title.bounds[at + p] === 1;
    const inTerm = term.bounds[p] === 1;
    if (inTitle === inTerm) continue;
    const left = term.classes[p - 1];
    const right = term.classes[p];
    if (left !== right) continue;
    if (left !== LETTER) return false;
    const side = inTitle ? title : term;
    const q = inTitle ? at + p : p;
    if (!lettersAround(side, q)) return false;
  }
  return true;
}

/** At least two letters on each side of offset `q`, without crossing another boundary. */
function lettersAround(side: Spelling, q: number): boolean {
  const before = q >= 2 && side.bounds[q - 1] !== 1 && side.classes[q - 2] === LETTER;
  const after = q + 2 <= side.text.length && side.bounds[q + 1] !== 1 && side.classes[q + 1] === LETTER;
  return before && after;
}

/** The canonical spelling of a term, to tell duplicates apart: its tokens joined by a space. */
export function termKey(term: string): string {
  return spell(term).tokens.join(' ');
}
