import { createServer } from 'node:net';
import { AlertDispatcher, type AlertDispatcherOptions, MAX_RETRY_AFTER_MS } from './alert-dispatcher';
import type { AlertNotice } from './alert-notice';
import { type AlertSink, parseAlertSinks } from './alert-sinks.config';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const notice: AlertNotice = {
  id: '6f1c2a8e-3d4b-4c5a-9e7f-0a1b2c3d4e5f',
  key: 'dependency:redis',
  state: 'raised',
  severity: 'critical',
  title: 'Redis est tombé ⚠',
  detail: 'Redis did not answer PING within 2 s; searches and sessions fail.',
  raisedAt: '2026-12-01T10:00:00.000Z',
  resolvedAt: null,
};

/** The token part of a Discord webhook URL: must never come back out. */
const TOKEN = 'tok3n-SECRET-9f8e7d6c5b4a';

describe('AlertDispatcher against real HTTP sinks', () => {
  let receiver: WebhookReceiver;
  let waits: number[];
  /** Where nothing listens: connection refused. */
  let nowhere: string;

  const sink = (format: AlertSink['format'], path: string): AlertSink => parseAlertSinks(`${format}=${receiver.url}${path}`)[0];
  const dispatcher = (sinks: AlertSink[], options: Partial<AlertDispatcherOptions> = {}) =>
    new AlertDispatcher({
      sinks,
      timeoutMs: 2_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options,
    });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    nowhere = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.reset();
    waits = [];
  });

  it('posts each format with its headers and body, UTF-8 intact', async () => {
    const sinks = [sink('json', '/json'), sink('ntfy', '/sokoul-alerts'), sink('discord', `/api/webhooks/1/${TOKEN}`), sink('slack', '/services/T0/B0/xyz')];

    const results = await dispatcher(sinks).deliver(notice);

    expect(results.map((r) => [r.ok, r.attempts, r.status])).toEqual([
      [true, 1, 200],
      [true, 1, 200],
      [true, 1, 200],
      [true, 1, 200],
    ]);
    const [json] = receiver.requestsTo('/json');
    expect(json).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'sokoul-sentinel' } });
    expect(JSON.parse(json.body)).toEqual({ source: 'sokoul', ...notice });

    const [ntfy] = receiver.requestsTo('/sokoul-alerts');
    expect(ntfy.headers).toMatchObject({ title: `=?UTF-8?B?${Buffer.from(notice.title).toString('base64')}?=`, priority: '5', tags: 'rotating_light,critical' });
    expect(ntfy.body).toBe(notice.detail);

    const [discord] = receiver.requestsTo(`/api/webhooks/1/${TOKEN}`);
    expect(JSON.parse(discord.body)).toMatchObject({ username: 'Sokoul', embeds: [{ title: notice.title, color: 0xe74c3c }] });

    const [slack] = receiver.requestsTo('/services/T0/B0/xyz');
    expect(JSON.parse(slack.body)).toMatchObject({ text: `:rotating_light: ${notice.title}`, attachments: [{ color: '#e74c3c' }] });
  });

  it('retries a 500 after the backoff and reports the success', async () => {
    receiver.script('/hook', { status: 500, body: 'boom' }, { status: 502 }, { status: 200 });

    const [result] = await dispatcher([sink('json', '/hook')]).deliver(notice);

    expect(result).toEqual({ sink: expect.stringMatching(/^json:127\.0\.0\.1:\d+$/), ok: true, attempts: 3, status: 200 });
    expect(waits).toEqual([1_000, 5_000]);
    expect(receiver.requestsTo('/hook')).toHaveLength(3);
  });

  it('gives up after maxAttempts, the last backoff repeating, with the last error', async () => {
    receiver.script('/hook', { status: 503, body: '<html><h1>Service Unavailable</h1></html>' });

    const [result] = await dispatcher([sink('json', '/hook')], { maxAttempts: 5, backoffMs: [10, 20] }).deliver(notice);

    expect(result).toMatchObject({ ok: false, attempts: 5, status: 503, error: 'answered 503: Service Unavailable' });
    expect(waits).toEqual([10, 20, 20, 20]);
  });

  it('waits as long as a 429 Retry-After says, then delivers', async () => {
    receiver.script('/hook', { status: 429, headers: { 'retry-after': '7' } }, { status: 200 });

    const [result] = await dispatcher([sink('json', '/hook')]).deliver(notice);

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([7_000]);
  });

  it('reads a Retry-After HTTP-date, and caps a wait that is too long', async () => {
    const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString();
    receiver.script('/hook', { status: 429, headers: { 'retry-after': inThirtySeconds } }, { status: 503, headers: { 'retry-after': '86400' } }, { status: 204 });

    const [result] = await dispatcher([sink('json', '/hook')]).deliver(notice);

    expect(result).toMatchObject({ ok: true, attempts: 3, status: 204 });
    expect(waits[0]).toBeGreaterThan(25_000);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
    expect(waits[1]).toBe(MAX_RETRY_AFTER_MS);
  });

  it('honours Discord’s retry_after in the JSON body when there is no header', async () => {
    const path = `/api/webhooks/1/${TOKEN}`;
    receiver.script(path, { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"You are being rate limited.","retry_after":0.25,"global":false}' }, { status: 204 });

    const [result] = await dispatcher([sink('discord', path)]).deliver(notice);

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([250]);
  });

  it('does not retry a 400 or a 404: the configuration or the payload needs a fix', async () => {
    receiver.script('/slack', { status: 400, body: 'invalid_payload' });
    receiver.script('/gone', { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Unknown Webhook","code":10015}' });

    const results = await dispatcher([sink('slack', '/slack'), sink('discord', '/gone')]).deliver(notice);

    expect(results).toEqual([
      { sink: expect.stringMatching(/^slack:/), ok: false, attempts: 1, status: 400, error: 'answered 400: invalid_payload' },
      { sink: expect.stringMatching(/^discord:/), ok: false, attempts: 1, status: 404, error: 'answered 404: Unknown Webhook' },
    ]);
    expect(waits).toEqual([]);
  });

  it('retries a 408', async () => {
    receiver.script('/hook', { status: 408 }, { status: 200 });
    await expect(dispatcher([sink('json', '/hook')]).deliver(notice)).resolves.toMatchObject([{ ok: true, attempts: 2 }]);
  });

  it('does not follow a redirect (it would turn the POST into a GET)', async () => {
    receiver.script('/old', { status: 301, headers: { location: `${receiver.url}/new` } });

    const [result] = await dispatcher([sink('ntfy', '/old')]).deliver(notice);

    expect(result).toMatchObject({ ok: false, attempts: 1, status: 301, error: expect.stringContaining('a redirect') });
    expect(receiver.requestsTo('/new')).toHaveLength(0);
  });

  it('gives up on a sink slower than the timeout, and retries it', async () => {
    receiver.script('/slow', { status: 200, delayMs: 1_000 });

    const [result] = await dispatcher([sink('json', '/slow')], { timeoutMs: 150, maxAttempts: 2 }).deliver(notice);

    expect(result).toMatchObject({ ok: false, attempts: 2, error: 'no answer within 150 ms' });
    expect(result.status).toBeUndefined();
    expect(waits).toEqual([1_000]);
  });

  it('retries a reset connection and an unreachable host', async () => {
    receiver.script('/flaky', 'reset', { status: 200 });
    const closed = parseAlertSinks(`json=${nowhere}/${TOKEN}`)[0];

    const [flaky, unreachable] = await dispatcher([sink('json', '/flaky'), closed], { maxAttempts: 3 }).deliver(notice);

    expect(flaky).toMatchObject({ ok: true, attempts: 2 });
    expect(unreachable).toEqual({ sink: `json:${new URL(nowhere).host}`, ok: false, attempts: 3, error: 'could not be reached (ECONNREFUSED)' });
  });

  it('delivers to every sink at once, and one failing sink does not hold back the others', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    receiver.script('/a', { status: 200, until: held });
    receiver.script('/b', { status: 200, until: held });
    receiver.script('/broken', { status: 500 });
    const closed = parseAlertSinks(`json=${nowhere}/x`)[0];

    const delivering = dispatcher([sink('json', '/a'), sink('json', '/broken'), closed, sink('json', '/b')]).deliver(notice);
    // Both held requests are in flight together: neither waited for the other, nor for the broken sinks.
    await Promise.all([receiver.waitForRequests('/a'), receiver.waitForRequests('/b')]);
    release();
    const results = await delivering;

    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[1]).toMatchObject({ attempts: 4, status: 500 });
    expect(results[2]).toMatchObject({ attempts: 4, error: 'could not be reached (ECONNREFUSED)' });
  });

  it('never returns the URL’s token, query or credentials, whatever the server echoes', async () => {
    const echo = `Cannot POST /api/webhooks/1/${TOKEN}?thread_id=secret-thread-77 (token ${TOKEN}, ${receiver.url}/api/webhooks/1/${TOKEN})`;
    receiver.script(`/api/webhooks/1/${TOKEN}`, { status: 404, body: `<pre>${echo}</pre>` });
    const discord = parseAlertSinks(`discord=${receiver.url}/api/webhooks/1/${TOKEN}?thread_id=secret-thread-77`)[0];
    const withPassword = parseAlertSinks(`ntfy=${nowhere.replace('//', '//alice:pa55-SECRET-word@')}/${TOKEN}`)[0];
    const badUrl: AlertSink = { name: 'json:broken', format: 'json', url: `http//nowhere/${TOKEN}` };

    const results = await dispatcher([discord, withPassword, badUrl]).deliver(notice);

    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(results[0].error).toMatch(/^answered 404: Cannot POST …/);
    expect(results[2].error).toBeDefined();
    const said = JSON.stringify(results);
    for (const secret of [TOKEN, 'secret-thread-77', 'pa55-SECRET-word', '/api/webhooks/1/']) expect(said).not.toContain(secret);
  });

  it('sends user:password from the URL as Basic auth (fetch refuses credentials in a URL)', async () => {
    const ntfy = parseAlertSinks(`ntfy=${receiver.url.replace('//', '//alice:pa55%40word@')}/private-topic`)[0];

    const [result] = await dispatcher([ntfy]).deliver(notice);

    expect(result).toMatchObject({ ok: true, sink: ntfy.name });
    expect(ntfy.name).not.toContain('alice');
    expect(receiver.requestsTo('/private-topic')[0].headers.authorization).toBe(`Basic ${Buffer.from('alice:pa55@word').toString('base64')}`);
  });

  it('never throws, even when fetch itself does', async () => {
    const throwing = (() => {
      throw new TypeError(`bad request to ${receiver.url}/api/webhooks/1/${TOKEN}`);
    }) as unknown as typeof fetch;

    const results = await dispatcher([sink('json', `/api/webhooks/1/${TOKEN}`)], { fetch: throwing, maxAttempts: 2 }).deliver(notice);

    expect(results).toEqual([{ sink: expect.any(String), ok: false, attempts: 2, error: expect.stringContaining('could not be reached') }]);
    expect(JSON.stringify(results)).not.toContain(TOKEN);
  });

  it('resolves with no results when no sink is configured', async () => {
    await expect(dispatcher([]).deliver(notice)).resolves.toEqual([]);
  });
});

/** A port that was free a moment ago and is closed now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
