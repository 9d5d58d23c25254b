/**
 * The parts of a webhook URL that may be a secret: a Discord or Slack token sits in the path,
 * an ntfy topic is the path, some relays take `?token=`, ntfy takes `user:password@`. Host and
 * scheme are not secret and stay readable.
 */
function secretsOf(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const parts = new Set<string>([url, parsed.href, `${parsed.pathname}${parsed.search}`, parsed.pathname, parsed.search, parsed.username, parsed.password]);
  for (const segment of parsed.pathname.split('/')) parts.add(segment).add(safeDecode(segment));
  for (const [name, value] of parsed.searchParams) parts.add(value).add(`${name}=${value}`);
  // Short pieces (`/`, `api`) say nothing and would shred the message if replaced everywhere.
  return [...parts].filter((part) => part.length >= 4 && part !== '/').sort((a, b) => b.length - a.length);
}

/** `text` with every secret-looking piece of `url` replaced by `…`: for error messages built from what a server or the network said. */
export function redactUrl(text: string, url: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join('…');
  return out;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
