import type { Machine } from '../messaging/machine';
import type { ContenderKey } from './contenders';

/** The issue's targets: the hunter keeps ≥ 90% of the bare library's throughput and beats aria2c. */
export const TARGET_OF_BARE = 0.9;
export const TARGET_OF_ARIA2C = 1;

export const CONTENDERS: readonly ContenderKey[] = ['hunter', 'bare', 'aria2c'];

export interface BenchConfig {
  rounds: number;
  sizeMiB: number;
  hunterTickMs: number;
  aria2cInput: 'torrent' | 'magnet';
  profile: boolean;
}

/** One contender's download in one round. */
export interface RunFigures {
  contender: ContenderKey;
  round: number;
  /** Its place in the round (0 first). */
  order: number;
  seconds: number;
  mibPerSecond: number;
  /** The contender's own CPU over the timed part (the hunter: its process only, not Postgres or the gateway). */
  cpuSeconds: number | null;
  /** The bench process (the seeder and the tracker), in cores over the timed part. */
  seederCores: number;
  /** Every core of the machine, busy on average over the timed part. */
  machineCores: number;
  /** machineCores − the contender − the seeder: Postgres, NATS and the gateway for the hunter, and anything else running. */
  otherCores: number;
  peakRssBytes: number | null;
  /** The bench hashing the file afterwards (bare, aria2c): what the hunter's import costs on this machine. */
  verifySeconds: number | null;
  detail: Record<string, number | null>;
}

export interface ContenderSummary {
  contender: ContenderKey;
  label: string;
  medianSeconds: number;
  medianMiBps: number;
  minMiBps: number;
  maxMiBps: number;
  medianCpuSeconds: number | null;
  medianSeederCores: number;
  medianOtherCores: number;
  maxPeakRssBytes: number | null;
  detail: Record<string, number | null>;
}

export interface BenchResult {
  generatedAt: string;
  machine: Machine & { loadAverageAtEnd: [number, number, number] };
  config: BenchConfig;
  versions: { node: string; webtorrent: string; aria2c: string; builtAt: Record<'gateway' | 'hunter', string> };
  torrent: { name: string; bytes: number; pieceLength: number | null; pieces: number | null; sha256: string };
  summaries: ContenderSummary[];
  /** Per round, hunter ÷ the other (throughput); then the median over the rounds. */
  ratios: {
    hunterOfBare: number;
    hunterOfAria2c: number;
    /** The hunter's transfer phase (startedAt → all bytes written) ÷ the bare library's (metadata → done): above 1, the engine inside the hunter moved the bytes slower. */
    transferTimeOfBare: number;
    perRound: Array<{ round: number; hunterOfBare: number; hunterOfAria2c: number; transferTimeOfBare: number }>;
  };
  targetMet: { ofBare: boolean; ofAria2c: boolean };
  hunterPeakRssBytes: number | null;
  runs: RunFigures[];
  runSeconds: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOrNull(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length ? median(known) : null;
}

export function summarize(runs: readonly RunFigures[], contender: ContenderKey, label: string): ContenderSummary {
  const mine = runs.filter((r) => r.contender === contender);
  const keys = [...new Set(mine.flatMap((r) => Object.keys(r.detail)))];
  const peaks = mine.map((r) => r.peakRssBytes).filter((v): v is number => v !== null);
  return {
    contender,
    label,
    medianSeconds: median(mine.map((r) => r.seconds)),
    medianMiBps: median(mine.map((r) => r.mibPerSecond)),
    minMiBps: Math.min(...mine.map((r) => r.mibPerSecond)),
    maxMiBps: Math.max(...mine.map((r) => r.mibPerSecond)),
    medianCpuSeconds: medianOrNull(mine.map((r) => r.cpuSeconds)),
    medianSeederCores: median(mine.map((r) => r.seederCores)),
    medianOtherCores: median(mine.map((r) => r.otherCores)),
    maxPeakRssBytes: peaks.length ? Math.max(...peaks) : null,
    detail: Object.fromEntries(keys.map((key) => [key, medianOrNull(mine.map((r) => r.detail[key] ?? null))])),
  };
}

export function ratiosOf(runs: readonly RunFigures[], rounds: number): BenchResult['ratios'] {
  const perRound: BenchResult['ratios']['perRound'] = [];
  for (let round = 1; round <= rounds; round++) {
    const run = (contender: ContenderKey) => runs.find((r) => r.round === round && r.contender === contender);
    const speed = (contender: ContenderKey) => run(contender)?.mibPerSecond ?? Number.NaN;
    const transfer = (contender: ContenderKey) => run(contender)?.detail['transferMs'] ?? Number.NaN;
    perRound.push({ round, hunterOfBare: speed('hunter') / speed('bare'), hunterOfAria2c: speed('hunter') / speed('aria2c'), transferTimeOfBare: transfer('hunter') / transfer('bare') });
  }
  return {
    hunterOfBare: median(perRound.map((r) => r.hunterOfBare)),
    hunterOfAria2c: median(perRound.map((r) => r.hunterOfAria2c)),
    transferTimeOfBare: median(perRound.map((r) => r.transferTimeOfBare)),
    perRound,
  };
}

const mib = (bytes: number | null) => (bytes === null ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
const fixed = (n: number | null, digits: number) => (n === null || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ms = (n: number | null) => (n === null || !Number.isFinite(n) ? '–' : `${(n / 1000).toFixed(2)} s`);

/** Left-aligns the first column, right-aligns the others. */
function table(rows: string[][], indent = '  '): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   ')).join('\n');
}

export function formatReport(result: BenchResult): string {
  const { machine, config, torrent, summaries, ratios } = result;
  const lines: string[] = [];
  lines.push(
    `Download bench: one ${mib(torrent.bytes)} torrent (${torrent.pieces ?? '?'} pieces of ${torrent.pieceLength ? `${torrent.pieceLength / 1024} KiB` : '?'}) from one local webtorrent seeder, ${config.rounds} round(s), contenders interleaved`,
    `  ${machine.cpuModel}, ${machine.cores} cores, ${mib(machine.memoryBytes)}; node ${result.versions.node}, webtorrent ${result.versions.webtorrent}, aria2c ${result.versions.aria2c}`,
    `  load average ${machine.loadAverage.map((n) => n.toFixed(2)).join(' ')} at the start, ${machine.loadAverageAtEnd.map((n) => n.toFixed(2)).join(' ')} at the end${machine.loadAverage[0] >= machine.cores ? '  (busy machine: other work shared the cores)' : ''}`,
    '',
  );
  lines.push(
    table([
      ['contender', 'MiB/s', 'min–max', 'time', 'own CPU', 'seeder', 'other', 'peak RSS'],
      ...summaries.map((s) => [
        s.label,
        fixed(s.medianMiBps, 1),
        `${fixed(s.minMiBps, 1)}–${fixed(s.maxMiBps, 1)}`,
        `${fixed(s.medianSeconds, 2)} s`,
        s.medianCpuSeconds === null ? '–' : `${fixed(s.medianCpuSeconds, 2)} s`,
        `${fixed(s.medianSeederCores, 2)} c`,
        `${fixed(s.medianOtherCores, 2)} c`,
        mib(s.maxPeakRssBytes),
      ]),
    ]),
    '  (medians over the rounds; own CPU = the contender process over its timed part; seeder and other = cores busy meanwhile,',
    '   other = the rest of the machine: Postgres, NATS and the gateway for the hunter, and whatever else runs here)',
    '',
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  lines.push(
    `  hunter ÷ bare webtorrent: ${fixed(ratios.hunterOfBare, 2)}  (target ≥ ${TARGET_OF_BARE.toFixed(2)}: ${verdict(result.targetMet.ofBare)})`,
    `  hunter ÷ aria2c:          ${fixed(ratios.hunterOfAria2c, 2)}  (target > ${TARGET_OF_ARIA2C.toFixed(2)}: ${verdict(result.targetMet.ofAria2c)})`,
    `  per round (hunter÷bare, hunter÷aria2c): ${ratios.perRound.map((r) => `${r.round}: ${fixed(r.hunterOfBare, 2)}, ${fixed(r.hunterOfAria2c, 2)}`).join('; ')}`,
    `  hunter peak RSS (VmHWM, start-up included): ${mib(result.hunterPeakRssBytes)}`,
    '',
  );
  const hunter = summaries.find((s) => s.contender === 'hunter');
  const bare = summaries.find((s) => s.contender === 'bare');
  if (hunter && bare) {
    const d = hunter.detail;
    lines.push(
      `  Where the hunter's time went (medians, HUNTER_TICK_MS=${config.hunterTickMs}):`,
      table(
        [
          ['POST → startedAt (tick wait, claim, metadata, vetting)', ms(d['untilStartedMs'])],
          ['startedAt → all bytes written (the transfer)', ms(d['transferMs'])],
          ['→ import starts reading (waiting for the next tick)', ms(d['idleAfterTransferMs'])],
          ['→ completedAt (library import: link + SHA-256 of the file)', ms(d['importMs'])],
          ['→ the bench sees completed (row written, 100 ms poll)', ms(d['untilSeenMs'])],
          ['bare webtorrent, for comparison: add → metadata', ms(bare.detail['metadataMs'])],
          ['bare webtorrent: metadata → done (its transfer)', ms(bare.detail['transferMs'])],
          ['bare webtorrent: add → done', ms(bare.medianSeconds * 1000)],
        ],
        '    ',
      ),
      `    hunter's transfer time ÷ bare's, per round: ${ratios.perRound.map((r) => fixed(r.transferTimeOfBare, 2)).join(', ')} (median ${fixed(ratios.transferTimeOfBare, 2)}; above 1: slower inside the hunter)`,
    );
    const verify = median(result.runs.filter((r) => r.verifySeconds !== null).map((r) => r.verifySeconds as number));
    if (Number.isFinite(verify)) lines.push(`    (the bench's own SHA-256 of the ${mib(torrent.bytes)} file, in this process: ${verify.toFixed(2)} s)`);
    lines.push('');
  }
  lines.push(`  Run took ${(result.runSeconds / 60).toFixed(1)} min.`);
  return lines.join('\n');
}
