/**
 * Normalising the identifiers indexers write in many ways: BitTorrent v1 info-hashes (hex in
 * either case, or the 32-character base32 form magnet links may carry, per BEP 9) and IMDb ids
 * (`tt0903747`, `0903747`, `903747`).
 */

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 40 lower-case hex characters, or `undefined` when `value` is not a v1 info-hash. */
export function normalizeInfoHash(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^[0-9a-f]{40}$/i.test(trimmed)) return trimmed.toLowerCase();
  if (/^[a-z2-7]{32}$/i.test(trimmed)) return base32ToHex(trimmed.toUpperCase());
  return undefined;
}

/** The info-hash from a magnet URI's `xt=urn:btih:` parameter (hex or base32). */
export function infoHashFromMagnet(magnet: string | undefined): string | undefined {
  if (!magnet || !/^magnet:\?/i.test(magnet.trim())) return undefined;
  const query = magnet.trim().slice(magnet.trim().indexOf('?') + 1);
  for (const pair of query.split('&')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    const key = pair.slice(0, separator).toLowerCase();
    if (key !== 'xt' && !/^xt\.\d+$/.test(key)) continue;
    const value = safeDecode(pair.slice(separator + 1));
    const match = value.match(/^urn:btih:(.+)$/i);
    const hash = normalizeInfoHash(match?.[1]);
    if (hash) return hash;
  }
  return undefined;
}

/** `tt` followed by 7 or 8 digits, or `undefined` when `value` is not an IMDb title id. */
export function normalizeImdbId(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = String(value)
    .trim()
    .match(/^(?:tt)?(\d{1,8})$/i);
  const digits = match?.[1];
  if (!digits || Number(digits) === 0) return undefined;
  return `tt${String(Number(digits)).padStart(7, '0')}`;
}

function base32ToHex(value: string): string {
  let bits = 0;
  let buffer = 0;
  let hex = '';
  for (const char of value) {
    buffer = ((buffer << 5) | BASE32_ALPHABET.indexOf(char)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      hex += ((buffer >>> (bits - 8)) & 0xff).toString(16).padStart(2, '0');
      bits -= 8;
    }
  }
  return hex;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
