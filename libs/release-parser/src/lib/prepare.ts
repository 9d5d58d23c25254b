/**
 * Before parsing: drop the file extension, a website prefix (`[ www.site.com ] - `), and find
 * an anime `[Group]` prefix and, for a path, where the file name starts.
 */

export interface Prepared {
  /** The name without website prefix and extension. */
  readonly name: string;
  /** Lower-case extension without the dot, when the name ended with a known one. */
  readonly extension: string | null;
  /** Where the title starts: after a path and a `[Group]` prefix. */
  readonly bodyStart: number;
  /** The anime-style group in front of the title. */
  readonly prefixGroup: string | null;
}

const EXTENSIONS = new Set([
  'mkv', 'mp4', 'avi', 'm4v', 'wmv', 'mov', 'mpg', 'mpeg', 'm2ts', 'ts', 'iso', 'img', 'vob', 'webm', 'divx', 'xvid', 'flv', 'ogm',
  '3gp', 'wtv', 'strm', 'srt', 'sub', 'idx', 'nfo', 'par2', 'rar',
]);

const WEBSITE = /^(?:\[\s*(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,6}\s*\]|www\.[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,6}(?=[\s_-]))[\s_]*(?:-[\s_]*)?/i;

const PREFIX_GROUP = /^\[([^\]]{1,60})\][ ._-]*/;

/** Bracket contents that are tags, not a group: `[Dolby Vision]`, `[1080p]`. */
const NOT_A_GROUP = /^(?:dolby[ .]vision|hdr\d*\+?|dv|\d{3,4}[pi]|web|hdtv|bd|dvd|multi|vostfr)$/i;

/**
 * Release names are well under this; anything longer is cut, which bounds the time a name can
 * take (a few passes stay linear in this length).
 */
const MAX_LENGTH = 512;

export function prepare(raw: string): Prepared {
  let name = raw.trim();
  if (name.length > MAX_LENGTH) name = name.slice(0, MAX_LENGTH);
  let extension: string | null = null;
  const dot = name.lastIndexOf('.');
  if (dot > 0 && name.length - dot <= 5) {
    const ext = name.slice(dot + 1);
    // `.ts` is a transport stream in lower case; `.TS` at the end is a telesync tag.
    if (ext !== 'TS' && EXTENSIONS.has(ext.toLowerCase())) {
      extension = ext.toLowerCase();
      name = name.slice(0, dot);
    }
  }
  const website = WEBSITE.exec(name);
  if (website !== null) name = name.slice(website[0].length);

  let bodyStart = 0;
  const slash = Math.max(name.lastIndexOf('\\'), name.lastIndexOf('/'));
  if (slash >= 0 && extension !== null) bodyStart = slash + 1;

  let prefixGroup: string | null = null;
  const prefix = PREFIX_GROUP.exec(name.slice(bodyStart));
  if (prefix !== null && NOT_A_GROUP.test(prefix[1].trim())) {
    // `[Dolby Vision] Title…`: a tag in front of the title, not a group.
    bodyStart += prefix[0].length;
  } else if (prefix !== null) {
    prefixGroup = prefix[1].trim();
    bodyStart += prefix[0].length;
    // `[Group]_[Subgroup]_Title`
    const second = /^\[([^\]\s]{1,20})\][ ._-]*/.exec(name.slice(bodyStart));
    if (second !== null) bodyStart += second[0].length;
  }
  return { name, extension, bodyStart, prefixGroup };
}
