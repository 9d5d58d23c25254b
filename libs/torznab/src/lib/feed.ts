import { compact } from './object';
import { TorznabFeedError } from './errors';
import { infoHashFromMagnet, normalizeImdbId, normalizeInfoHash } from './identifiers';
import { asElement, asElements, attribute, parseXml, textOf, torznabErrorOf, type ParseContext, type XmlElement } from './xml';

export interface TorznabEnclosure {
  readonly url: string;
  /** Bytes; per the spec it may be the media size, the .torrent size or 0. */
  readonly length?: number;
  readonly type?: string;
}

/**
 * One `<item>` of a Torznab feed. Links (`link`, `downloadUrl`, `enclosure.url`, `guid`) are
 * as the indexer wrote them: Jackett and Prowlarr put their API key in download links, so
 * treat a release's URLs as secrets and do not log them.
 */
export interface TorznabRelease {
  readonly title: string;
  readonly guid: string;
  readonly link?: string;
  /** The .torrent to fetch: the first http(s) enclosure, else an http(s) `<link>`. */
  readonly downloadUrl?: string;
  readonly enclosure?: TorznabEnclosure;
  /** Details page. */
  readonly comments?: string;
  readonly description?: string;
  /** Bytes: the `size` attribute, else `<size>`, else a non-zero enclosure length. */
  readonly size: number;
  readonly publishDate?: Date;
  /** From `<category>` and `torznab:attr name="category"`, de-duplicated, in document order. */
  readonly categories: readonly number[];
  readonly seeders?: number;
  /** Seeders plus leechers, as Torznab defines it. */
  readonly peers?: number;
  readonly leechers?: number;
  /** 40 lower-case hex; from the `infohash` attribute or the magnet's `xt=urn:btih:`. */
  readonly infoHash?: string;
  readonly magnetUrl?: string;
  /** `tt` + 7 or 8 digits. */
  readonly imdbId?: string;
  readonly tmdbId?: number;
  readonly tvdbId?: number;
  readonly season?: number;
  readonly episode?: number;
  readonly files?: number;
  readonly grabs?: number;
  /** 0 is freeleech; 1 when absent or out of range. */
  readonly downloadVolumeFactor: number;
  /** 1 when absent or out of range. */
  readonly uploadVolumeFactor: number;
  readonly minimumRatio?: number;
  /** Seconds. */
  readonly minimumSeedTime?: number;
  /** The `<jackettindexer>` / `<prowlarrindexer>` an aggregated feed names. */
  readonly indexer?: { readonly id?: string; readonly name: string };
  /** Every `torznab:attr`, by lower-case name, values in document order. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

export type TorznabSkipReason = 'missing-title' | 'missing-size' | 'invalid-size' | 'missing-link';

/** An item left out of `releases` because it cannot be used; reported rather than fatal. */
export interface TorznabSkippedItem {
  /** Position among the feed's `<item>`s, from 0. */
  readonly index: number;
  readonly reason: TorznabSkipReason;
  readonly title?: string;
}

export interface TorznabFeed {
  readonly title?: string;
  readonly releases: readonly TorznabRelease[];
  readonly skipped: readonly TorznabSkippedItem[];
}

/**
 * Reads a Torznab RSS answer. A Torznab `<error>` document throws the matching typed error,
 * a document that is not RSS throws `TorznabFeedError`; unusable items are skipped and listed.
 */
export function parseFeed(xml: string): TorznabFeed {
  return readFeed(xml, {});
}

/** `parseFeed` with request context (URL, status, redaction) for the errors it throws. */
export function readFeed(xml: string, context: ParseContext): TorznabFeed {
  const document = parseXml(xml, context);
  const error = torznabErrorOf(document, context);
  if (error) throw error;
  const channel = asElement(asElement(document['rss'])?.['channel']);
  if (!channel) {
    throw new TorznabFeedError(`Torznab feed has no <rss><channel> (found <${Object.keys(document)[0] ?? 'nothing'}>)`, context.url);
  }

  const releases: TorznabRelease[] = [];
  const skipped: TorznabSkippedItem[] = [];
  asElements(channel['item']).forEach((item, index) => {
    const result = readItem(item);
    if ('reason' in result) skipped.push({ index, ...result });
    else releases.push(result);
  });
  const title = textOf(channel['title'])?.trim();
  return { ...(title ? { title } : {}), releases, skipped };
}

type ItemResult = TorznabRelease | { readonly reason: TorznabSkipReason; readonly title?: string };

function readItem(item: XmlElement): ItemResult {
  const title = textOf(item['title'])?.trim();
  if (!title) return { reason: 'missing-title' };

  const attributes = torznabAttributes(item);
  const first = (...names: string[]) => names.map((name) => attributes[name]?.[0]).find((value) => value !== undefined && value.trim() !== '');

  const enclosures = asElements(item['enclosure'])
    .map((element): TorznabEnclosure | undefined => {
      const url = attribute(element, 'url')?.trim();
      if (!url) return undefined;
      const length = nonNegativeInteger(attribute(element, 'length'));
      const type = attribute(element, 'type');
      return { url, ...(length === undefined ? {} : { length }), ...(type ? { type } : {}) };
    })
    .filter((enclosure): enclosure is TorznabEnclosure => enclosure !== undefined);

  const size = sizeOf(first('size'), textOf(item['size']), enclosures);
  if (typeof size === 'string') return { reason: size, title };

  const link = textOf(item['link'])?.trim() || undefined;
  const guid = textOf(item['guid'])?.trim() || undefined;
  const enclosure = enclosures.find((candidate) => isHttp(candidate.url)) ?? enclosures[0];
  const downloadUrl = enclosures.find((candidate) => isHttp(candidate.url))?.url ?? (isHttp(link) ? link : undefined);
  const magnetUrl = [first('magneturl'), ...enclosures.map((candidate) => candidate.url), link, guid].find(isMagnet);
  if (!downloadUrl && !magnetUrl) return { reason: 'missing-link', title };

  const seeders = nonNegativeInteger(first('seeders'));
  const leechersAttribute = nonNegativeInteger(first('leechers'));
  const peersAttribute = nonNegativeInteger(first('peers'));
  const peers = peersAttribute ?? (seeders !== undefined && leechersAttribute !== undefined ? seeders + leechersAttribute : undefined);
  const leechers = leechersAttribute ?? (peers !== undefined && seeders !== undefined && peers >= seeders ? peers - seeders : undefined);

  const comments = textOf(item['comments'])?.trim() || undefined;
  const description = textOf(item['description'])?.trim() || undefined;
  const publishDate = dateOf(textOf(item['pubDate'])) ?? dateOf(first('publishdate'));
  const indexer = indexerOf(item);

  return compact({
    title,
    guid: guid ?? downloadUrl ?? magnetUrl ?? title,
    link,
    downloadUrl,
    enclosure,
    comments,
    description,
    size,
    publishDate,
    categories: categoriesOf(item, attributes),
    seeders,
    peers,
    leechers,
    infoHash: normalizeInfoHash(first('infohash')) ?? infoHashFromMagnet(magnetUrl),
    magnetUrl,
    imdbId: [first('imdbid'), first('imdb')].map((value) => normalizeImdbId(value)).find(Boolean),
    tmdbId: positiveInteger(first('tmdbid', 'tmdb')),
    tvdbId: positiveInteger(first('tvdbid', 'tvdb')),
    season: seasonOrEpisode(first('season')),
    episode: seasonOrEpisode(first('episode')),
    // Jackett writes files and grabs as elements, Prowlarr as attributes.
    files: nonNegativeInteger(first('files') ?? textOf(item['files'])),
    grabs: nonNegativeInteger(first('grabs') ?? textOf(item['grabs'])),
    downloadVolumeFactor: volumeFactor(first('downloadvolumefactor')),
    uploadVolumeFactor: volumeFactor(first('uploadvolumefactor')),
    minimumRatio: decimal(first('minimumratio')),
    minimumSeedTime: nonNegativeInteger(first('minimumseedtime')),
    indexer,
    attributes,
  });
}

function torznabAttributes(item: XmlElement): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key !== 'attr' && !key.endsWith(':attr')) continue;
    for (const element of asElements(value)) {
      const name = attribute(element, 'name')?.trim().toLowerCase();
      const attributeValue = attribute(element, 'value');
      if (!name || attributeValue === undefined) continue;
      (attributes[name] ??= []).push(attributeValue);
    }
  }
  return attributes;
}

/** Size in bytes, or why the item has none we can trust. */
function sizeOf(attributeSize: string | undefined, elementSize: string | undefined, enclosures: readonly TorznabEnclosure[]): number | TorznabSkipReason {
  for (const raw of [attributeSize, elementSize]) {
    if (raw === undefined || raw.trim() === '') continue;
    const size = nonNegativeInteger(raw);
    if (size === undefined) return 'invalid-size';
    if (size > 0) return size;
  }
  const length = enclosures.map((enclosure) => enclosure.length).find((value) => value !== undefined && value > 0);
  return length ?? 'missing-size';
}

function categoriesOf(item: XmlElement, attributes: Readonly<Record<string, readonly string[]>>): number[] {
  const raw = [...asElements(item['category']).map((element) => textOf(element) ?? ''), ...(attributes['category'] ?? [])];
  const ids = raw.map((value) => nonNegativeInteger(value)).filter((id): id is number => id !== undefined);
  return [...new Set(ids)];
}

function indexerOf(item: XmlElement): TorznabRelease['indexer'] {
  const element = item['jackettindexer'] ?? item['prowlarrindexer'];
  if (element === undefined) return undefined;
  const name = textOf(element)?.trim();
  const withAttributes = asElement(element);
  const id = withAttributes ? attribute(withAttributes, 'id') : undefined;
  if (!name && !id) return undefined;
  return { ...(id ? { id } : {}), name: name || (id ?? '') };
}

function nonNegativeInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}

function positiveInteger(value: string | undefined): number | undefined {
  const number = nonNegativeInteger(value);
  return number === undefined || number === 0 ? undefined : number;
}

function decimal(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/** The spec asks clients to reject negative or extreme factors; those fall back to 1. */
function volumeFactor(value: string | undefined): number {
  const factor = decimal(value);
  return factor === undefined || factor > 100 ? 1 : factor;
}

function seasonOrEpisode(value: string | undefined): number | undefined {
  const digits = value?.match(/^\s*[se]?(\d{1,4})\s*$/i)?.[1];
  return digits === undefined ? undefined : Number(digits);
}

function dateOf(value: string | undefined): Date | undefined {
  if (!value?.trim()) return undefined;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? undefined : new Date(time);
}

function isHttp(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\//i.test(value);
}

function isMagnet(value: string | undefined): value is string {
  return value !== undefined && /^magnet:\?/i.test(value.trim());
}
