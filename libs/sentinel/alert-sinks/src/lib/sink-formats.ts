import type { AlertNotice, AlertSeverity } from './alert-notice';
import type { AlertSink } from './alert-sinks.config';

/** One HTTP POST's worth: the headers that describe the body, and the body. */
export interface FormattedNotice {
  headers: Record<string, string>;
  body: string;
}

/** Red, orange, blue by severity; green once resolved (the same palette on Discord and Slack). */
const ALERT_COLOURS = { critical: 0xe74c3c, warning: 0xe67e22, info: 0x3498db, resolved: 0x2ecc71 } as const;

/** ntfy's 1–5 scale: critical rings through Do Not Disturb (5), a resolution is news, not an emergency (3). */
const NTFY_PRIORITIES: Record<AlertSeverity | 'resolved', string> = { critical: '5', warning: '4', info: '3', resolved: '3' };

/** ntfy tags that match an emoji shortcode show as that emoji before the title. */
const EMOJI: Record<AlertSeverity | 'resolved', string> = { critical: 'rotating_light', warning: 'warning', info: 'information_source', resolved: 'white_check_mark' };

/** Documented limits: Discord embed title 256, description 4096, field value 1024, footer 2048; Slack section text 3000; ntfy message 4096 bytes. */
const LIMITS = { discordTitle: 256, discordDescription: 4096, discordField: 1024, discordFooter: 2048, slackSection: 3000, slackContext: 2000, ntfyBodyBytes: 4096, ntfyTitle: 250 } as const;

/** The request body and headers for one sink. Pure: the same notice gives the same bytes. */
export function formatFor(sink: Pick<AlertSink, 'format'>, notice: AlertNotice): FormattedNotice {
  switch (sink.format) {
    case 'json':
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'sokoul', ...notice }) };
    case 'ntfy':
      return ntfy(notice);
    case 'discord':
      return discord(notice);
    case 'slack':
      return slack(notice);
  }
}

/** ntfy's publish API: the message is the body, the rest rides in headers. */
function ntfy(notice: AlertNotice): FormattedNotice {
  const level = levelOf(notice);
  const message = notice.state === 'resolved' ? `${resolvedLine(notice)}\n${notice.detail}` : notice.detail || notice.title;
  return {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      Title: headerValue(cut(headline(notice), LIMITS.ntfyTitle)),
      Priority: NTFY_PRIORITIES[level],
      Tags: [EMOJI[level], notice.severity].join(','),
    },
    body: cutUtf8(message, LIMITS.ntfyBodyBytes),
  };
}

/** Discord's execute-webhook: one embed, mentions disabled so no alert text can ping `@everyone`. */
function discord(notice: AlertNotice): FormattedNotice {
  const resolved = notice.state === 'resolved';
  const embed = {
    title: cut(headline(notice), LIMITS.discordTitle),
    description: cut(resolved ? `${resolvedLine(notice)}\n${notice.detail}` : notice.detail, LIMITS.discordDescription),
    color: ALERT_COLOURS[levelOf(notice)],
    timestamp: (resolved && notice.resolvedAt) || notice.raisedAt,
    fields: [
      { name: 'Severity', value: SEVERITY_LABELS[notice.severity], inline: true },
      { name: 'State', value: resolved ? 'Resolved' : 'Raised', inline: true },
      { name: 'Key', value: cut(`\`${notice.key.replace(/`/g, "'")}\``, LIMITS.discordField), inline: false },
    ],
    footer: { text: cut(`Sokoul sentinel · alert ${notice.id}`, LIMITS.discordFooter) },
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'Sokoul', allowed_mentions: { parse: [] }, embeds: [embed] }) };
}

/** Slack's incoming webhook: `text` is what notifications show, the attachment carries the colour bar and the blocks. */
function slack(notice: AlertNotice): FormattedNotice {
  const resolved = notice.state === 'resolved';
  const level = levelOf(notice);
  const emoji = `:${EMOJI[level]}:`;
  const at = resolved && notice.resolvedAt ? notice.resolvedAt : notice.raisedAt;
  const context = [SEVERITY_LABELS[notice.severity], `\`${slackEscape(notice.key.replace(/`/g, "'"))}\``, `${resolved ? 'resolved' : 'raised'} ${slackDate(at)}`].join(' · ');
  const body = {
    text: `${emoji} ${slackEscape(headline(notice))}`,
    attachments: [
      {
        color: `#${ALERT_COLOURS[level].toString(16).padStart(6, '0')}`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: cut(`*${slackEscape(headline(notice))}*\n${slackEscape(resolved ? `${resolvedLine(notice)}\n${notice.detail}` : notice.detail)}`, LIMITS.slackSection) } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: cut(context, LIMITS.slackContext) }] },
        ],
      },
    ],
  };
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const SEVERITY_LABELS: Record<AlertSeverity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

function levelOf(notice: AlertNotice): AlertSeverity | 'resolved' {
  return notice.state === 'resolved' ? 'resolved' : notice.severity;
}

function headline(notice: AlertNotice): string {
  return notice.state === 'resolved' ? `Resolved: ${notice.title}` : notice.title;
}

/** `Resolved after 12 min.`, or just `Resolved.` when the times do not say. */
function resolvedLine(notice: AlertNotice): string {
  const ms = Date.parse(notice.resolvedAt ?? '') - Date.parse(notice.raisedAt);
  return Number.isFinite(ms) && ms >= 0 ? `Resolved after ${humanDuration(ms)}.` : 'Resolved.';
}

function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} d`;
}

/** Slack's mrkdwn control characters; escaping `<` also keeps `<!channel>` in an alert text from pinging anyone. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's `<!date^…>`: each reader sees their own time zone; the ISO text is the fallback. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${iso}>` : slackEscape(iso);
}

/**
 * An HTTP header value `fetch` accepts and ntfy reads back intact: control characters become
 * spaces; text beyond printable ASCII becomes RFC 2047 encoded-words (`=?UTF-8?B?…?=`, at most
 * 75 characters each, split between characters), which ntfy decodes. Raw UTF-8 would make
 * `fetch` throw (a ByteString allows nothing above U+00FF) or reach ntfy as Latin-1 mojibake.
 */
function headerValue(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const char of clean) {
    // 45 bytes are 60 base64 characters: 72 with `=?UTF-8?B?` and `?=`.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = char;
    } else chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
}

/** At most `max` characters (code points, so no surrogate pair is split), an ellipsis marking the cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** At most `max` UTF-8 bytes, cut between characters. */
function cutUtf8(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = Buffer.byteLength('…');
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    out += char;
  }
  return `${out}…`;
}
