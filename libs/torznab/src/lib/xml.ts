import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { errorForTorznabCode, TorznabFeedError, type TorznabError } from './errors';

/** A parsed element: attributes as `@_name`, text as `#text` when it also has attributes. */
export type XmlElement = Readonly<Record<string, unknown>>;

const REPEATED = new Set(['item', 'category', 'enclosure', 'subcat']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Numeric character references (&#39;) are common in titles; fast-xml-parser only decodes
  // them with htmlEntities on. DOCTYPE entity expansion stays bounded by the parser's limits.
  htmlEntities: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && (REPEATED.has(name) || name === 'attr' || name.endsWith(':attr')),
});

/** Context threaded through parsing so errors name the request without leaking the key. */
export interface ParseContext {
  readonly url?: string;
  readonly status?: number;
  /** From the answer's `Retry-After`, for a "request limit reached" error. */
  readonly retryAfterMs?: number;
  readonly redact?: (text: string) => string;
}

/** Parses a document, or throws `TorznabFeedError` when it is not well-formed XML. */
export function parseXml(xml: string, context: ParseContext = {}): XmlElement {
  const text = xml.replace(/^\uFEFF/, '');
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new TorznabFeedError(`Torznab response is not well-formed XML (line ${line}: ${msg.slice(0, 120)})`, context.url);
  }
  try {
    return parser.parse(text) as XmlElement;
  } catch (error) {
    throw new TorznabFeedError(`Torznab response could not be parsed: ${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'}`, context.url);
  }
}

/** The Torznab error a document's root `<error code description/>` stands for, if it is one. */
export function torznabErrorOf(document: XmlElement, context: ParseContext = {}): TorznabError | undefined {
  const error = asElement(document['error']);
  if (!error) return undefined;
  const code = Number(attribute(error, 'code'));
  const redact = context.redact ?? ((text: string) => text);
  const description = redact((attribute(error, 'description') ?? '').slice(0, 300));
  return errorForTorznabCode(Number.isInteger(code) ? code : 900, description, context);
}

export function asElement(value: unknown): XmlElement | undefined {
  if (Array.isArray(value)) return asElement(value[0]);
  return typeof value === 'object' && value !== null ? (value as XmlElement) : undefined;
}

export function asElements(value: unknown): XmlElement[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => (typeof entry === 'object' && entry !== null ? (entry as XmlElement) : { '#text': String(entry) }));
}

/** Text content of an element that may be a bare string or carry attributes. */
export function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null) {
    const text = (value as XmlElement)['#text'];
    return text === undefined ? '' : String(text);
  }
  return undefined;
}

export function attribute(element: XmlElement, name: string): string | undefined {
  const value = element[`@_${name}`];
  return value === undefined ? undefined : String(value);
}
