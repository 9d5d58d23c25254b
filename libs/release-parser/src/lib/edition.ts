/**
 * Editions: a run of edition words (`Extended Directors Cut Fan Edit`), as Radarr reads them.
 * Some words only count with a following `Cut`/`Edition`/`Version` (`Special Edition`, `Final
 * Cut`), so that `Star.Wars.Holiday.Special.1978` has no edition.
 */
import type { EditionTag } from './types';
import type { Token } from './tokens';

/** Words that start an edition on their own. */
const STARTERS = new Map<string, EditionTag | null>([
  ['extended', 'extended'],
  ['directors', 'directors-cut'],
  ["director's", 'directors-cut'],
  ['collectors', 'collectors'],
  ["collector's", 'collectors'],
  ['theatrical', 'theatrical'],
  ['ultimate', 'ultimate'],
  ['despecialized', 'despecialized'],
  ['recut', 'recut'],
  ['uncensored', 'uncensored'],
  ['remastered', 'remastered'],
  ['unrated', 'unrated'],
  ['uncut', 'uncut'],
  ['imax', 'imax'],
  ['fanedit', 'fan-edit'],
  ['restored', 'restored'],
  ['criterion', 'criterion'],
  ['2in1', 'multi-cut'],
  ['3in1', 'multi-cut'],
  ['4in1', 'multi-cut'],
]);

/** Words that start an edition only when followed by Cut, Edition or Version. */
const QUALIFIED = new Map<string, EditionTag | null>([
  ['special', 'special'],
  ['final', 'final-cut'],
  ['rouge', null],
  ['assembly', null],
  ['imperial', null],
  ['diamond', null],
  ['signature', null],
  ['hunter', null],
  ['rekall', null],
]);

/** Words that continue an edition. */
const CONTINUERS = new Set(['cut', 'edition', 'version', 'edit', 'matte', 'anniversary']);

const NTH = /^\d{1,3}(?:th|st|nd|rd)?$/;

export interface EditionMatch {
  readonly text: string;
  readonly tags: EditionTag[];
  /** Index of the first token after the edition. */
  readonly end: number;
}

/** Does an edition start at token i? */
export function isEditionStart(tokens: readonly Token[], i: number): boolean {
  return editionLength(tokens, i, null) > 0;
}

/** Length of the edition word at i (1 or 2 tokens), 0 when none. */
function editionLength(tokens: readonly Token[], i: number, tags: EditionTag[] | null): number {
  const lower = tokens[i].lower;
  const after = i + 1 < tokens.length ? tokens[i + 1].lower : '';
  const starter = STARTERS.get(lower);
  if (starter !== undefined) {
    if (starter !== null) tags?.push(starter);
    return 1;
  }
  const qualified = QUALIFIED.get(lower);
  if (qualified !== undefined && (after === 'cut' || after === 'edition' || after === 'version')) {
    if (qualified !== null) tags?.push(qualified);
    return 1;
  }
  if (lower === 'open' && after === 'matte') {
    tags?.push('open-matte');
    return 2;
  }
  if (lower === 'fan' && after === 'edit') {
    tags?.push('fan-edit');
    return 2;
  }
  if (after === 'anniversary' && NTH.test(lower)) {
    tags?.push('anniversary');
    return 2;
  }
  return 0;
}

/** The edition starting at token i, extended over every following edition word. */
export function editionAt(tokens: readonly Token[], i: number): EditionMatch | null {
  const tags: EditionTag[] = [];
  let end = i + editionLength(tokens, i, tags);
  if (end === i) return null;
  for (;;) {
    if (end >= tokens.length) break;
    if (CONTINUERS.has(tokens[end].lower)) {
      if (tokens[end].lower === 'cut' && tags.length === 0) tags.push('directors-cut');
      end++;
      continue;
    }
    const more = editionLength(tokens, end, tags);
    if (more === 0) break;
    end += more;
  }
  const words: string[] = [];
  for (let k = i; k < end; k++) words.push(tokens[k].text);
  return { text: words.join(' '), tags: [...new Set(tags)], end };
}
