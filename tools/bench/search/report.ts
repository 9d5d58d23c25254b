import { type Machine, wasBusy } from '../messaging/machine';
import { mean, percentile } from '../messaging/stats';
import { BREAKDOWN, type BreakdownName, STAGES, type StageName, type StageSample } from './measure';

export interface SearchBenchConfig {
  iterations: number;
  warmup: number;
  indexers: number;
  resultsPerIndexer: number;
  delayMs: number;
  tmdb: boolean;
  indexerTimeoutMs: number;
  /** Measuring stops once the run has lasted this long (a minimum of iterations aside). */
  budgetSeconds: number;
}

export interface SearchMachine extends Machine {
  postgres?: string;
  redis?: string;
}

/** Durations in ms. p95 is nearest-rank, so with 30 samples it is the 29th smallest. */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

export interface SearchBenchResult {
  generatedAt: string;
  machine: SearchMachine;
  config: SearchBenchConfig;
  /** The indexers' own cost (same feeds, plain fetch, bodies read) and the whole search. */
  baseline: Summary;
  search: Summary;
  /** search − baseline, percentile by percentile: what Sokoul adds to the indexers' time. */
  inSokoul: { p50: number; p95: number };
  ratio: { p50: number; p95: number };
  stages: Record<StageName, Summary>;
  breakdown: Record<BreakdownName, Summary>;
  /** The indexer stage − baseline: Sokoul's part of asking the indexers. */
  indexerStageInSokoul: { p50: number; p95: number };
  mergeParseRank: Summary;
  /** Releases through parseReleaseTitle + rank per second (per iteration, then summarized). */
  releasesPerSecond: { p50: number; p5: number };
  releasesPerSearch: number;
  releasesFoundBytes: number;
  runSeconds: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    mean: mean(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

export function summarizeStages(samples: readonly StageSample[]) {
  const of = (pick: (s: StageSample) => number) => summarize(samples.map(pick));
  const stages = Object.fromEntries(Object.keys(STAGES).map((name) => [name, of((s) => s[name as StageName])])) as Record<StageName, Summary>;
  const breakdown = Object.fromEntries(Object.keys(BREAKDOWN).map((name) => [name, of((s) => s[name as BreakdownName])])) as Record<BreakdownName, Summary>;
  const rates = samples.map((s) => (s.releases / (s.parse + s.rank)) * 1000);
  return {
    stages,
    breakdown,
    mergeParseRank: of((s) => s.merge + s.parse + s.rank),
    // p5 of the rate: the slow end, as p95 is for a duration.
    releasesPerSecond: { p50: percentile(rates, 50), p5: percentile(rates, 5) },
  };
}

const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Left-aligns the first column, right-aligns the others. */
function table(rows: string[][], indent = '  '): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   ').trimEnd())
    .join('\n');
}

export function formatReport(result: SearchBenchResult): string {
  return `${[formatHeader(result), formatHeadline(result), formatStages(result)].join('\n\n')}\n`;
}

function formatHeader({ generatedAt, machine, runSeconds }: SearchBenchResult): string {
  const load = (figures: number[]) => figures.map((l) => l.toFixed(2)).join(' ');
  const atEnd = machine.loadAverageAtEnd ? `, ${load(machine.loadAverageAtEnd)} at end` : '';
  const lines = [
    `Sokoul search benchmark — ${generatedAt} (run took ${runSeconds.toFixed(0)} s)`,
    `  CPU       ${machine.cpuModel}, ${machine.cores} cores`,
    `  Node      ${machine.node} on ${machine.os}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB RAM`,
    `  Servers   Postgres ${machine.postgres ?? '?'}, Redis ${machine.redis ?? '?'}, NATS ${machine.natsServer ?? '?'} (JetStream, file storage)`,
    `  Load      ${load(machine.loadAverage)} at start${atEnd} (1/5/15 min)`,
  ];
  if (wasBusy(machine)) {
    lines.push('  Warning: the machine was busy when the bench started (load ≥ cores): figures are noisy, compare runs made when it is quiet.');
  }
  return lines.join('\n');
}

function formatHeadline(result: SearchBenchResult): string {
  const { config, baseline, search, inSokoul, ratio } = result;
  const row = (label: string, s: Summary) => [label, ms(s.p50), ms(s.p95), ms(s.min), ms(s.max)];
  const tmdb = config.tmdb ? 'TMDB on (fake TMDB, answers cached in Redis after the first search)' : 'TMDB off (searches on the text alone)';
  return [
    `1. One search: ${config.indexers} local indexers × ${config.resultsPerIndexer} releases, each answering after ${config.delayMs} ms; ${tmdb}`,
    `  ${iterations(result)} after ${config.warmup} warm-up (and one cold search); each runs the baseline, then a search, then the stages below.`,
    `  Every search ends completed with ${count(result.releasesPerSearch)} releases, every indexer ok (the bench stops otherwise).`,
    '',
    table([
      ['', 'p50', 'p95', 'min', 'max'],
      row(`baseline: ${config.indexers} feeds in parallel, plain fetch, bodies read`, baseline),
      row('Sokoul: SearchRunService.run, end to end', search),
      ['time in Sokoul (search − baseline)', ms(inSokoul.p50), ms(inSokoul.p95), '', ''],
      ['search / baseline', times(ratio.p50), times(ratio.p95), '', ''],
    ]),
    '',
    `  Headline: a search spends ${ms(inSokoul.p50, 0)} in Sokoul at p50 (${ms(inSokoul.p95, 0)} at p95), beyond the ${ms(baseline.p50, 0)} the indexers themselves take.`,
  ].join('\n');
}

function iterations({ config, search }: SearchBenchResult): string {
  if (search.count === config.iterations) return `${search.count} iterations`;
  return `${search.count} of ${config.iterations} iterations (the ${config.budgetSeconds} s time budget ran out)`;
}

function formatStages(result: SearchBenchResult): string {
  const { stages, breakdown, search, config } = result;
  const sum = Object.values(stages).reduce((total, s) => total + s.p50, 0);
  const rows = [['stage (each timed alone, same inputs)', 'p50', 'p95', 'share']];
  for (const [name, label] of Object.entries(STAGES) as Array<[StageName, string]>) {
    rows.push([`${name.padEnd(10)}${label}`, ms(stages[name].p50), ms(stages[name].p95), `${((stages[name].p50 / sum) * 100).toFixed(0)} %`]);
  }
  rows.push(['sum of the stages', ms(sum), '', ''], ['(whole search, for comparison)', ms(search.p50), ms(search.p95), '']);
  const label = (text: string) => text.replace(/\bN\b/g, String(config.indexers));
  const inside = (stage: StageName, first: string[][]) => [
    [`inside the ${stage} stage`, 'p50', 'p95'],
    ...first,
    ...(Object.entries(BREAKDOWN) as Array<[BreakdownName, (typeof BREAKDOWN)[BreakdownName]]>)
      .filter(([, b]) => b.within === stage)
      .map(([name, b]) => [`${name.padEnd(13)}${label(b.label)}`, ms(breakdown[name].p50), ms(breakdown[name].p95)]),
  ];
  const indexerRows = inside('indexers', [["indexer stage − baseline (Sokoul's part)", ms(result.indexerStageInSokoul.p50), ms(result.indexerStageInSokoul.p95)]]);
  const storeRows = inside('store', []);
  const announceRows = inside('announce', []);
  const { mergeParseRank, releasesPerSecond, releasesPerSearch } = result;
  return [
    '2. Where the time goes',
    '',
    table(rows),
    '',
    table(indexerRows),
    '',
    table(storeRows),
    '',
    table(announceRows),
    `  (releases.found carries ${count(result.releasesFoundBytes / 1024)} KiB of JSON payload for ${count(releasesPerSearch)} releases)`,
    '',
    `  merge + parse + rank of ${count(releasesPerSearch)} releases: ${ms(mergeParseRank.p50)} at p50, ${ms(mergeParseRank.p95)} at p95;`,
    `  parse + rank: ${count(releasesPerSecond.p50)} releases/s at p50 (${count(releasesPerSecond.p5)} at p5, the slow end).`,
  ].join('\n');
}
