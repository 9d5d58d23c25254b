import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeTmdb, type FakeTorznabIndexer, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { TestStack, signUp } from '@sokoul/testing';
import type { Scale, Scenario, ScenarioResult } from '../scenario';
import { auditSearches, awaitSearchesFinished } from '../support/workers-checks';
import { RecordingClient, UNTHROTTLED_GATEWAY, UNTHROTTLED_SCOUT, percentile, queriesFor, sleep, submitSearches } from '../support/workers-load';

const SIZES = {
  ci: { goodSearches: 40, poisonPerKind: 4 },
  full: { goodSearches: 300, poisonPerKind: 30 },
} as const;

const DEAD_LETTER_ALERT = 'jetstream:dead-letters';

/** One kind of bad message: where it goes, what bytes, and why it must be dead-lettered. */
interface PoisonKind {
  name: string;
  subject: string;
  expectedReason: string;
  body(): string;
}

function envelope(type: string, payload: unknown, schemaVersion = 1): string {
  const id = randomUUID();
  return JSON.stringify({ id, type, schemaVersion, occurredAt: new Date().toISOString(), correlationId: id, payload });
}

const POISON: PoisonKind[] = [
  { name: 'not JSON', subject: 'sokoul.search.requested', expectedReason: 'malformed', body: () => 'not even json {' },
  { name: 'not an envelope', subject: 'sokoul.download.requested', expectedReason: 'malformed', body: () => JSON.stringify({ id: 'x', 'this is': 'not an envelope' }) },
  { name: 'invalid payload', subject: 'sokoul.search.requested', expectedReason: 'malformed', body: () => envelope('search.requested', { searchId: 'not-a-uuid', query: '' }) },
  { name: 'unknown schema version', subject: 'sokoul.search.requested', expectedReason: 'unknown-version', body: () => envelope('search.requested', { searchId: randomUUID(), query: 'Heat', requestedBy: null }, 99) },
  { name: 'wrong type for the subject', subject: 'sokoul.download.requested', expectedReason: 'wrong-type', body: () => envelope('search.requested', { searchId: randomUUID(), query: 'Heat', requestedBy: null }) },
  // Valid, but the search does not exist: the scout refuses it (NonRetryableError) at once.
  { name: 'search that does not exist', subject: 'sokoul.search.requested', expectedReason: 'non-retryable', body: () => envelope('search.requested', { searchId: randomUUID(), query: 'Heat 1995', requestedBy: null }) },
  // Valid, but its user does not exist: every attempt to record it breaks a foreign key.
  {
    name: 'download for a user that does not exist (the handler throws every time)',
    subject: 'sokoul.download.requested',
    expectedReason: 'handler-failed',
    body: () =>
      envelope('download.requested', {
        requestId: `poison:${randomUUID()}`,
        releaseId: randomUUID(),
        searchId: randomUUID(),
        requestedBy: randomUUID(),
        watchlistItemId: null,
        infoHash: null,
        title: 'Heat.1995.1080p.BluRay.x264-POISON',
        media: null,
      }),
  },
  // An event, not a command: every service consuming it dead-letters its own copy.
  { name: 'malformed event', subject: 'sokoul.releases.found', expectedReason: 'malformed', body: () => envelope('releases.found', { searchId: randomUUID(), releases: 'all of them' }) },
];

interface Notice {
  key: string;
  state: 'raised' | 'resolved';
}

interface Published {
  kind: PoisonKind;
  stream: string;
  seq: number;
}

export interface PoisonDetails {
  poisonSent: number;
  /** Bad messages with no dead letter, by kind. */
  missing: Record<string, number>;
  /** Dead letters whose reason is not the one expected, as `kind: reason`. */
  wrongReasons: string[];
  /** Dead letters beyond one per message and consumer. */
  extraDeadLetters: number;
  alertRaised: boolean;
  /** Times the alert was raised while already open. */
  alertRepeats: number;
  throughputRatio: number;
  goodNotCompleted: number;
  goodDuplicated: number;
}

export const poisonMessages: Scenario = {
  name: 'poison-messages',
  run: async (scale) => (await runPoisonMessages(scale)).result,
};

/**
 * Malformed and handler-crashing messages published straight onto the subjects while good
 * searches flow: each bad one ends in the dead-letter stream with its reason, the sentinel
 * raises its alert, and the good searches go as fast as in the rounds without poison (one
 * before, one after, in the same stack).
 */
export async function runPoisonMessages(scale: Scale): Promise<{ result: ScenarioResult; details: PoisonDetails }> {
  const size = SIZES[scale];
  let stack: TestStack | undefined;
  let tmdb: FakeTmdb | undefined;
  let indexer: FakeTorznabIndexer | undefined;
  let webhook: Server | undefined;
  const notices: Notice[] = [];
  const clients: RecordingClient[] = [];
  try {
    webhook = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        notices.push(JSON.parse(body) as Notice);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook?.listen(0, '127.0.0.1', resolve));
    tmdb = await startFakeTmdb();
    indexer = await startFakeTorznabIndexer({ name: 'catalogue' });
    stack = await TestStack.create('chaos_poison');
    const messaging = { NATS_MAX_DELIVER: '3', NATS_RETRY_BACKOFF_MS: '200,400', NATS_HEARTBEAT_INTERVAL_MS: '1000' };
    const gateway = await stack.start('gateway', { ...UNTHROTTLED_GATEWAY, ...messaging });
    await stack.start('scout', { ...messaging, ...UNTHROTTLED_SCOUT, TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0' });
    await stack.start('oracle', messaging);
    await stack.start('hunter', messaging);
    await stack.start('sentinel', {
      ...messaging,
      SENTINEL_INTERVAL_MS: '500',
      SENTINEL_EXPECTED_SERVICES: 'gateway,scout,oracle,hunter',
      SENTINEL_ALERT_WEBHOOKS: `json=http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/sokoul`,
    });
    const admin = await signUp(gateway.url, 'admin');
    const client = new RecordingClient(admin.accessToken);
    clients.push(client);
    const added = await client.send('POST /indexers', `${gateway.url}/api/v1/indexers`, { method: 'POST', body: { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey } });
    if (added?.status !== 201) throw new Error(`adding the indexer: ${added?.status}`);
    // Warm-up (connections, caches), so the clean phase is not slowed by first calls.
    const warm = await submitSearches(client, gateway.url, queriesFor(8), 4);
    await awaitSearchesFinished(stack, warm, 60_000);

    const measure = async (offset: number, alongside: () => Promise<void>) => {
      const queries = queriesFor(size.goodSearches, offset);
      const started = Date.now();
      const [ids] = await Promise.all([submitSearches(client, gateway.url, queries, 4), alongside()]);
      const finished = await awaitSearchesFinished(stack as TestStack, ids, 300_000);
      const seconds = (Date.now() - started) / 1000;
      return { ids, queries, seconds, finished, perSecond: ids.length / seconds };
    };

    const clean = await measure(0, async () => undefined);
    const published: Published[] = [];
    const js = stack.nats.jetstream();
    const poisoned = await measure(3, async () => {
      // The bad messages go out spread over the good ones' submission.
      for (let round = 0; round < size.poisonPerKind; round++) {
        for (const kind of POISON) {
          const ack = await js.publish((stack as TestStack).subject(kind.subject), kind.body(), { msgID: `poison-${randomUUID()}` });
          published.push({ kind, stream: ack.stream, seq: ack.seq });
        }
        await sleep(50);
      }
    });

    // Clean again: the poisoned phase is compared with the mean of the runs either side of it,
    // so that a drift of the machine (other load, a growing database) does not pass for its effect.
    const cleanAfter = await measure(5, async () => undefined);

    // Dead letters for every bad one: the crashing ones after their retries.
    const jsm = await stack.nats.jetstreamManager();
    const dlq = stack.stream('SOKOUL_DLQ');
    const letters = new Map<string, Array<{ reason: string; consumer: string }>>();
    const collect = async () => {
      letters.clear();
      const info = await jsm.streams.info(dlq);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const stored = await jsm.streams.getMessage(dlq, { seq }).catch(() => undefined);
        if (!stored) continue;
        const key = `${stored.header.get('Sokoul-Original-Stream')}:${stored.header.get('Sokoul-Original-Sequence')}`;
        letters.set(key, [...(letters.get(key) ?? []), { reason: stored.header.get('Sokoul-Dead-Letter-Reason'), consumer: stored.header.get('Sokoul-Consumer') }]);
      }
    };
    const deadline = Date.now() + 60_000;
    do {
      await collect();
      if (published.every((p) => letters.has(`${p.stream}:${p.seq}`)) && notices.some((n) => n.key === DEAD_LETTER_ALERT)) break;
      await sleep(1_000);
    } while (Date.now() < deadline);

    const missing: Record<string, number> = {};
    const wrongReasons = new Set<string>();
    let extraDeadLetters = 0;
    const repeated = new Set<string>();
    for (const p of published) {
      const found = letters.get(`${p.stream}:${p.seq}`) ?? [];
      if (found.length === 0) missing[p.kind.name] = (missing[p.kind.name] ?? 0) + 1;
      for (const letter of found) if (letter.reason !== p.kind.expectedReason) wrongReasons.add(`${p.kind.name}: ${letter.reason}`);
      const extra = found.length - new Set(found.map((l) => l.consumer)).size;
      if (extra > 0) repeated.add(`${p.kind.name} (${found.map((l) => `${l.consumer}: ${l.reason}`).join(', ')})`);
      extraDeadLetters += extra;
    }
    const alertStates = notices.filter((n) => n.key === DEAD_LETTER_ALERT).map((n) => n.state);
    const alertRepeats = alertStates.filter((state, i) => state === 'raised' && alertStates.slice(0, i).lastIndexOf('raised') > alertStates.slice(0, i).lastIndexOf('resolved')).length;

    const good = await auditSearches(stack, [...warm, ...clean.ids, ...poisoned.ids, ...cleanAfter.ids], [...queriesFor(warm.length), ...clean.queries, ...poisoned.queries, ...cleanAfter.queries]);
    const cleanPerSecond = (clean.perSecond + cleanAfter.perSecond) / 2;
    const ratio = poisoned.perSecond / cleanPerSecond;
    const lostPoison = Object.values(missing).reduce((a, b) => a + b, 0);
    const details: PoisonDetails = {
      poisonSent: published.length,
      missing,
      wrongReasons: [...wrongReasons],
      extraDeadLetters,
      alertRaised: alertStates.includes('raised'),
      alertRepeats,
      throughputRatio: ratio,
      goodNotCompleted: good.notCompleted.length,
      goodDuplicated: good.extraProcessedRecords + good.extraCompletedEvents,
    };
    const result: ScenarioResult = {
      scenario: 'poison-messages',
      load: `${(clean.ids.length + poisoned.ids.length + cleanAfter.ids.length).toLocaleString('en')} good searches in three rounds (poison alongside the middle one), ${published.length} bad messages of ${POISON.length} kinds`,
      faults: `${published.length} poison messages (malformed, wrong version or type, refused, crashing the handler)`,
      sent: clean.ids.length + poisoned.ids.length + cleanAfter.ids.length + published.length,
      unit: 'messages',
      lost: good.notCompleted.length + lostPoison,
      duplicated: details.goodDuplicated + extraDeadLetters,
      http5xx: client.http5xx,
      p99Ms: percentile(client.latencies('POST /searches'), 99),
      notes: [
        `good searches per second: ${clean.perSecond.toFixed(1)} and ${cleanAfter.perSecond.toFixed(1)} without poison (before, after), ${poisoned.perSecond.toFixed(1)} with it: ratio ${ratio.toFixed(2)}`,
        `${published.length - lostPoison}/${published.length} bad messages dead-lettered with their reason${wrongReasons.size ? `; unexpected reasons: ${[...wrongReasons].join('; ')}` : ''}${lostPoison ? `; missing: ${JSON.stringify(missing)}` : ''}`,
        `sentinel ${DEAD_LETTER_ALERT}: ${alertStates.join(' → ') || 'never raised'}${alertRepeats ? ` (raised again while open ${alertRepeats}×)` : ''}`,
        ...good.notCompleted.slice(0, 3).map((s) => `good search ${s.id} ended ${s.status}`),
        ...(extraDeadLetters ? [`dead letters per message and consumer beyond one: ${extraDeadLetters}, e.g. ${[...repeated].slice(0, 2).join('; ')}`] : []),
      ],
    };
    return { result, details };
  } finally {
    for (const c of clients) c.close();
    await stack?.destroy();
    webhook?.close();
    await Promise.all([tmdb?.close(), indexer?.close()]);
  }
}
