/**
 * Tokenising a release name: words and numbers between separators, each remembering where it
 * stands in the name so that titles can be cut from the original text. Keywords match whole
 * tokens, never parts of words: `cam` is not in `Cameron`, `dv` is not in `DVD`.
 */

export interface Token {
  /** Offset of the first character in the name. */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
  readonly text: string;
  readonly lower: string;
}

/** Characters that separate tokens. Apostrophes stay inside words (`Director's`). */
const SEPARATORS = ' \t\n\r._-[](){}/\\,+|;:!?"*~#<>=@&$%^`\u00a0\u3000\ufffd';
const IS_SEPARATOR = new Uint8Array(128);
for (const c of SEPARATORS) if (c.charCodeAt(0) < 128) IS_SEPARATOR[c.charCodeAt(0)] = 1;

function isSeparator(code: number): boolean {
  return code < 128 ? IS_SEPARATOR[code] === 1 : code === 0xa0 || code === 0x3000 || code === 0xfffd;
}

export function tokenize(name: string): Token[] {
  const tokens: Token[] = [];
  // Lower-case once; per token only when lower-casing changes the length (rare Unicode).
  const lowerName = name.toLowerCase();
  const lower = lowerName.length === name.length ? lowerName : null;
  let start = -1;
  for (let i = 0; i < name.length; i++) {
    if (isSeparator(name.charCodeAt(i))) {
      if (start >= 0) push(tokens, name, lower, start, i);
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) push(tokens, name, lower, start, name.length);
  return tokens;
}

function push(tokens: Token[], name: string, lowerName: string | null, start: number, end: number): void {
  let s = start;
  let e = end;
  // Apostrophes at the edges are quotes, not part of the word.
  while (s < e && (name.charCodeAt(s) === 39 || name.charCodeAt(s) === 0x2019)) s++;
  while (e > s && (name.charCodeAt(e - 1) === 39 || name.charCodeAt(e - 1) === 0x2019)) e--;
  if (e <= s) return;
  const text = name.slice(s, e);
  tokens.push({ start: s, end: e, text, lower: lowerName === null ? text.toLowerCase() : lowerName.slice(s, e) });
}

/** The character right after a token, or '' at the end. */
export function charAfter(name: string, token: Token): string {
  return token.end < name.length ? name[token.end] : '';
}

/** The separators between two tokens. */
export function between(name: string, a: Token, b: Token): string {
  return name.slice(a.end, b.start);
}

const YEAR = /^(?:18|19|20)\d\d$/;

export function isYear(lower: string): boolean {
  return lower.length === 4 && YEAR.test(lower);
}

export function isDigits(lower: string): boolean {
  if (lower.length === 0) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const FRAME_WIDTHS = new Set([320, 352, 480, 640, 704, 720, 768, 848, 852, 854, 960, 1024, 1280, 1366, 1440, 1600, 1920, 2048, 2560, 3840, 4096]);

/** `1280x720` is a frame size, `2016x231` an episode (season 2016, episode 231). */
export function isFrameSize(width: number, height: number): boolean {
  return FRAME_WIDTHS.has(width) || (width >= 640 && height >= 240 && height <= 2160 && width > height);
}
