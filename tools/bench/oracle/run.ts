/**
 * `npm run bench:oracle`: what the oracle's inference cache buys. In one run, against a local
 * OpenAI-compatible model server (`startFakeLlm`) and the local Redis:
 *  1. validations per second with a cold cache (a fresh key prefix) and a warm one (the same
 *     searches again), on a model as slow as a small board;
 *  2. the heuristic alone (no model): the floor when no LLM runs;
 *  3. the cache hit ratio of a watchlist re-searched every hour for a day while the indexers'
 *     listings drift, judged by two replicas sharing the cache.
 * Prints one table and a one-line JSON summary. It only measures: no threshold is asserted.
 * See tools/bench/oracle/README.md.
 */
import { performance } from 'node:perf_hooks';
import { Logger, type LoggerService } from '@nestjs/common';
import Redis from 'ioredis';
import { z } from 'zod';
import { loadConfig } from '@sokoul/config';
import { type FakeLlm, startFakeLlm } from '@sokoul/fakes';
import { testEnvironment, uniqueNamespace } from '@sokoul/testing';
import { Cleanup } from '../messaging/cleanup';
import { describeMachine, loadAverage } from '../messaging/machine';
import { type Figures, NO_FIGURES, add, judgeSearches, modelEligible, verdictsByName } from './measure';
import { OracleReplica, type OracleSettings, oracleOptionsFor } from './oracle';
import { type BoardResult, type HourFigures, type Latency, type OracleBenchConfig, type OracleBenchResult, type WatchlistResult, formatReport, jsonSummary, latencyLabel } from './report';
import { MAX_DISTINCT_SEARCHES, type Search, WatchlistSimulation, distinctSearches } from './workload';
import { UsageError, parseBenchArgs } from '../cli';

const MODEL = 'qwen2.5-3b-instruct';
/** Warm and heuristic passes: at least this many each, and at least `--min-seconds` of each. */
const MIN_PASSES = 3;
const MAX_PASSES = 10_000;

const USAGE = `Usage: npm run bench:oracle -- [options]
Each option can also be set as BENCH_ORACLE_<NAME> (e.g. BENCH_ORACLE_BASE_MS=300); a flag wins.
  --only all|board|watchlist  run parts 1–2 (board), part 3 (watchlist) or all (default)
  --searches N           distinct searches for cold / warm / heuristic, default 20 (at most ${MAX_DISTINCT_SEARCHES})
  --releases N           releases per search, default 40
  --base-ms MS           model time per prompt, default 400 (a small board)
  --per-release-ms MS    model time per release in a prompt, default 60
  --slots N              prompts the model server generates at once, default 1
  --min-seconds S        measure warm and heuristic passes for at least S seconds each, default 3
  --items N              watchlist items, default 50
  --hours N              simulated hours of hourly re-searches, default 24
  --wl-base-ms MS        model time per prompt in the watchlist part, default 5
  --wl-per-release-ms MS model time per release in the watchlist part, default 1
  --handlers N           searches each replica judges at once (NATS_CONCURRENCY), default 4
  --seed S               seed of the generated names and drift, default 1
  --batch-size N         ORACLE_BATCH_SIZE (default: the oracle's, 8)
  --prompt-max-chars N   ORACLE_PROMPT_MAX_CHARS (default: the oracle's, 4000)
  --model-max-releases N ORACLE_MODEL_MAX_RELEASES (default: the oracle's, 40)
  --concurrency N        ORACLE_LLM_CONCURRENCY (default: the oracle's, 1)`;

/** A bad command line: shown with the usage, without a stack trace. */
/** The run did not measure what it says (a release the model should have judged was not): stop rather than print it. */
class BenchError extends Error {}

const OPTIONS = {
  only: { type: 'string' },
  searches: { type: 'string' },
  releases: { type: 'string' },
  'base-ms': { type: 'string' },
  'per-release-ms': { type: 'string' },
  slots: { type: 'string' },
  'min-seconds': { type: 'string' },
  items: { type: 'string' },
  hours: { type: 'string' },
  'wl-base-ms': { type: 'string' },
  'wl-per-release-ms': { type: 'string' },
  handlers: { type: 'string' },
  seed: { type: 'string' },
  'batch-size': { type: 'string' },
  'prompt-max-chars': { type: 'string' },
  'model-max-releases': { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;
type Name = Exclude<keyof typeof OPTIONS, 'help'>;

const envName = (name: string): string => `BENCH_ORACLE_${name.toUpperCase().replace(/-/g, '_')}`;
const NAMES = Object.keys(OPTIONS).filter((name): name is Name => name !== 'help');
/** BENCH_ORACLE_*, read once and here only (REDIS_URL is read by `testEnvironment`). */
const env = loadConfig(z.object(Object.fromEntries(NAMES.map((name) => [envName(name), z.string().min(1).optional()]))));

interface Options {
  config: OracleBenchConfig;
  settings: Omit<OracleSettings, 'modelUrl' | 'model'>;
}

function readOptions(): Options {
  const values = parseBenchArgs(OPTIONS, USAGE);
  const raw = (name: Name): string | undefined => values[name] ?? (env[envName(name)] as string | undefined);
  const int = (name: Name, fallback: number | undefined, min: number, max = 1_000_000): number | undefined => {
    const text = raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} (${envName(name)}) must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return value;
  };
  const required = (name: Name, fallback: number, min: number, max?: number): number => int(name, fallback, min, max) as number;
  const only = raw('only') ?? 'all';
  if (only !== 'all' && only !== 'board' && only !== 'watchlist') throw new UsageError('--only must be all, board or watchlist');
  const settings = {
    batchSize: int('batch-size', undefined, 1, 1000),
    promptMaxChars: int('prompt-max-chars', undefined, 1),
    modelMaxReleases: int('model-max-releases', undefined, 1, 1000),
    concurrency: int('concurrency', undefined, 1, 64),
  };
  // The options the oracle would run with: the service's defaults, changed only where a flag says
  // (a model URL only so that the model's own defaults, its timeout, are resolved too).
  const resolved = oracleOptionsFor({ model: MODEL, modelUrl: 'http://127.0.0.1:1/v1', ...settings });
  return {
    settings,
    config: {
      only,
      seed: raw('seed') ?? '1',
      handlers: required('handlers', 4, 1, 64),
      board: {
        searches: required('searches', 20, 1, MAX_DISTINCT_SEARCHES),
        releases: required('releases', 40, 1, 1000),
        latency: { baseMs: required('base-ms', 400, 0), perReleaseMs: required('per-release-ms', 60, 0), slots: required('slots', 1, 1, 64) },
        minSeconds: required('min-seconds', 3, 0, 3600),
      },
      watchlist: {
        items: required('items', 50, 2, 80),
        hours: required('hours', 24, 1, 24 * 30),
        latency: { baseMs: required('wl-base-ms', 5, 0), perReleaseMs: required('wl-per-release-ms', 1, 0), slots: 1 },
      },
      oracle: {
        batchSize: resolved.batchSize,
        promptMaxChars: resolved.promptMaxChars,
        modelMaxReleases: resolved.modelMaxReleases,
        concurrency: resolved.concurrency,
        cacheTtlSeconds: resolved.cacheTtlSeconds,
        singleFlightPollMs: resolved.singleFlightPollMs,
        timeoutMs: resolved.model?.timeoutMs ?? 0,
      },
    },
  };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** After Ctrl-C the clean-up pulls the servers from under the run: its errors are no news. */
let interrupted = false;

/** The oracle logs through Nest's Logger; without an app it would print to stdout, which carries the report. */
const stderrLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown) => interrupted || process.stderr.write(`sokoul warn: ${JSON.stringify(message)}\n`),
  error: (message: unknown) => interrupted || process.stderr.write(`sokoul error: ${JSON.stringify(message)}\n`),
};

async function modelServer(latency: Latency, cleanup: Cleanup): Promise<FakeLlm> {
  const server = await startFakeLlm({ models: [MODEL], slots: latency.slots, latency: { baseMs: latency.baseMs, perReleaseMs: latency.perReleaseMs } });
  cleanup.add(`model server ${server.url}`, () => server.close());
  return server;
}

async function replica(prefix: string, settings: OracleSettings, cleanup: Cleanup): Promise<OracleReplica> {
  const started = await OracleReplica.start(testEnvironment.REDIS_URL, prefix, oracleOptionsFor(settings));
  cleanup.add(`redis connection (${prefix})`, () => started.close());
  return started;
}

/** Every release the model may judge was judged by it: otherwise the rate measured something else (timeouts, failures). */
function expectModelJudged(phase: string, searches: readonly Search[], figures: Figures, modelMaxReleases: number): void {
  const eligible = modelEligible(searches, modelMaxReleases);
  if (figures.byModel !== eligible) {
    throw new BenchError(`${phase}: the model judged ${figures.byModel} of the ${eligible} releases it should have (the heuristic took the rest): see the warnings above`);
  }
}

async function board({ config, settings }: Options, namespace: string, cleanup: Cleanup): Promise<BoardResult> {
  const { searches: count, releases, latency, minSeconds } = config.board;
  const { handlers } = config;
  const server = await modelServer(latency, cleanup);
  const withModel = await replica(`${namespace}:board`, { model: MODEL, modelUrl: `${server.url}/v1`, ...settings }, cleanup);
  const heuristicOnly = await replica(`${namespace}:heuristic`, { model: MODEL, ...settings }, cleanup);
  const maxReleases = withModel.options.modelMaxReleases;
  const searches = distinctSearches(count, releases, config.seed);

  progress(`1. cold cache: ${count} searches × ${releases} releases, model ${latencyLabel(latency)}`);
  const cold = await judgeSearches([withModel.judge], searches, handlers, server);
  expectModelJudged('cold cache', searches, cold.figures, maxReleases);
  if (cold.figures.hits > 0 || cold.figures.releasesToModel !== cold.figures.misses) {
    throw new BenchError(`cold cache: ${cold.figures.hits} cache hits, ${cold.figures.releasesToModel} releases sent to the model for ${cold.figures.misses} misses`);
  }
  progress(`   ${cold.figures.validations} validations in ${cold.figures.seconds.toFixed(1)} s, ${cold.figures.prompts} prompts`);
  const coldVerdicts = verdictsByName(cold.judged);

  progress(`1–2. warm cache and heuristic only, interleaved, at least ${MIN_PASSES} passes and ${minSeconds} s each`);
  let warm: Figures = NO_FIGURES;
  let heuristic: Figures = NO_FIGURES;
  let warmPasses = 0;
  let heuristicPasses = 0;
  const more = (passes: number, f: Figures): boolean => passes < MAX_PASSES && (passes < MIN_PASSES || f.seconds < minSeconds);
  while (more(warmPasses, warm) || more(heuristicPasses, heuristic)) {
    if (more(warmPasses, warm)) {
      const pass = await judgeSearches([withModel.judge], searches, handlers, server);
      if (pass.figures.prompts > 0) throw new BenchError(`warm cache: pass ${warmPasses + 1} called the model ${pass.figures.prompts} times`);
      expectModelJudged('warm cache', searches, pass.figures, maxReleases);
      const changed = [...verdictsByName(pass.judged)].filter(([key, verdict]) => coldVerdicts.get(key) !== verdict);
      if (changed.length > 0) throw new BenchError(`warm cache: ${changed.length} verdicts differ from the cold pass, e.g. ${changed[0]?.[0]}`);
      warm = add(warm, pass.figures);
      warmPasses += 1;
    }
    if (more(heuristicPasses, heuristic)) {
      const pass = await judgeSearches([heuristicOnly.judge], searches, handlers, undefined);
      if (pass.figures.byModel > 0) throw new BenchError('heuristic only: a verdict came from a model');
      heuristic = add(heuristic, pass.figures);
      heuristicPasses += 1;
    }
  }
  const { batchSize } = withModel.options;
  return {
    cold: cold.figures,
    warm: { ...warm, passes: warmPasses },
    heuristic: { ...heuristic, passes: heuristicPasses },
    ceiling: (latency.slots * batchSize * 1000) / (latency.baseMs + latency.perReleaseMs * batchSize),
  };
}

async function watchlist({ config, settings }: Options, namespace: string, cleanup: Cleanup): Promise<WatchlistResult> {
  const { items, hours, latency } = config.watchlist;
  const server = await modelServer(latency, cleanup);
  const options = { model: MODEL, modelUrl: `${server.url}/v1`, ...settings };
  // Two replicas, each its own connection, one key prefix: the cache and the single-flight marks are shared.
  const replicas = [await replica(`${namespace}:watchlist`, options, cleanup), await replica(`${namespace}:watchlist`, options, cleanup)];
  const maxReleases = replicas[0]?.options.modelMaxReleases ?? 0;
  const simulation = new WatchlistSimulation(items, hours, config.seed);
  const { composition } = simulation;
  progress(`3. watchlist: ${composition.items} items re-searched hourly for ${hours} h by 2 replicas, model ${latencyLabel(latency)}`);

  const perHour: HourFigures[] = [];
  for (let hour = 1; hour <= hours; hour++) {
    const drift = simulation.advance(hour);
    const searches = simulation.searches();
    const { figures } = await judgeSearches(replicas.map((r) => r.judge), searches, config.handlers, server);
    expectModelJudged(`watchlist hour ${hour}`, searches, figures, maxReleases);
    if (figures.releasesToModel !== figures.misses) {
      progress(`   hour ${hour}: ${figures.releasesToModel} releases sent to the model for ${figures.misses} misses (${figures.shared} answers shared by single-flight)`);
    }
    perHour.push({ hour, drift, ...figures });
    progress(
      `   hour ${String(hour).padStart(2)}: +${drift.appeared} names (${drift.repacks} repack/proper), −${drift.disappeared}; ${figures.validations} validations, ${figures.misses} misses, ${figures.prompts} prompts (${figures.releasesToModel} releases), ${figures.seconds.toFixed(2)} s`,
    );
  }
  const sum = (list: readonly Figures[]): Figures => list.reduce(add, NO_FIGURES);
  return { composition, hours: perHour, first: sum(perHour.slice(0, 1)), later: sum(perHour.slice(1)), total: sum(perHour) };
}

/** Deletes every key under `namespace:` (SCAN, since keyPrefix does not apply to its pattern) and says how many. */
async function removeKeys(redis: Redis, namespace: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

async function main(): Promise<void> {
  const options = readOptions();
  const started = performance.now();
  Logger.overrideLogger(stderrLogger);
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (interrupted = true));
  const namespace = uniqueNamespace('bench_oracle');
  const admin = new Redis(testEnvironment.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // Registered first, so it runs last: after every replica has closed.
  cleanup.add(`redis keys ${namespace}:*`, async () => {
    if (admin.status !== 'ready') return admin.disconnect();
    const removed = await removeKeys(admin, namespace);
    const left = (await admin.scan('0', 'MATCH', `${namespace}:*`, 'COUNT', 1000))[1].length;
    progress(`removed ${removed} Redis keys under ${namespace}:${left > 0 ? ` (${left} left!)` : ''}`);
    await admin.quit();
  });
  try {
    await admin.connect();
    const redisVersion = /^redis_version:(\S+)/m.exec(await admin.info('server'))?.[1];
    const machine = { ...describeMachine(), redis: redisVersion };
    progress(`namespace ${namespace} (Redis keys)`);

    const { only } = options.config;
    const boardResult = only === 'watchlist' ? undefined : await board(options, namespace, cleanup);
    const watchlistResult = only === 'board' ? undefined : await watchlist(options, namespace, cleanup);
    const result: OracleBenchResult = {
      generatedAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      config: options.config,
      board: boardResult,
      watchlist: watchlistResult,
      runSeconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(`\n${formatReport(result)}\n\n${jsonSummary(result)}\n`);
  } finally {
    progress('cleaning up');
    await cleanup.runAll();
  }
}

main().catch((error: Error) => {
  if (interrupted) return;
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  else process.stderr.write(`bench failed: ${error instanceof BenchError ? error.message : (error.stack ?? error.message)}\n`);
  process.exitCode = 1;
});
