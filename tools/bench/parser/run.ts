/**
 * `npm run bench:parser`: how fast `parseReleaseTitle` is on one core, over the agreement corpus
 * (real release titles from Sonarr's and Radarr's parser tests). It warms up, then parses the
 * corpus over and over for a few seconds in blocks that alternate with a trivial tokenizer
 * (`title.split(/[ ._-]/)`) over the same titles, so that both see the same machine load and
 * their ratio can be compared across machines. It reports titles per CPU-second of this process
 * (the rate of one core, even on a busy machine) and per wall-clock second, each the median
 * block, the per-title p50/p99 and the ratio to the baseline. The target is 100,000 titles per
 * second on one core; the exit status is 1 when it is not met.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadReleaseTitleCorpus, parseReleaseTitle } from '@sokoul/release-parser';

const TARGET_TITLES_PER_SECOND = 100_000;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
if (!(seconds > 0) || !(warmupSeconds >= 0)) {
  process.stderr.write('Usage: npm run bench:parser -- [--seconds N] [--warmup N]\n');
  process.exit(2);
}

const SPLIT = /[ ._-]/;
/** Passes over the corpus per measured block (about 50 ms of parsing each). */
const PARSER_PASSES = 4;
const BASELINE_PASSES = 100;

let titles: readonly string[] = [];

/** Keeps results alive so the work is not optimised away. */
let sink = 0;

function baseline(title: string): number {
  return title.split(SPLIT).length;
}

function parse(title: string): number {
  return parseReleaseTitle(title).title.length;
}

interface Rate {
  /** Titles per second of wall-clock time. */
  readonly wall: number;
  /** Titles per second of CPU time used by this process: the rate of one core, whatever the machine's load. */
  readonly cpu: number;
}

/** Parse the whole corpus `passes` times. */
function block(fn: (title: string) => number, passes: number): Rate {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) for (let i = 0; i < titles.length; i++) sink += fn(titles[i]);
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const count = passes * titles.length;
  return { wall: count / wallSeconds, cpu: count / Math.max(cpuSeconds, 1e-6) };
}

/**
 * Alternate blocks of the parser and of the baseline for `forSeconds`, so that both see the
 * same machine load; the median block of each is its rate.
 */
function measure(forSeconds: number): { parser: Rate; baseline: Rate; parsed: number } {
  const parserBlocks: Rate[] = [];
  const baselineBlocks: Rate[] = [];
  const budget = BigInt(Math.round(forSeconds * 1e9));
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() - start < budget) {
    parserBlocks.push(block(parse, PARSER_PASSES));
    baselineBlocks.push(block(baseline, BASELINE_PASSES));
  }
  return {
    parser: { wall: median(parserBlocks.map((b) => b.wall)), cpu: median(parserBlocks.map((b) => b.cpu)) },
    baseline: { wall: median(baselineBlocks.map((b) => b.wall)), cpu: median(baselineBlocks.map((b) => b.cpu)) },
    parsed: parserBlocks.length * PARSER_PASSES * titles.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Time every title on its own, `rounds` times; nanoseconds, sorted. */
function perTitle(fn: (title: string) => number, rounds: number): Float64Array {
  const samples = new Float64Array(rounds * titles.length);
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < titles.length; i++) {
      const t0 = process.hrtime.bigint();
      sink += fn(titles[i]);
      samples[k++] = Number(process.hrtime.bigint() - t0);
    }
  }
  return samples.sort();
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const micros = (ns: number): string => `${(ns / 1000).toFixed(2)} µs`;
const pad = (text: string): string => text.padStart(10);

async function main(): Promise<void> {
  titles = await loadReleaseTitleCorpus();
  process.stderr.write(`warming up for ${warmupSeconds} s over ${titles.length} titles…\n`);
  measure(warmupSeconds);

  process.stderr.write(`measuring for ${seconds} s…\n`);
  const { parser: parserRate, baseline: baselineRate, parsed } = measure(seconds);
  const parserTimes = perTitle(parse, 5);
  const baselineTimes = perTitle(baseline, 5);

  const met = parserRate.cpu >= TARGET_TITLES_PER_SECOND;
  const lines = [
    'Release parser benchmark (one process, one core)',
    `  corpus                ${titles.length} distinct titles (Sonarr and Radarr parser fixtures), ${fmt(parsed)} parsed`,
    `  load average          ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores; rates are medians of alternating blocks`,
    `  node                  ${process.version}, ${process.arch}`,
    '',
    '                        per CPU-second     per wall second    p50 / p99 per title',
    `  parseReleaseTitle     ${pad(fmt(parserRate.cpu))} titles   ${pad(fmt(parserRate.wall))} titles   ${micros(percentile(parserTimes, 50))} / ${micros(percentile(parserTimes, 99))}`,
    `  baseline split        ${pad(fmt(baselineRate.cpu))} titles   ${pad(fmt(baselineRate.wall))} titles   ${micros(percentile(baselineTimes, 50))} / ${micros(percentile(baselineTimes, 99))}`,
    `  parser / baseline     ${(baselineRate.cpu / parserRate.cpu).toFixed(1)}x the time of title.split(/[ ._-]/) (per CPU-second)`,
    '',
    `  target ${fmt(TARGET_TITLES_PER_SECOND)} titles/s on one core (per CPU-second): ${met ? 'met' : 'NOT met'}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (sink === -1) process.stdout.write('\n');
  process.exitCode = met ? 0 : 1;
}

void main();
