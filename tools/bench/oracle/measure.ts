/**
 * Runs searches through oracle replicas and reads what it cost: wall time, the model server's
 * prompts and releases, and the oracle's own inference-cache counters (prom-client's default
 * registry, where `@sokoul/observability` registers them).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import { HEURISTIC_JUDGE, type ReleaseVerdict } from '@sokoul/contracts';
import type { FakeLlm } from '@sokoul/fakes';
import type { ReleaseJudgeService, ReleaseToJudge } from './oracle';
import type { Search } from './workload';

/** What one phase (or one hour) cost. */
export interface Figures {
  searches: number;
  /** Releases judged, by either judge: the unit of every rate. */
  validations: number;
  seconds: number;
  /** Verdicts the model gave (from its answer or the cache), and those the heuristic gave. */
  byModel: number;
  byHeuristic: number;
  /** Chat completions the model server answered, and the releases they held. */
  prompts: number;
  releasesToModel: number;
  /** `sokoul_cache_hits_total` / `sokoul_cache_misses_total` with `cache="inference"`: one lookup per distinct question of a search. */
  hits: number;
  misses: number;
  /** `sokoul_ai_single_flight_shared_total`: answers a replica waited for while another asked. */
  shared: number;
}

export const NO_FIGURES: Figures = { searches: 0, validations: 0, seconds: 0, byModel: 0, byHeuristic: 0, prompts: 0, releasesToModel: 0, hits: 0, misses: 0, shared: 0 };

export function add(a: Figures, b: Figures): Figures {
  const sum = { ...a };
  for (const key of Object.keys(sum) as Array<keyof Figures>) sum[key] = a[key] + b[key];
  return sum;
}

export const perSecond = (f: Figures): number => f.validations / f.seconds;
/** hits ÷ (hits + misses); undefined without a lookup (no model). */
export const hitRatio = (f: Figures): number | undefined => (f.hits + f.misses > 0 ? f.hits / (f.hits + f.misses) : undefined);

async function metricSum(name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await register.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value)).reduce((sum, v) => sum + v.value, 0);
}

interface Counters {
  hits: number;
  misses: number;
  shared: number;
  prompts: number;
  requests: number;
}

async function counters(server: FakeLlm | undefined): Promise<Counters> {
  return {
    hits: await metricSum('sokoul_cache_hits_total', { cache: 'inference' }),
    misses: await metricSum('sokoul_cache_misses_total', { cache: 'inference' }),
    shared: await metricSum('sokoul_ai_single_flight_shared_total'),
    prompts: server?.completions ?? 0,
    requests: server?.requests.length ?? 0,
  };
}

/** One search's verdicts, with what was judged (release ids are new for every search, as the scout's are). */
export interface Judged {
  search: Search;
  verdicts: ReleaseVerdict[];
}

/**
 * Judges `searches`: search i goes to `replicas[i % replicas.length]`, and each replica judges up
 * to `handlers` searches at once (the oracle's consumer runs NATS_CONCURRENCY handlers). Returns
 * the verdicts in the order of `searches` and the figures of the whole run.
 */
export async function judgeSearches(
  replicas: readonly ReleaseJudgeService[],
  searches: readonly Search[],
  handlers: number,
  server: FakeLlm | undefined,
): Promise<{ judged: Judged[]; figures: Figures }> {
  const before = await counters(server);
  const judged: Judged[] = new Array(searches.length);
  const started = performance.now();
  await Promise.all(
    replicas.map(async (replica, r) => {
      const mine = searches.map((search, index) => ({ search, index })).filter(({ index }) => index % replicas.length === r);
      let next = 0;
      const handler = async (): Promise<void> => {
        while (next < mine.length) {
          const { search, index } = mine[next++] as { search: Search; index: number };
          const releases: ReleaseToJudge[] = search.releases.map((release) => ({ releaseId: randomUUID(), title: release.title, sizeBytes: release.sizeBytes, quality: release.quality }));
          judged[index] = { search, verdicts: await replica.judgeAll(search.media, releases) };
        }
      };
      await Promise.all(Array.from({ length: Math.min(handlers, mine.length) }, handler));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await counters(server);
  const chats = (server?.requests.slice(before.requests) ?? []).filter((request) => request.path === '/v1/chat/completions');
  const verdicts = judged.flatMap((j) => j.verdicts);
  const byHeuristic = verdicts.filter((v) => v.judgedBy === HEURISTIC_JUDGE).length;
  return {
    judged,
    figures: {
      searches: searches.length,
      validations: verdicts.length,
      seconds,
      byModel: verdicts.length - byHeuristic,
      byHeuristic,
      prompts: after.prompts - before.prompts,
      releasesToModel: chats.reduce((sum, request) => sum + (request.releaseCount ?? 0), 0),
      hits: after.hits - before.hits,
      misses: after.misses - before.misses,
      shared: after.shared - before.shared,
    },
  };
}

/** The verdict each (search, release name) got: a later pass must give the same from the cache. */
export function verdictsByName(judged: readonly Judged[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const { search, verdicts } of judged) search.releases.forEach((release, i) => map.set(`${search.label}|${release.title}`, verdicts[i]?.verdict ?? '?'));
  return map;
}

/** How many releases of the searches the model may judge (the first `modelMaxReleases` of each). */
export function modelEligible(searches: readonly Search[], modelMaxReleases: number): number {
  return searches.reduce((sum, search) => sum + Math.min(search.releases.length, modelMaxReleases), 0);
}
