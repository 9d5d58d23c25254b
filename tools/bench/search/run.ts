/**
 * `npm run bench:search`: how long one search spends in Sokoul when it fans out to 10 local
 * indexers × 100 releases, the indexers' own delay taken out. In the same run it measures the
 * baseline (the same 10 feeds fetched in parallel with plain `fetch`, bodies read, nothing
 * parsed), then `SearchRunService.run` end to end (fresh search row and command each time),
 * then each stage of the search alone with the same inputs, to show where the time goes.
 * Prints a report, writes the figures to tmp/bench/search.json. It only measures: no threshold
 * is asserted. See tools/bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger, type LoggerService } from '@nestjs/common';
import { Cleanup } from '../messaging/cleanup';
import { describeMachine, loadAverage } from '../messaging/machine';
import { SearchBenchEnvironment } from './environment';
import { SearchMeasurements, type StageSample } from './measure';
import { type SearchBenchConfig, type SearchBenchResult, type SearchMachine, formatReport, summarize, summarizeStages } from './report';
import { UsageError, parseBenchArgs } from '../cli';

const ROOT = join(__dirname, '../../..');
const OUTPUT = join(ROOT, 'tmp/bench/search.json');

const USAGE = `Usage: npm run bench:search -- [options]
  --iterations N   measured iterations (baseline, search, stages each), default 30
  --warmup N       iterations before measuring, not counted, default 5
  --indexers N     fake Torznab indexers, default 10
  --results N      releases each indexer returns (1 to 100, its page size), default 100
  --delay MS       each indexer's delay before answering, default 50
  --tmdb on|off    identify through the fake TMDB (Redis-cached, as in production), default on
  --timeout MS     per-indexer timeout (SCOUT_INDEXER_TIMEOUT_MS), default 15000
  --budget S       stop measuring once the run has lasted S seconds (5 iterations at least), default 100`;

/** A bad command line: shown with the usage, without a stack trace. */

/** After Ctrl-C the clean-up pulls the servers from under the loop: its errors are no news. */
let interrupted = false;

const OPTIONS = {
  iterations: { type: 'string', default: '30' },
  warmup: { type: 'string', default: '5' },
  indexers: { type: 'string', default: '10' },
  results: { type: 'string', default: '100' },
  delay: { type: 'string', default: '50' },
  tmdb: { type: 'string', default: 'on' },
  timeout: { type: 'string', default: '15000' },
  budget: { type: 'string', default: '100' },
  help: { type: 'boolean', default: false },
} as const;

function readOptions(): SearchBenchConfig {
  const values = parseBenchArgs(OPTIONS, USAGE);
  const int = (name: keyof typeof OPTIONS, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  if (values.tmdb !== 'on' && values.tmdb !== 'off') throw new UsageError('--tmdb must be on or off');
  return {
    iterations: int('iterations', 1),
    warmup: int('warmup', 0),
    indexers: int('indexers', 1, 100),
    // One page: the fake indexers' caps say 100 at most, and the scout asks for one page.
    resultsPerIndexer: int('results', 1, 100),
    delayMs: int('delay', 0),
    tmdb: values.tmdb === 'on',
    indexerTimeoutMs: int('timeout', 1),
    budgetSeconds: int('budget', 1),
  };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The library logs through Nest's Logger; without an app it would print to stdout, which carries the report. */
const stderrLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown) => process.stderr.write(`sokoul warn: ${JSON.stringify(message)}\n`),
  error: (message: unknown) => process.stderr.write(`sokoul error: ${JSON.stringify(message)}\n`),
};

async function serverVersions(environment: SearchBenchEnvironment): Promise<Pick<SearchMachine, 'postgres' | 'redis'>> {
  const [{ server_version: postgres }] = (await environment.dataSource.query('SHOW server_version')) as Array<{ server_version: string }>;
  const info = await environment.redis.info('server');
  return { postgres, redis: /^redis_version:(\S+)/m.exec(info)?.[1] };
}

/** Fewer than this many measured iterations say too little: the budget never cuts below it. */
const MIN_ITERATIONS = 5;

/**
 * Baseline, search and stages take turns within each iteration rather than run in three
 * phases, so a change of machine load during the run weighs on all of them alike.
 */
async function measure(measurements: SearchMeasurements, config: SearchBenchConfig, started: number) {
  const baseline: number[] = [];
  const search: number[] = [];
  const stages: StageSample[] = [];
  // The first search is the cold one (TMDB asked, caches filled); then the baseline's URLs.
  await measurements.endToEnd();
  await measurements.learnFeedUrls();
  for (let i = 0; i < config.warmup; i++) {
    await measurements.baseline();
    await measurements.endToEnd();
    await measurements.stages();
  }
  progress(`warm-up: ${config.warmup} iterations done`);
  const overBudget = () => (performance.now() - started) / 1000 > config.budgetSeconds && baseline.length >= Math.min(MIN_ITERATIONS, config.iterations);
  while (baseline.length < config.iterations && !overBudget()) {
    baseline.push(await measurements.baseline());
    search.push(await measurements.endToEnd());
    stages.push(await measurements.stages());
    if (baseline.length % 10 === 0) progress(`${baseline.length}/${config.iterations} iterations`);
  }
  if (baseline.length < config.iterations) progress(`time budget of ${config.budgetSeconds} s reached after ${baseline.length} iterations`);
  return { baseline, search, stages };
}

async function main(): Promise<void> {
  const config = readOptions();
  const started = performance.now();
  Logger.overrideLogger(stderrLogger);
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (interrupted = true));
  try {
    const environment = await SearchBenchEnvironment.start(
      { indexers: config.indexers, resultsPerIndexer: config.resultsPerIndexer, delayMs: config.delayMs, tmdb: config.tmdb, indexerTimeoutMs: config.indexerTimeoutMs },
      cleanup,
      progress,
    );
    const machine: SearchMachine = { ...describeMachine(environment.nc.info?.version), ...(await serverVersions(environment)) };
    const measurements = new SearchMeasurements(environment);
    const samples = await measure(measurements, config, started);

    const baseline = summarize(samples.baseline);
    const search = summarize(samples.search);
    const stageFigures = summarizeStages(samples.stages);
    const result: SearchBenchResult = {
      generatedAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      config,
      baseline,
      search,
      inSokoul: { p50: search.p50 - baseline.p50, p95: search.p95 - baseline.p95 },
      ratio: { p50: search.p50 / baseline.p50, p95: search.p95 / baseline.p95 },
      ...stageFigures,
      indexerStageInSokoul: { p50: stageFigures.stages.indexers.p50 - baseline.p50, p95: stageFigures.stages.indexers.p95 - baseline.p95 },
      releasesPerSearch: measurements.expectedReleases,
      releasesFoundBytes: measurements.releasesFoundBytes,
      runSeconds: (performance.now() - started) / 1000,
    };
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, `${JSON.stringify(result, roundFractions, 2)}\n`);
    process.stdout.write(`\n${formatReport(result)}\n  Figures written to ${relative(ROOT, OUTPUT)}\n`);
  } finally {
    progress('cleaning up');
    await cleanup.runAll();
  }
}

/** JSON replacer: microsecond precision is all a timer-based figure can claim. */
function roundFractions(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

main().catch((error: Error) => {
  if (interrupted) return;
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  else process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
