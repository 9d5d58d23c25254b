import autocannon from 'autocannon';
import { type FakeLlm, type FakeTmdb, type FakeTorznabIndexer, startFakeLlm, startFakeTmdb, startFakeTorznabIndexer } from '@sokoul/fakes';
import { type Account, getJson, postJson, type ServiceProcess, signUp, TestStack } from '@sokoul/testing';
import type { Scale, Scenario, ScenarioResult } from '../scenario';
import { type FaultProxy, type ProxyFaults, startFaultProxy } from '../support/fault-proxy';

/**
 * Issue #9, "slow and flaky network to outside services": every call the scout and the oracle
 * make to TMDB, the Torznab indexers and the model goes through a fault proxy, whose faults
 * (latency with jitter, a bandwidth cap, drops, resets, blackholes) switch on and off while
 * searches run. Verdicts: every search ends (a failing indexer is reported as failed or skipped,
 * never waited on past its timeout), the scout's indexer backoff and the oracle's circuit
 * breaker open during the faults and close after, the scout's time on a search stays within
 * the configured timeouts, and the gateway's p99 for an unrelated request (`GET /users/me`
 * under light load) during the faults stays within a small factor of its p99 without them.
 */

/** The timeouts the scenario configures; the duration bound is derived from them. */
const TIMEOUTS = { indexerMs: 2_000, tmdbMs: 1_000, llmMs: 2_000, breakerOpenMs: 3_000, backoffBaseMs: 1_000, backoffMaxMs: 4_000 };
/**
 * The most the scout may spend on one search: TMDB's lookups (a search, then the details: two
 * sequential calls, a third allowed for an external-id lookup), every indexer at once within
 * its deadline, and 3 s for the rest (database, ranking, events) on a busy machine.
 */
export const SEARCH_BOUND_MS = 3 * TIMEOUTS.tmdbMs + TIMEOUTS.indexerMs + 3_000;
/** The verdict on the unrelated requests: p99 during faults ≤ this × p99 without (or ≤ 25 ms more, for tiny baselines). */
export const P99_FACTOR = 3;
const P99_SLACK_MS = 25;

const SETTINGS: Record<Scale, { baselineS: number; faultS: number; gapS: number; searchEveryMs: number; recoveryS: number; unrelatedRate: number }> = {
  ci: { baselineS: 12, faultS: 8, gapS: 3, searchEveryMs: 1_000, recoveryS: 40, unrelatedRate: 40 },
  full: { baselineS: 60, faultS: 40, gapS: 10, searchEveryMs: 500, recoveryS: 60, unrelatedRate: 100 },
};

const QUERIES = ['Dune Part Two 2024', 'Oppenheimer 2023', 'Breaking Bad S05E14', 'Dune 2021', 'Shogun 2024 S01E01'];

interface Proxies {
  tmdb: FaultProxy;
  llm: FaultProxy;
  indexers: Record<'alpha' | 'beta' | 'gamma', FaultProxy>;
}

/** One fault set of the cycle: what each proxy does while it is on. */
interface FaultSet {
  name: string;
  tmdb: ProxyFaults;
  llm: ProxyFaults;
  indexers: Partial<Record<keyof Proxies['indexers'], ProxyFaults>>;
}

const FAULT_SETS: FaultSet[] = [
  {
    name: 'slow links (latency 300–700 ms a chunk, 64 KB/s)',
    tmdb: { latencyMs: 150, jitterMs: 200 },
    llm: { latencyMs: 300, jitterMs: 400, bandwidthBytesPerSecond: 64_000 },
    indexers: { alpha: { latencyMs: 300, jitterMs: 400, bandwidthBytesPerSecond: 64_000 }, beta: { latencyMs: 300, jitterMs: 400 }, gamma: { latencyMs: 1_200, jitterMs: 400 } },
  },
  {
    name: 'resets and drops',
    tmdb: { reset: 0.5 },
    llm: { reset: 1 },
    indexers: { alpha: { reset: 1 }, beta: { drop: 0.5 }, gamma: { reset: 0.5, drop: 0.5 } },
  },
  {
    name: 'blackholes',
    tmdb: { blackhole: 0.5 },
    llm: { blackhole: 1 },
    indexers: { alpha: { blackhole: 1 }, gamma: { blackhole: 1 } },
  },
  {
    name: 'everything a little',
    tmdb: { latencyMs: 100, jitterMs: 300, drop: 0.2, reset: 0.2 },
    llm: { latencyMs: 100, jitterMs: 300, drop: 0.3, reset: 0.3, blackhole: 0.2 },
    indexers: { alpha: { drop: 0.3, reset: 0.3, latencyMs: 200, jitterMs: 300 }, beta: { blackhole: 0.3, latencyMs: 200 }, gamma: { reset: 0.5, jitterMs: 800 } },
  },
];

interface SearchView {
  id: string;
  status: string;
  releaseCount: number;
  startedAt: string | null;
  completedAt: string | null;
  indexers: Array<{ name: string; outcome: string; durationMs: number; detail?: string }>;
}

interface SearchRecord {
  id: string;
  phase: 'baseline' | 'faults' | 'recovery';
  /** Client's view: from the POST to the poll that saw it finished; undefined when it never did. */
  clientMs?: number;
  /** The scout's time on it: startedAt → completedAt. */
  scoutMs?: number;
  view?: SearchView;
}

/** What the e2e spec asserts; the ScenarioResult says the same in words. */
export interface FlakyNetworkVerdicts {
  searches: SearchRecord[];
  hung: number;
  /** POST /searches answered other than 202 (the gateway refused to start it). */
  refused: string[];
  /** Searches whose per-indexer report lacks an indexer, or reports one neither ok, failed nor skipped. */
  badReports: number;
  indexerOutcomes: Record<string, number>;
  maxScoutMs: number;
  maxClientMs: number;
  backoffOpened: string[];
  backoffClosedAfterMs: number | null;
  breakerOpenings: number;
  breakerClosedAfterMs: number | null;
  unjudgedReleases: number;
  unrelated: { baselineP99Ms: number; faultP99Ms: number; ratio: number; withinBound: boolean; requests: number; non2xx: number; errors: number };
  http5xx: number;
  proxyExchanges: Record<string, Record<string, number>>;
}

/** A series of a Prometheus text page: `name{label="value",…} number` → number, by the labels' text. */
export function readGauge(page: string, name: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{\s]+(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match) values.set(match[1] ?? '', Number(match[2]));
  }
  return values;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFlakyNetwork(scale: Scale): Promise<{ result: ScenarioResult; verdicts: FlakyNetworkVerdicts }> {
  const settings = SETTINGS[scale];
  let tmdb: FakeTmdb | undefined;
  let llm: FakeLlm | undefined;
  const fakes: FakeTorznabIndexer[] = [];
  const proxyList: FaultProxy[] = [];
  let stack: TestStack | undefined;
  try {
    tmdb = await startFakeTmdb();
    llm = await startFakeLlm({ latency: { baseMs: 30, perReleaseMs: 3 }, slots: 2 });
    fakes.push(
      await startFakeTorznabIndexer({ name: 'alpha', site: 'alpha' }),
      await startFakeTorznabIndexer({ name: 'beta', site: 'beta', flavour: 'prowlarr' }),
      await startFakeTorznabIndexer({ name: 'gamma', site: 'gamma' }),
    );
    const proxyFor = async (url: string) => {
      const proxy = await startFaultProxy({ port: Number(new URL(url).port) });
      proxyList.push(proxy);
      return proxy;
    };
    const proxies: Proxies = {
      tmdb: await proxyFor(tmdb.url),
      llm: await proxyFor(llm.url),
      indexers: { alpha: await proxyFor(fakes[0].url), beta: await proxyFor(fakes[1].url), gamma: await proxyFor(fakes[2].url) },
    };

    stack = await TestStack.create('chaos_flaky');
    // Raised per-user limit: the light load on /users/me is one user's 40–100 req/s.
    const gateway = await stack.start('gateway', { RATE_LIMIT_PER_USER_PER_MINUTE: '1000000' });
    const scout = await stack.start('scout', {
      TMDB_BASE_URL: proxies.tmdb.url,
      TMDB_READ_ACCESS_TOKEN: tmdb.bearerToken,
      TMDB_TIMEOUT_MS: String(TIMEOUTS.tmdbMs),
      TMDB_BREAKER_OPEN_MS: String(TIMEOUTS.breakerOpenMs),
      SCOUT_INDEXER_TIMEOUT_MS: String(TIMEOUTS.indexerMs),
      SCOUT_INDEXER_BACKOFF_BASE_MS: String(TIMEOUTS.backoffBaseMs),
      SCOUT_INDEXER_BACKOFF_MAX_MS: String(TIMEOUTS.backoffMaxMs),
      SCOUT_INDEXER_REQUESTS_PER_MINUTE: '100000',
      SCOUT_WATCHLIST_TICK_MS: '0',
      NATS_CONCURRENCY: '8',
    });
    const oracle = await stack.start('oracle', {
      ORACLE_LLM_URL: `${proxies.llm.url}/v1`,
      ORACLE_LLM_MODEL: llm.model,
      ORACLE_LLM_TIMEOUT_MS: String(TIMEOUTS.llmMs),
      ORACLE_BREAKER_FAILURES: '2',
      ORACLE_BREAKER_OPEN_MS: String(TIMEOUTS.breakerOpenMs),
      // Every search asks the model again (a 1 s cache), so the breaker is exercised throughout.
      ORACLE_CACHE_TTL_S: '1',
    });
    const admin = await signUp(gateway.url, 'admin');
    const alice = await signUp(gateway.url, 'alice');
    const api = (path: string) => `${gateway.url}/api/v1${path}`;
    for (const [name, proxy] of Object.entries(proxies.indexers)) {
      const fake = fakes.find((f) => f.name === name) as FakeTorznabIndexer;
      const created = await postJson<{ id: string }>(api('/indexers'), { name, url: proxy.via(fake.url), apiKey: fake.apiKey }, admin.accessToken);
      if (created.status !== 201) throw new Error(`adding indexer ${name}: ${created.status}`);
      const tested = await postJson(api(`/indexers/${created.body.id}/test`), {}, admin.accessToken);
      if (tested.status !== 200) throw new Error(`testing indexer ${name}: ${tested.status}`);
    }

    let http5xx = 0;
    let phase: SearchRecord['phase'] = 'baseline';
    const searches: SearchRecord[] = [];
    const refused: string[] = [];
    const inFlight = new Set<Promise<void>>();
    let n = 0;

    const runOne = async (account: Account): Promise<void> => {
      n += 1;
      // One title in six is unknown to TMDB and unique, so TMDB is asked (not its Redis cache).
      const query = n % 6 === 0 ? `Unheard Of Film ${n} ${1950 + (n % 70)}` : (QUERIES[n % QUERIES.length] as string);
      const started = Date.now();
      const created = await postJson<{ id: string }>(api('/searches'), { query }, account.accessToken);
      if (created.status >= 500) http5xx += 1;
      if (created.status !== 202) {
        refused.push(`${created.status} ${JSON.stringify(created.body)}`);
        return;
      }
      const record: SearchRecord = { id: created.body.id, phase };
      searches.push(record);
      const deadline = started + SEARCH_BOUND_MS * 4;
      while (Date.now() < deadline) {
        await sleep(250);
        const seen = await getJson<SearchView>(api(`/searches/${record.id}`), account.accessToken);
        if (seen.status >= 500) http5xx += 1;
        if (seen.status !== 200) continue;
        if (seen.body.status === 'completed' || seen.body.status === 'failed') {
          record.view = seen.body;
          record.clientMs = Date.now() - started;
          if (seen.body.startedAt && seen.body.completedAt) record.scoutMs = Date.parse(seen.body.completedAt) - Date.parse(seen.body.startedAt);
          return;
        }
      }
    };
    let searching = true;
    const searchLoop = (async () => {
      while (searching) {
        const one = runOne(alice).catch(() => undefined);
        inFlight.add(one);
        void one.finally(() => inFlight.delete(one));
        await sleep(settings.searchEveryMs);
      }
    })();

    // Metrics sampled every half second: the scout's backoff per indexer, the oracle's breaker.
    const backoffOpened = new Set<string>();
    let breakerSeenOpen = false;
    let backoffNow = new Map<string, number>();
    let breakerNow = new Map<string, number>();
    let sampling = true;
    const sampleLoop = (async () => {
      while (sampling) {
        const [scoutPage, oraclePage] = await Promise.all([metricsOf(scout), metricsOf(oracle)]);
        backoffNow = readGauge(scoutPage, 'sokoul_indexer_backoff_seconds');
        breakerNow = readGauge(oraclePage, 'sokoul_ai_circuit_open');
        for (const [labels, value] of backoffNow) if (value > 0) backoffOpened.add(/indexer="([^"]+)"/.exec(labels)?.[1] ?? labels);
        if ([...breakerNow.values()].some((v) => v > 0)) breakerSeenOpen = true;
        await sleep(500);
      }
    })();

    // Baseline, then the fault cycle, each with the same light load on an unrelated route.
    const unrelated = (durationS: number) =>
      autocannon({ url: api('/users/me'), connections: 4, overallRate: settings.unrelatedRate, duration: durationS, headers: { authorization: `Bearer ${admin.accessToken}` } });
    const baseline = await unrelated(settings.baselineS);
    phase = 'faults';
    const faultWindowS = FAULT_SETS.length * (settings.faultS + settings.gapS);
    const duringFaults = unrelated(faultWindowS);
    let healedAt = 0;
    for (const set of FAULT_SETS) {
      proxies.tmdb.setFaults(set.tmdb);
      proxies.llm.setFaults(set.llm);
      for (const [name, proxy] of Object.entries(proxies.indexers)) proxy.setFaults(set.indexers[name as keyof Proxies['indexers']] ?? {});
      await sleep(settings.faultS * 1000);
      for (const proxy of proxyList) proxy.setFaults({});
      healedAt = Date.now();
      await sleep(settings.gapS * 1000);
    }
    const faults = await duringFaults;
    phase = 'recovery';

    // Recovery (from the end of the last fault set): searches go on until every backoff is 0 and the breaker closed again.
    let backoffClosedAfterMs: number | null = null;
    let breakerClosedAfterMs: number | null = null;
    while (Date.now() - healedAt < settings.recoveryS * 1000 && (backoffClosedAfterMs === null || breakerClosedAfterMs === null)) {
      await sleep(250);
      if (backoffClosedAfterMs === null && backoffNow.size > 0 && [...backoffNow.values()].every((v) => v === 0)) backoffClosedAfterMs = Date.now() - healedAt;
      if (breakerClosedAfterMs === null && breakerNow.size > 0 && [...breakerNow.values()].every((v) => v === 0)) breakerClosedAfterMs = Date.now() - healedAt;
    }
    searching = false;
    await searchLoop;
    await Promise.all([...inFlight]);
    sampling = false;
    await sampleLoop;

    // Every release of a finished search is judged in the end, by the model or the heuristic.
    let unjudgedReleases = 0;
    for (const search of searches.filter((s) => (s.view?.releaseCount ?? 0) > 0)) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const releases = (await getJson<{ items: Array<{ validation: unknown }> }>(api(`/searches/${search.id}/releases?limit=100`), alice.accessToken)).body.items;
        const unjudged = releases.filter((r) => r.validation === null).length;
        if (unjudged === 0 || Date.now() > deadline) {
          unjudgedReleases += unjudged;
          break;
        }
        await sleep(500);
      }
    }

    const indexerNames = Object.keys(proxies.indexers);
    const indexerOutcomes: Record<string, number> = {};
    let badReports = 0;
    for (const search of searches) {
      const report = search.view?.indexers ?? [];
      for (const entry of report) indexerOutcomes[entry.outcome] = (indexerOutcomes[entry.outcome] ?? 0) + 1;
      const complete = indexerNames.every((name) => report.some((entry) => entry.name === name && ['ok', 'failed', 'skipped'].includes(entry.outcome)));
      if (search.view && !complete) badReports += 1;
    }
    const finished = searches.filter((s) => s.view);
    const baselineP99 = baseline.latency.p99;
    const faultP99 = faults.latency.p99;
    const ratio = faultP99 / Math.max(1, baselineP99);
    const verdicts: FlakyNetworkVerdicts = {
      searches,
      hung: searches.length - finished.length,
      refused,
      badReports,
      indexerOutcomes,
      maxScoutMs: Math.max(0, ...finished.map((s) => s.scoutMs ?? 0)),
      maxClientMs: Math.max(0, ...finished.map((s) => s.clientMs ?? 0)),
      backoffOpened: [...backoffOpened].sort(),
      backoffClosedAfterMs,
      // From the oracle's log (an opening shorter than a sample is still counted), at least 1 if a sample saw it.
      breakerOpenings: Math.max(oracle.logs.filter((l) => typeof l.msg === 'string' && /circuit open/.test(l.msg)).length, breakerSeenOpen ? 1 : 0),
      breakerClosedAfterMs,
      unjudgedReleases,
      unrelated: {
        baselineP99Ms: baselineP99,
        faultP99Ms: faultP99,
        ratio,
        withinBound: faultP99 <= Math.max(P99_FACTOR * baselineP99, baselineP99 + P99_SLACK_MS),
        requests: baseline.requests.total + faults.requests.total,
        non2xx: baseline.non2xx + faults.non2xx,
        errors: baseline.errors + faults.errors,
      },
      http5xx: http5xx + (baseline['5xx'] ?? 0) + (faults['5xx'] ?? 0),
      proxyExchanges: Object.fromEntries([['tmdb', proxies.tmdb], ['llm', proxies.llm], ...Object.entries(proxies.indexers)].map(([name, p]) => [name as string, { ...(p as FaultProxy).stats.exchanges }])),
    };
    return { result: summarise(verdicts, settings), verdicts };
  } finally {
    await stack?.destroy().catch(() => undefined);
    await Promise.all([...proxyList.map((p) => p.close()), ...fakes.map((f) => f.close()), tmdb?.close(), llm?.close()]);
  }
}

async function metricsOf(service: ServiceProcess): Promise<string> {
  try {
    const response = await fetch(`${service.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return await response.text();
  } catch {
    return '';
  }
}

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

function summarise(v: FlakyNetworkVerdicts, settings: (typeof SETTINGS)[Scale]): ScenarioResult {
  const exchanges = (name: string) => {
    const e = v.proxyExchanges[name] ?? {};
    return `${name} ${e['dropped'] ?? 0}/${e['reset'] ?? 0}/${e['blackholed'] ?? 0}`;
  };
  return {
    scenario: 'flaky-network',
    load: `a search every ${settings.searchEveryMs / 1000} s (${v.searches.length} in all) + ${settings.unrelatedRate} req/s on GET /users/me; 3 indexers, TMDB, model behind fault proxies`,
    faults: `${FAULT_SETS.length} fault sets × ${settings.faultS} s on / ${settings.gapS} s off: latency+jitter, 64 KB/s, drops, resets, blackholes (drop/reset/blackhole: ${Object.keys(v.proxyExchanges).map(exchanges).join(', ')})`,
    sent: v.searches.length + v.refused.length,
    unit: 'searches',
    lost: v.hung + v.refused.length,
    duplicated: 0,
    http5xx: v.http5xx,
    p99Ms: v.unrelated.faultP99Ms,
    notes: [
      `every search ended: ${v.searches.length - v.hung}/${v.searches.length}, ${v.refused.length} refused; indexer outcomes ${JSON.stringify(v.indexerOutcomes)}; reports missing an indexer: ${v.badReports}`,
      `scout time on a search at most ${(v.maxScoutMs / 1000).toFixed(1)} s (bound from the timeouts: ${SEARCH_BOUND_MS / 1000} s); client's view at most ${(v.maxClientMs / 1000).toFixed(1)} s`,
      `indexer backoff opened for ${v.backoffOpened.join(', ') || 'none'}; all back to 0 ${seconds(v.backoffClosedAfterMs)} after the faults ended`,
      `model circuit breaker opened ${v.breakerOpenings}× during the faults; closed ${seconds(v.breakerClosedAfterMs)} after; releases left unjudged: ${v.unjudgedReleases}`,
      `GET /users/me p99 ${v.unrelated.baselineP99Ms} ms without faults, ${v.unrelated.faultP99Ms} ms during them: ×${v.unrelated.ratio.toFixed(2)} (bound ×${P99_FACTOR} or +${P99_SLACK_MS} ms: ${v.unrelated.withinBound ? 'held' : 'NOT held'}); ${v.unrelated.requests} requests, ${v.unrelated.non2xx} non-2xx, ${v.unrelated.errors} errors`,
      `the gateway's per-user rate limit was raised for the run (RATE_LIMIT_PER_USER_PER_MINUTE), the scout ran 8 searches at once (NATS_CONCURRENCY) and the oracle's cache lasted 1 s, so that the model is asked on every search`,
    ],
  };
}

export const flakyNetwork: Scenario = {
  name: 'flaky-network',
  run: async (scale) => (await runFlakyNetwork(scale)).result,
};
