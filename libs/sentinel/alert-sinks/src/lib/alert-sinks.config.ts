export const SINK_FORMATS = ['json', 'ntfy', 'discord', 'slack'] as const;
export type SinkFormat = (typeof SINK_FORMATS)[number];

/** One webhook the sentinel tells about alerts. */
export interface AlertSink {
  /** `<format>:<host>` (`discord:discord.com`, `#2` added to a repeat): what results, logs and metrics call it, never the URL. */
  name: string;
  format: SinkFormat;
  /** Secret: a Discord or Slack webhook URL carries its token, an ntfy topic is its own password. */
  url: string;
}

/**
 * Parses `SENTINEL_ALERT_WEBHOOKS`: comma-separated `format=url` entries, e.g.
 * `ntfy=https://ntfy.sh/sokoul-alerts,discord=https://discord.com/api/webhooks/1/abc`.
 * Unset or blank means no sinks. Throws an Error naming the bad entry by its position (and its
 * format, or host, when those are safe to show) on anything else; never a path or a query.
 */
export function parseAlertSinks(value: string | undefined): AlertSink[] {
  const entries = (value ?? '').split(',').map((entry) => entry.trim());
  const sinks: AlertSink[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!entry) return;
    const position = `SENTINEL_ALERT_WEBHOOKS entry ${index + 1}`;
    const equals = entry.indexOf('=');
    const format = equals > 0 ? entry.slice(0, equals).trim().toLowerCase() : '';
    // Whatever is left of `=` is shown only when it looks like a format name: a pasted bare URL could hold a token there.
    if (!/^[a-z][a-z0-9_-]{0,19}$/.test(format)) throw new Error(`${position}: expected format=url with format one of ${SINK_FORMATS.join(', ')}`);
    if (!isSinkFormat(format)) throw new Error(`${position}: unknown format '${format}' (expected one of ${SINK_FORMATS.join(', ')})`);
    const url = parseUrl(entry.slice(equals + 1).trim());
    if (!url) throw new Error(`${position} (${format}): not a URL`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${position} (${format}): expected an http or https URL, not ${url.protocol.replace(/:$/, '')}`);
    if (!url.hostname) throw new Error(`${position} (${format}): the URL has no host`);
    const base = `${format}:${url.host}`;
    const repeat = (seen.get(base) ?? 0) + 1;
    seen.set(base, repeat);
    sinks.push({ name: repeat === 1 ? base : `${base}#${repeat}`, format, url: url.href });
  });
  return sinks;
}

function isSinkFormat(value: string): value is SinkFormat {
  return (SINK_FORMATS as readonly string[]).includes(value);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
