import { type FakeLlm, type FakeTmdb, type FakeTorznabIndexer, startFakeLlm, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type ServiceName, type ServiceProcess, TestStack, signUp } from '@sokoul/testing';
import type { Scale, Scenario, ScenarioResult } from '../scenario';
import { auditSearches, awaitReleasesJudged, awaitSearchesFinished } from '../support/workers-checks';
import { type CallRecord, MiB, RecordingClient, UNTHROTTLED_GATEWAY, UNTHROTTLED_SCOUT, percentile, queriesFor, sleep, submitSearches } from '../support/workers-load';
import { type EpisodeSwarm, auditDownloads, grabEpisode, startEpisodeSwarms, swarmReleases } from '../support/workers-swarms';

const SIZES = {
  ci: { searches: 12, downloads: 2, httpLanes: 4, loadMs: 1_500 },
  full: { searches: 100, downloads: 4, httpLanes: 8, loadMs: 5_000 },
} as const;

/** The scout's drain is shorter than its slowest handler here: its in-flight searches are released, not finished. */
const SCOUT_DRAIN_MS = 1_500;
const SLOW_INDEXER_MS = 3_000;
const SLOW_TEST_MS = 1_500;

/** How one service's SIGTERM went. */
export interface ShutdownOutcome {
  service: ServiceName;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** From SIGTERM to exit. */
  stopMs: number;
  /** What was in flight at SIGTERM (HTTP requests for the gateway, messages for a worker). */
  inFlight: number;
  /** Of those, how many did not end well: a failed request, a search or download never completed. */
  lost: number;
  duplicated: number;
  notes: string[];
}

export interface GracefulShutdownDetails {
  outcomes: ShutdownOutcome[];
}

export const gracefulShutdown: Scenario = {
  name: 'graceful-shutdown',
  run: async (scale) => (await runGracefulShutdown(scale)).result,
};

/** Like an orchestrator: SIGTERM, then SIGKILL once the grace period is over. */
const GRACE_MS = 15_000;

async function sigterm(service: ServiceProcess): Promise<{ exit: { code: number | null; signal: NodeJS.Signals | null }; stopMs: number }> {
  const at = Date.now();
  service.kill('SIGTERM');
  const timeout = setTimeout(() => service.kill('SIGKILL'), GRACE_MS);
  const exit = await service.exited;
  clearTimeout(timeout);
  return { exit, stopMs: Date.now() - at };
}

/**
 * SIGTERM to each of the five services under load, one after the other in one stack: the
 * gateway in the middle of fast and slow HTTP requests, each worker in the middle of its
 * messages. Each must exit 0 within its drain timeout, finish or release what it held, and a
 * replacement (for the workers) must complete everything: nothing lost, nothing done twice.
 */
export async function runGracefulShutdown(scale: Scale): Promise<{ result: ScenarioResult; details: GracefulShutdownDetails }> {
  const size = SIZES[scale];
  let stack: TestStack | undefined;
  let tmdb: FakeTmdb | undefined;
  let catalogue: FakeTorznabIndexer | undefined;
  let slow: FakeTorznabIndexer | undefined;
  let local: FakeTorznabIndexer | undefined;
  let llm: FakeLlm | undefined;
  let swarms: EpisodeSwarm[] = [];
  const outcomes: ShutdownOutcome[] = [];
  const clients: RecordingClient[] = [];
  try {
    swarms = await startEpisodeSwarms(size.downloads, 2 * MiB, 128 * 1024);
    tmdb = await startFakeTmdb();
    catalogue = await startFakeTorznabIndexer({ name: 'catalogue' });
    slow = await startFakeTorznabIndexer({ name: 'slow', delayMs: SLOW_TEST_MS });
    local = await startFakeTorznabIndexer({ name: 'swarms', trackers: swarms.map((s) => s.swarm.trackerUrl as string), releases: swarmReleases(swarms) });
    llm = await startFakeLlm({ latency: { baseMs: 800, perReleaseMs: 5 }, slots: 2 });
    stack = await TestStack.create('chaos_shutdown');
    const env: Record<ServiceName, Record<string, string>> = {
      gateway: { ...UNTHROTTLED_GATEWAY },
      scout: { ...UNTHROTTLED_SCOUT, TMDB_BASE_URL: tmdb.url, TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken, SCOUT_WATCHLIST_TICK_MS: '0', NATS_ACK_WAIT_MS: '5000' },
      oracle: { ORACLE_LLM_URL: `${llm.url}/v1`, ORACLE_LLM_MODEL: llm.model, ORACLE_LLM_TIMEOUT_MS: '10000', NATS_ACK_WAIT_MS: '5000' },
      hunter: { HUNTER_MAX_ACTIVE: String(size.downloads), HUNTER_TICK_MS: '500', HUNTER_LEASE_S: '30', HUNTER_SEED_RATIO: '0', HUNTER_SAMPLE_MAX_BYTES: String(256 * 1024) },
      sentinel: { SENTINEL_INTERVAL_MS: '500', NATS_HEARTBEAT_INTERVAL_MS: '500' },
    };
    // The gateway that stays; the one under test is a second replica.
    const gateway = await stack.start('gateway', env.gateway);
    const admin = await signUp(gateway.url, 'admin');
    const client = new RecordingClient(admin.accessToken);
    clients.push(client);
    const indexerIds: Record<string, string> = {};
    for (const indexer of [catalogue, slow, local]) {
      const added = await client.send<{ id: string }>('POST /indexers', `${gateway.url}/api/v1/indexers`, { method: 'POST', body: { name: indexer.name, url: indexer.url, apiKey: indexer.apiKey } });
      if (added?.status !== 201) throw new Error(`adding indexer ${indexer.name}: ${added?.status}`);
      indexerIds[indexer.name] = added.body.id;
    }
    // The slow indexer serves the gateway's tests only: no search should wait for it.
    const disabled = await client.send('PATCH /indexers/:id', `${gateway.url}/api/v1/indexers/${indexerIds['slow']}`, { method: 'PATCH', body: { enabled: false } });

    // 1. The gateway, under fast reads and slow indexer tests.
    {
      const victim = await stack.start('gateway', env.gateway);
      const http = new RecordingClient(admin.accessToken);
      clients.push(http);
      let stopLanes = false;
      let terminated = false;
      const fast = () => http.send('GET /searches', `${victim.url}/api/v1/searches?limit=5`);
      const slowCall = () => http.send('POST /indexers/:id/test', `${victim.url}/api/v1/indexers/${indexerIds['slow']}/test`, { method: 'POST' });
      const lanes = Array.from({ length: size.httpLanes }, async (_, lane) => {
        while (!stopLanes) {
          const answered = await (lane === 0 ? slowCall() : fast());
          // No answer after SIGTERM (refused: the gateway stopped accepting, as it should): this lane is done.
          if (!answered && terminated) break;
        }
      });
      await sleep(size.loadMs);
      const lastSlow = [slowCall(), slowCall()];
      await sleep(300);
      const killedAt = Date.now();
      terminated = true;
      const { exit, stopMs } = await sigterm(victim);
      await sleep(200);
      stopLanes = true;
      await Promise.all([...lanes, ...lastSlow]);
      const inFlight = http.calls.filter((c) => c.startedAt < killedAt && c.endedAt >= killedAt);
      const failed = inFlight.filter((c) => c.error !== undefined || (c.status ?? 0) >= 500);
      const after = http.calls.filter((c) => c.startedAt >= killedAt);
      const byOutcome = (calls: CallRecord[]) => countBy(calls.map((c) => c.error ?? String(c.status)));
      outcomes.push({
        service: 'gateway',
        exit,
        stopMs,
        inFlight: inFlight.length,
        lost: failed.length,
        duplicated: 0,
        notes: [
          `${http.calls.length} requests (${http.calls.filter((c) => c.label.includes('test')).length} slow); ${inFlight.length} in flight at SIGTERM (${inFlight.filter((c) => c.label.includes('test')).length} slow): ${JSON.stringify(byOutcome(inFlight))}`,
          `sent after SIGTERM: ${JSON.stringify(byOutcome(after))} (answers after SIGTERM come over connections opened before it; a refusal is a new connection)`,
          `exit ${exit.code ?? exit.signal} after ${(stopMs / 1000).toFixed(1)} s; 5xx ${http.http5xx}; p99 ${percentile(http.latencies(), 99) ?? '—'} ms`,
        ],
      });
      client.calls.push(...http.calls);
    }

    // 2. A scout with searches in flight, its handlers slower than its drain timeout: released, then run by the next scout.
    {
      catalogue.configure({ delayMs: SLOW_INDEXER_MS });
      const scout = await stack.start('scout', { ...env.scout, NATS_DRAIN_TIMEOUT_MS: String(SCOUT_DRAIN_MS) });
      const queries = queriesFor(size.searches);
      const ids = await submitSearches(client, gateway.url, queries, 4);
      await waitFor(async () => (await openSearches(stack as TestStack, ids, 'running')) > 0, 30_000);
      const running = await openSearches(stack, ids, 'running');
      const { exit, stopMs } = await sigterm(scout);
      catalogue.configure({ delayMs: 0 });
      await stack.start('scout', env.scout);
      await awaitSearchesFinished(stack, ids, 120_000);
      const audit = await auditSearches(stack, ids, queries);
      const released = scout.logs.find((l) => String(l.msg ?? '').includes('released'));
      outcomes.push({
        service: 'scout',
        exit,
        stopMs,
        inFlight: running,
        lost: audit.notCompleted.length,
        duplicated: audit.extraProcessedRecords + audit.extraCompletedEvents,
        notes: [`${running} searches running at SIGTERM (drain ${SCOUT_DRAIN_MS} ms, handlers ${SLOW_INDEXER_MS} ms): ${released?.msg ?? 'none released'}; ${audit.completed}/${audit.total} completed after the next scout started`],
      });
    }

    // 3. An oracle in the middle of judging (the model takes ~1 s a prompt): it finishes what it holds, the next one the rest.
    let judgedIds: string[] = [];
    {
      const oracle = await stack.start('oracle', env.oracle);
      const queries = queriesFor(size.searches, 2);
      const ids = await submitSearches(client, gateway.url, queries, 4);
      judgedIds = ids;
      const asking = () => (llm as FakeLlm).requests.filter((r) => r.path.includes('chat') && r.status === undefined).length;
      await waitFor(() => asking() > 0, 60_000);
      const pendingAtSigterm = asking();
      const { exit, stopMs } = await sigterm(oracle);
      const pendingAtExit = asking();
      await stack.start('oracle', env.oracle);
      await awaitSearchesFinished(stack, ids, 60_000);
      const judged = await awaitReleasesJudged(stack, ids, 120_000);
      const audit = await auditSearches(stack, ids, queries);
      const validated = (await stack.eventCounts())['sokoul.releases.validated'] ?? 0;
      const [{ completed }] = await stack.db.query(`SELECT count(*)::int AS completed FROM searches WHERE status = 'completed'`);
      outcomes.push({
        service: 'oracle',
        exit,
        stopMs,
        inFlight: pendingAtSigterm,
        lost: audit.searchesWithUnjudged + audit.notCompleted.length,
        duplicated: Math.max(0, validated - completed),
        notes: [`${judged ? 'every release judged' : `${audit.unjudgedReleases} releases never judged`} after the next oracle started; releases.validated ${validated} for ${completed} completed searches; model prompts in flight at SIGTERM ${pendingAtSigterm}, still unanswered at exit ${pendingAtExit}`],
      });
    }

    // 4. A hunter in the middle of its downloads: it hands them back, the next hunter resumes them at once.
    {
      const hunter = await stack.start('hunter', env.hunter);
      const searchIds: string[] = [];
      const downloads: Array<{ id: string; episode: EpisodeSwarm }> = [];
      for (const episode of swarms) downloads.push({ id: await grabEpisode(client, gateway.url, episode, searchIds), episode });
      const moving = async () => {
        const [{ n }] = await (stack as TestStack).db.query(`SELECT count(*)::int AS n FROM downloads WHERE status = 'downloading' AND downloaded_bytes > 0`);
        return n as number;
      };
      await waitFor(async () => (await moving()) > 0, 60_000);
      const movingAtSigterm = await moving();
      const { exit, stopMs } = await sigterm(hunter);
      const [{ held }] = await stack.db.query(`SELECT count(*)::int AS held FROM downloads WHERE claimed_by IS NOT NULL`);
      const handedBack = Date.now();
      await stack.start('hunter', env.hunter);
      await waitFor(async () => {
        const [{ open }] = await (stack as TestStack).db.query(`SELECT count(*)::int AS open FROM downloads WHERE status NOT IN ('completed', 'failed', 'cancelled')`);
        return open === 0;
      }, 120_000);
      const resumedIn = (Date.now() - handedBack) / 1000;
      await waitFor(async () => {
        const [{ unhashed }] = await (stack as TestStack).db.query(`SELECT count(*)::int AS unhashed FROM library_files WHERE sha256 IS NULL`);
        return unhashed === 0;
      }, 20_000);
      const rows: Array<{ id: string; n: number }> = await stack.db.query(`SELECT d.id, (SELECT count(*)::int FROM downloads e WHERE e.info_hash = d.info_hash) AS n FROM downloads d`);
      const audit = await auditDownloads(client, gateway.url, stack.env()['HUNTER_LIBRARY_DIR'], downloads, new Map(rows.map((r) => [r.id, r.n])));
      outcomes.push({
        service: 'hunter',
        exit,
        stopMs,
        inFlight: movingAtSigterm,
        lost: audit.total - audit.verified,
        duplicated: audit.duplicates,
        notes: [
          `${movingAtSigterm} of ${downloads.length} downloads moving at SIGTERM; still claimed after exit: ${held}; ${audit.verified}/${audit.total} completed with the swarm's SHA-256 by the next hunter (${resumedIn.toFixed(0)} s)`,
          ...audit.failures,
        ],
      });
    }

    // 5. The sentinel, in the middle of its rounds.
    {
      const sentinel = await stack.start('sentinel', env.sentinel);
      await sentinel.waitForLog((l) => String(l.msg ?? '').length > 0 && l.msg !== 'ready', 5_000).catch(() => undefined);
      await sleep(1_200);
      const { exit, stopMs } = await sigterm(sentinel);
      outcomes.push({ service: 'sentinel', exit, stopMs, inFlight: 0, lost: 0, duplicated: 0, notes: [] });
    }

    const searchAudit = await auditSearches(stack, judgedIds, queriesFor(size.searches, 2));
    const details: GracefulShutdownDetails = { outcomes };
    const gatewayCalls = client.calls.filter((c) => c.label === 'GET /searches' || c.label.includes('/test'));
    const result: ScenarioResult = {
      scenario: 'graceful-shutdown',
      load: `each service in turn: gateway under ${size.httpLanes} HTTP lanes (1 slow, ${SLOW_TEST_MS / 1000} s), ${size.searches} searches for the scout and for the oracle, ${size.downloads} downloads for the hunter`,
      faults: `SIGTERM ×5 (${outcomes.map((o) => (o.exit.signal === 'SIGKILL' ? `${o.service} still running after ${GRACE_MS / 1000} s, SIGKILLed` : `${o.service} exit ${o.exit.code} in ${(o.stopMs / 1000).toFixed(1)} s`)).join(', ')})`,
      sent: gatewayCalls.length + 2 * size.searches + size.downloads,
      unit: 'requests',
      lost: outcomes.reduce((sum, o) => sum + o.lost, 0),
      duplicated: outcomes.reduce((sum, o) => sum + o.duplicated, 0) + searchAudit.extraProcessedRecords,
      http5xx: client.http5xx,
      p99Ms: percentile(
        gatewayCalls.filter((c) => c.status !== undefined).map((c) => c.endedAt - c.startedAt),
        99,
      ),
      notes: [...(disabled?.status === 200 ? [] : [`could not disable the slow indexer (${disabled?.status}): searches also asked it`]), ...outcomes.flatMap((o) => o.notes.map((n) => `${o.service}: ${n}`))],
    };
    return { result, details };
  } finally {
    for (const c of clients) c.close();
    await stack?.destroy();
    await Promise.all([tmdb?.close(), catalogue?.close(), slow?.close(), local?.close(), llm?.close(), ...swarms.map((s) => s.swarm.close())]);
  }
}

async function openSearches(stack: TestStack, ids: readonly string[], status: string): Promise<number> {
  const [{ n }] = await stack.db.query(`SELECT count(*)::int AS n FROM searches WHERE id = ANY($1) AND status = $2`, [ids, status]);
  return n;
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
