import type { AlertNotice } from './alert-notice';
import { formatFor } from './sink-formats';

const raised: AlertNotice = {
  id: '6f1c2a8e-3d4b-4c5a-9e7f-0a1b2c3d4e5f',
  key: 'dependency:redis',
  state: 'raised',
  severity: 'critical',
  title: 'Redis is down',
  detail: 'Redis did not answer PING within 2 s; searches and sessions fail.',
  raisedAt: '2026-12-01T10:00:00.000Z',
  resolvedAt: null,
};
const resolved: AlertNotice = { ...raised, state: 'resolved', resolvedAt: '2026-12-01T10:12:00.000Z' };

interface DiscordMessage {
  embeds: Array<{ title: string; description: string; color: number; timestamp: string; fields: Array<{ name: string; value: string; inline: boolean }> }>;
}
interface SlackMessage {
  text: string;
  attachments: Array<{ color: string; blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: Array<{ type: string; text: string }> }> }>;
}
const json = <T = unknown>(body: string) => JSON.parse(body) as T;
const discord = (notice: AlertNotice) => json<DiscordMessage>(formatFor({ format: 'discord' }, notice).body);
const slack = (notice: AlertNotice) => json<SlackMessage>(formatFor({ format: 'slack' }, notice).body);

/** What ntfy (Go's mime.WordDecoder) makes of an RFC 2047 header. */
function decodeWords(value: string): string {
  return value
    .split(' ')
    .map((word) => /^=\?UTF-8\?B\?(.*)\?=$/.exec(word)?.[1])
    .map((b64) => Buffer.from(b64 ?? '', 'base64'))
    .reduce((all, bytes) => Buffer.concat([all, bytes]), Buffer.alloc(0))
    .toString('utf8');
}

describe('formatFor', () => {
  describe('json', () => {
    it('posts the notice itself, marked with its source', () => {
      const { headers, body } = formatFor({ format: 'json' }, raised);
      expect(headers).toEqual({ 'content-type': 'application/json' });
      expect(json(body)).toEqual({ source: 'sokoul', ...raised });
    });
  });

  describe('ntfy', () => {
    it('sends the detail as the message and the title, priority and tags as headers', () => {
      const { headers, body } = formatFor({ format: 'ntfy' }, raised);
      expect(headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', Title: 'Redis is down', Priority: '5', Tags: 'rotating_light,critical' });
      expect(body).toBe(raised.detail);
    });

    it.each([
      ['warning', '4', 'warning,warning'],
      ['info', '3', 'information_source,info'],
    ] as const)('maps a %s alert to priority %s', (severity, priority, tags) => {
      const { headers } = formatFor({ format: 'ntfy' }, { ...raised, severity });
      expect(headers).toMatchObject({ Priority: priority, Tags: tags });
    });

    it('announces a resolution at default priority with a check mark and how long it lasted', () => {
      const { headers, body } = formatFor({ format: 'ntfy' }, resolved);
      expect(headers).toMatchObject({ Title: 'Resolved: Redis is down', Priority: '3', Tags: 'white_check_mark,critical' });
      expect(body).toBe(`Resolved after 12 min.\n${raised.detail}`);
    });

    it('encodes a non-ASCII title as RFC 2047 words that fetch accepts and ntfy decodes', () => {
      const title = 'Disque « bibliothèque » presque plein — 2 % libre 💾 '.repeat(3).trim();
      const { headers } = formatFor({ format: 'ntfy' }, { ...raised, title });

      expect(headers.Title).toMatch(/^[\x20-\x7e]+$/);
      for (const word of headers.Title.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
      expect(decodeWords(headers.Title)).toBe(title);
      expect(() => new Headers(headers)).not.toThrow();
    });

    it('turns line breaks in a title into spaces rather than a broken header', () => {
      const { headers } = formatFor({ format: 'ntfy' }, { ...raised, title: 'Redis\r\nis down' });
      expect(headers.Title).toBe('Redis is down');
    });

    it('keeps the message within ntfy’s 4096 bytes', () => {
      const { body } = formatFor({ format: 'ntfy' }, { ...raised, detail: 'é'.repeat(3000) });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
      expect(body.endsWith('…')).toBe(true);
    });
  });

  describe('discord', () => {
    it('sends one embed as Sokoul, red for a critical alert, with mentions disabled', () => {
      const { headers, body } = formatFor({ format: 'discord' }, raised);
      expect(headers).toEqual({ 'content-type': 'application/json' });
      expect(json(body)).toEqual({
        username: 'Sokoul',
        allowed_mentions: { parse: [] },
        embeds: [
          {
            title: 'Redis is down',
            description: raised.detail,
            color: 0xe74c3c,
            timestamp: raised.raisedAt,
            fields: [
              { name: 'Severity', value: 'Critical', inline: true },
              { name: 'State', value: 'Raised', inline: true },
              { name: 'Key', value: '`dependency:redis`', inline: false },
            ],
            footer: { text: `Sokoul sentinel · alert ${raised.id}` },
          },
        ],
      });
    });

    it.each([
      ['warning', 0xe67e22],
      ['info', 0x3498db],
    ] as const)('colours a %s alert', (severity, color) => {
      expect(discord({ ...raised, severity }).embeds[0].color).toBe(color);
    });

    it('turns green when resolved, stamped with the resolution time', () => {
      const embed = discord(resolved).embeds[0];
      expect(embed).toMatchObject({ title: 'Resolved: Redis is down', color: 0x2ecc71, timestamp: resolved.resolvedAt, description: `Resolved after 12 min.\n${raised.detail}` });
      expect(embed.fields[1]).toEqual({ name: 'State', value: 'Resolved', inline: true });
    });

    it('keeps within Discord’s limits: title 256, description 4096', () => {
      const embed = discord({ ...raised, title: 't'.repeat(300), detail: 'd'.repeat(5000) }).embeds[0];
      expect(embed.title).toHaveLength(256);
      expect(embed.title.endsWith('…')).toBe(true);
      expect(embed.description).toHaveLength(4096);
    });
  });

  describe('slack', () => {
    it('sends fallback text for notifications and a coloured attachment with blocks', () => {
      const { headers, body } = formatFor({ format: 'slack' }, raised);
      expect(headers).toEqual({ 'content-type': 'application/json' });
      const message = json<SlackMessage>(body);
      expect(message.text).toBe(':rotating_light: Redis is down');
      expect(message.attachments).toHaveLength(1);
      expect(message.attachments[0].color).toBe('#e74c3c');
      const [section, context] = message.attachments[0].blocks;
      expect(section).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*Redis is down*\n${raised.detail}` } });
      expect(context.type).toBe('context');
      expect(context.elements).toEqual([{ type: 'mrkdwn', text: `Critical · \`dependency:redis\` · raised <!date^${Date.parse(raised.raisedAt) / 1000}^{date_short_pretty} {time}|${raised.raisedAt}>` }]);
    });

    it('turns green with a check mark when resolved', () => {
      const message = slack(resolved);
      expect(message.text).toBe(':white_check_mark: Resolved: Redis is down');
      expect(message.attachments[0].color).toBe('#2ecc71');
      expect(message.attachments[0].blocks[0].text?.text).toBe(`*Resolved: Redis is down*\nResolved after 12 min.\n${raised.detail}`);
    });

    it('escapes Slack’s control characters, so alert text cannot ping a channel', () => {
      const message = slack({ ...raised, title: 'A & B <!channel>', detail: 'x > y' });
      expect(message.text).toBe(':rotating_light: A &amp; B &lt;!channel&gt;');
      expect(message.attachments[0].blocks[0].text?.text).toBe('*A &amp; B &lt;!channel&gt;*\nx &gt; y');
    });
  });
});
