import { readCapabilities, type TorznabCapabilities } from './capabilities';
import { TorznabAuthError, TorznabError, TorznabHttpError, TorznabNetworkError, TorznabRateLimitedError, TorznabTimeoutError } from './errors';
import { readFeed, type TorznabFeed } from './feed';
import { DEFAULT_MAX_RESPONSE_BYTES, parseRetryAfter, readBoundedText, redactApiKey } from './http';
import { planSearch, torznabSearchParams, type TorznabQuery, type TorznabSearchRequest } from './search-plan';
import { parseXml, torznabErrorOf, type ParseContext } from './xml';

export interface TorznabClientOptions {
  /**
   * The Torznab endpoint, the URL a client appends `?t=caps` to: Jackett's
   * `http://host:9117/api/v2.0/indexers/<id>/results/torznab` (with or without `/api`), or
   * Prowlarr's `http://host:9696/<id>/api`.
   */
  readonly baseUrl: string;
  /** Sent as `apikey=`; never appears in errors. Empty for an endpoint without a key. */
  readonly apiKey: string;
  /** For the whole exchange, headers and body. Default 20 000. */
  readonly timeoutMs?: number;
  /** Bodies above this are refused. Default 10 MiB. */
  readonly maxResponseBytes?: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  readonly userAgent?: string;
}

export interface TorznabCallOptions {
  /** Cancels the call; the signal's reason is thrown as is. */
  readonly signal?: AbortSignal;
}

export interface TorznabQueryResult extends TorznabFeed {
  /** The query that was sent (after `search` chose a mode). */
  readonly query: TorznabQuery;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * A Torznab client for one indexer endpoint. Framework-free: global `fetch`, a timeout per
 * call, a bounded body, typed errors (`TorznabError` and its kinds) that never contain the key.
 */
export class TorznabClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly #endpoint: URL;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #userAgent: string;
  #capabilities?: Promise<TorznabCapabilities>;

  constructor(options: TorznabClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`Torznab baseUrl is not a URL: ${redactApiKey(options.baseUrl, options.apiKey)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`Torznab baseUrl must be http or https, not ${parsed.protocol}`);
    }
    this.baseUrl = redactApiKey(parsed.toString(), options.apiKey);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#endpoint = parsed;
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#userAgent = options.userAgent ?? 'Sokoul';
  }

  /**
   * `t=caps`, fetched once and remembered (a failed fetch is not remembered); `refresh`
   * fetches again.
   */
  capabilities(options: TorznabCallOptions & { readonly refresh?: boolean } = {}): Promise<TorznabCapabilities> {
    if (!this.#capabilities || options.refresh) {
      const pending = this.#get(new URLSearchParams({ t: 'caps' }), readCapabilities, options);
      this.#capabilities = pending;
      pending.catch(() => {
        if (this.#capabilities === pending) this.#capabilities = undefined;
      });
    }
    return this.#capabilities;
  }

  /** Sends `query` as it is. */
  async query(query: TorznabQuery, options: TorznabCallOptions = {}): Promise<TorznabQueryResult> {
    const feed = await this.#get(torznabSearchParams(query), readFeed, options);
    return { ...feed, query };
  }

  /** Asks the caps (once), picks the richest query they allow (`planSearch`), sends it. */
  async search(request: TorznabSearchRequest, options: TorznabCallOptions = {}): Promise<TorznabQueryResult> {
    const caps = await this.capabilities(options);
    return this.query(planSearch(request, caps), options);
  }

  /** What a logger sees: the endpoint, never the key. */
  toJSON(): { baseUrl: string } {
    return { baseUrl: this.baseUrl };
  }

  async #get<T>(params: URLSearchParams, parse: (xml: string, context: ParseContext) => T, options: TorznabCallOptions): Promise<T> {
    const url = new URL(this.#endpoint);
    for (const [name, value] of params) url.searchParams.set(name, value);
    if (this.#apiKey) url.searchParams.set('apikey', this.#apiKey);
    const redact = (text: string) => redactApiKey(text, this.#apiKey);
    const safeUrl = redact(url.toString());

    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    let response: Response;
    let body: string;
    try {
      response = await this.#fetch(url, {
        signal,
        redirect: 'follow',
        headers: { accept: 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1', 'user-agent': this.#userAgent },
      });
      if (response.status === 429) {
        await response.body?.cancel().catch(() => undefined);
        throw new TorznabRateLimitedError(parseRetryAfter(response.headers.get('retry-after')), { status: 429, url: safeUrl });
      }
      body = await readBoundedText(response, this.maxResponseBytes, safeUrl);
    } catch (error) {
      throw this.#translate(error, timeout, options.signal, safeUrl);
    }

    const context: ParseContext = { url: safeUrl, status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), redact };
    if (!response.ok) {
      throw this.#statusError(response, body, context);
    }
    return parse(body, context);
  }

  #statusError(response: Response, body: string, context: ParseContext): TorznabError {
    // Jackett answers some errors with 400/401/429 and a Torznab <error> body: prefer it.
    if (/<error[\s>/]/.test(body)) {
      try {
        const error = torznabErrorOf(parseXml(body, context), context);
        if (error) return error;
      } catch {
        // Not XML after all: the status says what happened.
      }
    }
    if (response.status === 401 || response.status === 403) return new TorznabAuthError({ status: response.status, url: context.url });
    return new TorznabHttpError(response.status, context.url);
  }

  #translate(error: unknown, timeout: AbortSignal, callerSignal: AbortSignal | undefined, url: string): unknown {
    if (error instanceof TorznabError) return error;
    if (timeout.aborted && !callerSignal?.aborted) return new TorznabTimeoutError(this.timeoutMs, url);
    if (callerSignal?.aborted) return callerSignal.reason;
    return new TorznabNetworkError(systemCode(error), url);
  }
}

/** The system or undici code under a fetch failure (`ECONNRESET`, `UND_ERR_SOCKET` …). */
function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
