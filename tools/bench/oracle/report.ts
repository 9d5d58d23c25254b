import { type Machine, wasBusy } from '../messaging/machine';
import { type Figures, hitRatio, perSecond } from './measure';
import type { OracleOptions } from './oracle';
import type { HourDrift, WatchlistComposition } from './workload';

export interface Latency {
  baseMs: number;
  perReleaseMs: number;
  slots: number;
}

export interface OracleBenchConfig {
  only: 'all' | 'board' | 'watchlist';
  seed: string;
  /** Oracle handlers per replica (NATS_CONCURRENCY): searches judged at once. */
  handlers: number;
  board: { searches: number; releases: number; latency: Latency; minSeconds: number };
  watchlist: { items: number; hours: number; latency: Latency };
  /** What the oracle ran with (the service's defaults unless a flag changed them). */
  oracle: Pick<OracleOptions, 'batchSize' | 'promptMaxChars' | 'modelMaxReleases' | 'concurrency' | 'cacheTtlSeconds' | 'singleFlightPollMs'> & { timeoutMs: number };
}

export interface BoardResult {
  cold: Figures;
  /** Over every warm pass; `passes` of the same searches. */
  warm: Figures & { passes: number };
  heuristic: Figures & { passes: number };
  /** The model server's own limit: full prompts back to back on every slot, in releases per second. */
  ceiling: number;
}

export interface HourFigures extends Figures {
  hour: number;
  drift: HourDrift;
}

export interface WatchlistResult {
  composition: WatchlistComposition;
  hours: HourFigures[];
  first: Figures;
  later: Figures;
  total: Figures;
}

export interface OracleBenchResult {
  generatedAt: string;
  machine: Machine & { redis?: string };
  config: OracleBenchConfig;
  board?: BoardResult;
  watchlist?: WatchlistResult;
  runSeconds: number;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const rate = (n: number): string => (n >= 100 ? count(n) : n.toFixed(n >= 10 ? 1 : 2));
const percent = (ratio: number | undefined, digits = 1): string => (ratio === undefined ? '–' : `${(ratio * 100).toFixed(digits)} %`);
const times = (ratio: number): string => `${ratio >= 100 ? count(ratio) : ratio.toFixed(ratio >= 10 ? 1 : 2)}×`;

/** Left-aligns the first column, right-aligns the others. */
function table(rows: string[][], indent = '  '): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('   ').trimEnd())
    .join('\n');
}

export function latencyLabel({ baseMs, perReleaseMs, slots }: Latency): string {
  return `${baseMs} ms + ${perReleaseMs} ms/release, ${slots} slot${slots === 1 ? '' : 's'}`;
}

export function formatReport(result: OracleBenchResult): string {
  const { machine, config, board, watchlist } = result;
  const load = (figures: number[]): string => figures.map((l) => l.toFixed(2)).join(' ');
  const { oracle } = config;
  const header = [
    `Sokoul oracle benchmark — ${result.generatedAt} (run took ${result.runSeconds.toFixed(0)} s)`,
    `  CPU       ${machine.cpuModel}, ${machine.cores} cores; Node ${machine.node}; Redis ${machine.redis ?? '?'}`,
    `  Load      ${load(machine.loadAverage)} at start${machine.loadAverageAtEnd ? `, ${load(machine.loadAverageAtEnd)} at end` : ''} (1/5/15 min)`,
    `  Oracle    batch ${oracle.batchSize}, prompt ≤ ${count(oracle.promptMaxChars)} chars, ${oracle.modelMaxReleases} releases/search to the model, ${oracle.concurrency} prompt(s) at once per replica, ${config.handlers} handlers per replica`,
  ];
  if (board) header.push(`  1–2       ${config.board.searches} distinct searches × ${config.board.releases} releases, one replica; model ${latencyLabel(config.board.latency)} (a small board)`);
  if (watchlist) {
    const c = watchlist.composition;
    header.push(
      `  3         watchlist of ${c.items} (${c.byClass['recent film']} recent films, ${c.byClass['older film']} older, ${c.byClass['aired episode']} aired episodes, ${c.byClass['running episode']} next episodes of weekly series, ${c.airingInWindow} airing in the window)`,
      `            re-searched hourly for ${config.watchlist.hours} h, 2 replicas sharing one Redis prefix; model ${latencyLabel(config.watchlist.latency)}`,
    );
  }
  if (wasBusy(machine)) header.push('  Warning: the machine was busy when the bench started (load ≥ cores): rates are noisy; the hit ratio is not affected.');

  const rows: string[][] = [['', 'searches', 'validations', 'seconds', 'validations/s', 'prompts', 'to model', 'hits', 'misses', 'hit ratio']];
  const row = (label: string, f: Figures, withCache = true): string[] => [
    label,
    count(f.searches),
    count(f.validations),
    f.seconds.toFixed(f.seconds >= 10 ? 1 : 2),
    rate(perSecond(f)),
    withCache ? count(f.prompts) : '–',
    withCache ? count(f.releasesToModel) : '–',
    withCache ? count(f.hits) : '–',
    withCache ? count(f.misses) : '–',
    withCache ? percent(hitRatio(f)) : '–',
  ];
  const ratioRow = (label: string, value: string): string[] => [label, '', '', '', value, '', '', '', '', ''];
  if (board) {
    rows.push(
      row('1. cold cache (fresh prefix)', board.cold),
      row(`1. warm cache (same searches, ${board.warm.passes} passes)`, board.warm),
      row(`2. heuristic only (no model, ${board.heuristic.passes} passes)`, board.heuristic, false),
      ratioRow('   warm ÷ cold', times(perSecond(board.warm) / perSecond(board.cold))),
      ratioRow('   heuristic ÷ cold', times(perSecond(board.heuristic) / perSecond(board.cold))),
      ratioRow("   model's ceiling (full prompts back to back)", rate(board.ceiling)),
    );
  }
  if (watchlist) {
    const last = watchlist.hours.length;
    rows.push(
      row('3. watchlist, hour 1', watchlist.first),
      row(`3. watchlist, hours 2–${last}`, watchlist.later),
      row(`3. watchlist, all ${last} hours`, watchlist.total),
    );
  }

  const notes: string[] = [];
  if (board) {
    const { cold } = board;
    notes.push(
      `  Cold: ${rate(perSecond(cold))} validations/s, ${percent(perSecond(cold) / board.ceiling, 0)} of what the model server allows; warm: ${rate(perSecond(board.warm))}/s (${times(perSecond(board.warm) / perSecond(cold))}), no model call.`,
    );
  }
  if (watchlist) {
    const { total, later } = watchlist;
    notes.push(
      `  Watchlist: ${count(total.validations)} validations, ${count(total.prompts)} prompts holding ${count(total.releasesToModel)} releases; inference-cache hit ratio ${percent(hitRatio(total))}, ${percent(hitRatio(later), 2)} after hour 1.`,
    );
    if (total.shared > 0) notes.push(`  ${count(total.shared)} answers were shared across replicas by single-flight (a replica waited for the other's prompt).`);
  }
  return [header.join('\n'), table(rows), notes.join('\n')].join('\n\n');
}

const round = (n: number | undefined, digits = 2): number | null => (n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** The one-line JSON summary printed last. */
export function jsonSummary(result: OracleBenchResult): string {
  const { board, watchlist, config } = result;
  const phase = (f: Figures) => ({ validations: f.validations, seconds: round(f.seconds, 3), validationsPerSecond: round(perSecond(f), 1), modelCalls: f.prompts, releasesToModel: f.releasesToModel });
  return JSON.stringify({
    bench: 'oracle',
    generatedAt: result.generatedAt,
    cores: result.machine.cores,
    board: board && {
      latency: config.board.latency,
      cold: phase(board.cold),
      warm: { ...phase(board.warm), passes: board.warm.passes },
      warmOverCold: round(perSecond(board.warm) / perSecond(board.cold), 1),
      heuristic: { validations: board.heuristic.validations, validationsPerSecond: round(perSecond(board.heuristic), 0), passes: board.heuristic.passes },
      ceiling: round(board.ceiling, 2),
    },
    watchlist: watchlist && {
      items: watchlist.composition.items,
      hours: watchlist.hours.length,
      replicas: 2,
      validations: watchlist.total.validations,
      modelCalls: watchlist.total.prompts,
      releasesToModel: watchlist.total.releasesToModel,
      hits: watchlist.total.hits,
      misses: watchlist.total.misses,
      hitRatio: round(hitRatio(watchlist.total), 4),
      hitRatioAfterHour1: round(hitRatio(watchlist.later), 4),
    },
    runSeconds: round(result.runSeconds, 1),
  });
}
