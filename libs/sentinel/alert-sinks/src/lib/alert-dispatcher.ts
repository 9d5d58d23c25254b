import type { AlertNotice } from './alert-notice';
import type { AlertSink } from './alert-sinks.config';
import { redactUrl } from './sink-secrets';
import { formatFor } from './sink-formats';

export interface AlertDispatcherOptions {
  sinks: AlertSink[];
  /** Per attempt, answer included. 5000 by default. */
  timeoutMs?: number;
  /** Attempts per sink, the first included. 4 by default. */
  maxAttempts?: number;
  /** The wait before the 2nd, 3rd, … attempt; the last value repeats. `[1000, 5000, 15000]` by default. A `Retry-After` replaces it. */
  backoffMs?: number[];
  /** The HTTP implementation; global `fetch` by default. */
  fetch?: typeof fetch;
  /** How waits between attempts are spent; `setTimeout` by default (tests record them instead). */
  sleep?: (ms: number) => Promise<void>;
}

/** How one sink fared. Names the sink by `name` (`discord:discord.com`): never its URL. */
export interface DeliveryResult {
  sink: string;
  ok: boolean;
  /** Requests made, the last included (0 when none could be made). */
  attempts: number;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** Why the last attempt failed, when `ok` is false: never the URL's path, query or credentials. */
  error?: string;
}

/** A `Retry-After` (or Discord's `retry_after`) longer than this is cut to it: an alert a day late is no alert. */
export const MAX_RETRY_AFTER_MS = 60_000;

interface AttemptOutcome {
  ok: boolean;
  retry: boolean;
  status?: number;
  error?: string;
  /** What the server asked to wait, when it said. */
  waitMs?: number;
}

interface Target {
  url: string;
  /** From `user:password@` in the URL, which `fetch` refuses to send itself (ntfy with access control). */
  authorization?: string;
}

/**
 * Sends each alert notice to every webhook sink at once, each with its own retries: network
 * errors, timeouts, 408, 429 and 5xx are tried again (after `Retry-After` when the server says,
 * the backoff list otherwise); a redirect or another 4xx is a configuration to fix and is not.
 * `deliver` never throws: a broken sink is a result, not an exception.
 */
export class AlertDispatcher {
  private readonly sinks: readonly AlertSink[];
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: readonly number[];
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: AlertDispatcherOptions) {
    this.sinks = [...options.sinks];
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 4));
    this.backoffMs = options.backoffMs?.length ? [...options.backoffMs] : [1_000, 5_000, 15_000];
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The sinks' names, for a start-up log line. */
  get sinkNames(): string[] {
    return this.sinks.map((sink) => sink.name);
  }

  /** Delivers to every sink in parallel, each with its own retries; resolves with one result per sink, in the sinks' order, and never throws. */
  deliver(notice: AlertNotice): Promise<DeliveryResult[]> {
    return Promise.all(
      this.sinks.map((sink) =>
        this.deliverTo(sink, notice).catch((error: unknown): DeliveryResult => ({ sink: sink.name, ok: false, attempts: 0, error: redactUrl(messageOf(error), sink.url) })),
      ),
    );
  }

  private async deliverTo(sink: AlertSink, notice: AlertNotice): Promise<DeliveryResult> {
    const request = formatFor(sink, notice);
    const target = targetOf(sink.url);
    const headers = { ...request.headers, 'user-agent': 'sokoul-sentinel', ...(target.authorization ? { authorization: target.authorization } : {}) };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(target.url, headers, request.body);
      const result: DeliveryResult = { sink: sink.name, ok: outcome.ok, attempts: attempt, ...(outcome.status === undefined ? {} : { status: outcome.status }) };
      if (outcome.ok) return result;
      if (!outcome.retry || attempt >= this.maxAttempts) return { ...result, error: redactUrl(outcome.error ?? 'failed', sink.url) };
      await this.sleep(outcome.waitMs ?? this.backoffMs[Math.min(attempt - 1, this.backoffMs.length - 1)]);
    }
  }

  private async attempt(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      // A redirect would turn the POST into a GET and lose the alert: reported, not followed.
      response = await this.fetchImpl(url, { method: 'POST', headers, body, signal: timeout, redirect: 'manual' });
    } catch (error) {
      if (timeout.aborted) return { ok: false, retry: true, error: `no answer within ${this.timeoutMs} ms` };
      return { ok: false, retry: true, error: `could not be reached (${causeOf(error)})` };
    }
    if (response.ok) {
      // Delivered: what the sink says about it (`ok`, a message id) does not matter.
      await response.body?.cancel().catch(() => undefined);
      return { ok: true, retry: false, status: response.status };
    }
    const text = await response.text().catch(() => '');
    const status = response.status;
    if (status >= 300 && status < 400) return { ok: false, retry: false, status, error: `answered ${status}, a redirect: configure the URL it points to` };
    const error = `answered ${status}${detailOf(text) ? `: ${detailOf(text)}` : ''}`;
    const retry = status === 408 || status === 429 || status >= 500;
    return { ok: false, retry, status, error, waitMs: retry ? retryAfterMs(response.headers.get('retry-after'), text) : undefined };
  }
}

/** `fetch` refuses a URL with credentials; they travel as Basic auth instead. */
function targetOf(url: string): Target {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url: parsed.href };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

/**
 * `Retry-After` in delay-seconds or as an HTTP-date; failing that, Discord's JSON
 * `retry_after` (seconds, fractional). The header wins: it is seconds on every Discord API
 * version, the body was milliseconds on old ones. Capped at `MAX_RETRY_AFTER_MS`.
 */
function retryAfterMs(header: string | null, body: string): number | undefined {
  let ms: number | undefined;
  const value = header?.trim() ?? '';
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else if (value) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) ms = Math.max(0, at - Date.now());
  }
  if (ms === undefined) {
    const retryAfter = (parseJson(body) as { retry_after?: unknown } | undefined)?.retry_after;
    if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) ms = retryAfter * 1000;
  }
  return ms === undefined ? undefined : Math.min(Math.ceil(ms), MAX_RETRY_AFTER_MS);
}

/** What an error body says, briefly: Discord's `{ message }`, Slack's `invalid_token`, a JSON `{ error }`, or text with the markup stripped. At most 200 characters. */
function detailOf(text: string): string {
  const json = parseJson(text) as { message?: unknown; error?: unknown } | undefined;
  const said = typeof json?.message === 'string' ? json.message : typeof json?.error === 'string' ? json.error : json === undefined ? text.replace(/<[^>]*>/g, ' ') : '';
  const flat = said.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return messageOf(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
