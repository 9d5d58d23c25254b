import { compact } from './object';
import { TorznabFeedError } from './errors';
import { asElement, asElements, attribute, parseXml, torznabErrorOf, type ParseContext, type XmlElement } from './xml';

/** Search parameter names as the caps list them (`q`, `imdbid`, `tmdbid`, `tvdbid`, `season`, `ep` …). */
export type TorznabParam = 'q' | 'imdbid' | 'tmdbid' | 'tvdbid' | 'season' | 'ep' | (string & {});

export interface TorznabSearchCapability {
  readonly available: boolean;
  /** Lower-case parameter names; `['q']` when the caps declare the mode without listing any. */
  readonly supportedParams: readonly TorznabParam[];
}

export interface TorznabCategory {
  readonly id: number;
  readonly name: string;
  readonly description?: string;
  readonly subcategories: readonly TorznabCategory[];
}

export interface TorznabCapabilities {
  readonly server: {
    readonly title?: string;
    readonly version?: string;
    readonly strapline?: string;
    readonly email?: string;
    readonly url?: string;
    readonly image?: string;
  };
  readonly limits: { readonly max?: number; readonly default?: number };
  readonly searching: {
    readonly search: TorznabSearchCapability;
    readonly tvSearch: TorznabSearchCapability;
    readonly movieSearch: TorznabSearchCapability;
    /** `music-search`, or the `audio-search` some indexers write instead. */
    readonly musicSearch: TorznabSearchCapability;
    readonly bookSearch: TorznabSearchCapability;
  };
  readonly categories: readonly TorznabCategory[];
}

const UNAVAILABLE: TorznabSearchCapability = { available: false, supportedParams: [] };

/**
 * Reads a `t=caps` answer. A Torznab `<error>` document throws the matching typed error;
 * anything but `<caps>` throws `TorznabFeedError`.
 */
export function parseCapabilities(xml: string): TorznabCapabilities {
  return readCapabilities(xml, {});
}

/** `parseCapabilities` with request context (URL, status, redaction) for the errors it throws. */
export function readCapabilities(xml: string, context: ParseContext): TorznabCapabilities {
  const document = parseXml(xml, context);
  const error = torznabErrorOf(document, context);
  if (error) throw error;
  const caps = asElement(document['caps']);
  if (!caps) throw new TorznabFeedError(`Torznab caps answer has no <caps> root (found <${Object.keys(document)[0] ?? 'nothing'}>)`, context.url);

  const server = asElement(caps['server']) ?? {};
  const limits = asElement(caps['limits']) ?? {};
  const searching = asElement(caps['searching']);

  return {
    server: compact({
      title: attribute(server, 'title'),
      version: attribute(server, 'version'),
      strapline: attribute(server, 'strapline'),
      email: attribute(server, 'email'),
      url: attribute(server, 'url'),
      image: attribute(server, 'image'),
    }),
    limits: compact({ max: positiveInteger(attribute(limits, 'max')), default: positiveInteger(attribute(limits, 'default')) }),
    searching: searching
      ? {
          search: searchCapability(searching['search']),
          tvSearch: searchCapability(searching['tv-search']),
          movieSearch: searchCapability(searching['movie-search']),
          musicSearch: searchCapability(searching['music-search'] ?? searching['audio-search']),
          bookSearch: searchCapability(searching['book-search']),
        }
      : // No <searching> at all: every indexer does free-text search, assume nothing else.
        { search: { available: true, supportedParams: ['q'] }, tvSearch: UNAVAILABLE, movieSearch: UNAVAILABLE, musicSearch: UNAVAILABLE, bookSearch: UNAVAILABLE },
    categories: categoriesOf(asElement(caps['categories'])),
  };
}

/** Whether `capability` is available and lists `param`. */
export function supportsParam(capability: TorznabSearchCapability, param: TorznabParam): boolean {
  return capability.available && capability.supportedParams.includes(param);
}

function searchCapability(value: unknown): TorznabSearchCapability {
  const element = asElement(value);
  if (!element) return UNAVAILABLE;
  const available = /^(yes|true|1)$/i.test(attribute(element, 'available')?.trim() ?? '');
  if (!available) return UNAVAILABLE;
  const listed = attribute(element, 'supportedParams');
  if (listed === undefined) return { available, supportedParams: ['q'] };
  const params = listed
    .split(',')
    .map((param) => param.trim().toLowerCase())
    .filter(Boolean);
  return { available, supportedParams: [...new Set(params)] };
}

function categoriesOf(element: XmlElement | undefined): TorznabCategory[] {
  if (!element) return [];
  return asElements(element['category'])
    .map((category) => categoryOf(category, 'subcat'))
    .filter((category): category is TorznabCategory => category !== undefined);
}

function categoryOf(element: XmlElement, childTag: string | undefined): TorznabCategory | undefined {
  const raw = attribute(element, 'id');
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  const id = Number(raw);
  const description = attribute(element, 'description');
  const subcategories = childTag
    ? asElements(element[childTag])
        .map((sub) => categoryOf(sub, undefined))
        .filter((sub): sub is TorznabCategory => sub !== undefined)
    : [];
  return { id, name: attribute(element, 'name') ?? String(id), ...(description ? { description } : {}), subcategories };
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}
