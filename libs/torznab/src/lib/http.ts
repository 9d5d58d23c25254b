import { TextDecoder } from 'node:util';
import { TorznabFeedError } from './errors';

/** 10 MiB: a page of 100 Torznab items is around 200 KiB; anything near this is not a feed. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const KEY_PARAM = /([?&;](?:[a-z_]*apikey|passkey)=)[^&#;\s"'<]*/gi;

/**
 * Replaces the value of every `apikey`-like query parameter (`apikey`, `jackett_apikey`,
 * `passkey`) with `REDACTED`, and any other occurrence of `apiKey` itself.
 */
export function redactApiKey(text: string, apiKey?: string): string {
  let redacted = text.replace(KEY_PARAM, '$1REDACTED');
  if (apiKey && apiKey.length >= 4) {
    redacted = redacted.split(apiKey).join('REDACTED');
    const encoded = encodeURIComponent(apiKey);
    if (encoded !== apiKey) redacted = redacted.split(encoded).join('REDACTED');
  }
  return redacted;
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`); `undefined` when absent or unreadable. A date in the
 * past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Reads the body as text, refusing (and cancelling the stream) once it exceeds `maxBytes`, so
 * a misbehaving indexer cannot make us buffer an unbounded answer.
 */
export async function readBoundedText(response: Response, maxBytes: number, url?: string): Promise<string> {
  const tooLarge = () => new TorznabFeedError(`Torznab response exceeds ${maxBytes} bytes`, url);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return decoderFor(response.headers.get('content-type')).decode(Buffer.concat(chunks, received));
}

function decoderFor(contentType: string | null): TextDecoder {
  const charset = contentType?.match(/charset\s*=\s*"?([\w.:-]+)"?/i)?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset);
    } catch {
      // An unknown label: fall back to UTF-8, which is what Torznab mandates anyway.
    }
  }
  return new TextDecoder('utf-8');
}
