/**
 * The download's progress in the terminal: one line redrawn in place when stdout is a terminal,
 * a plain line every 10 % (or 5 s) otherwise, so a log or a pipe stays readable.
 */
const MiB = 1024 * 1024;

export interface ProgressSample {
  downloadedBytes: number;
  totalBytes: number | null;
  progress: number;
  downloadSpeed: number;
  peers: number;
  etaSeconds: number | null;
}

export interface ProgressView {
  update(sample: ProgressSample): void;
  /** Ends the redrawn line (so what follows starts on a fresh one). */
  done(): void;
}

export function progressView(out: NodeJS.WriteStream = process.stdout): ProgressView {
  return out.isTTY ? new TerminalBar(out) : new PlainLines(out);
}

class TerminalBar implements ProgressView {
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(sample: ProgressSample): void {
    const numbers = `${percent(sample.progress).padStart(7)}  ${sizes(sample)}  ${speed(sample.downloadSpeed)}  ${peers(sample.peers)}  ETA ${eta(sample.etaSeconds)}`;
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - numbers.length - 6));
    const filled = Math.round(Math.min(1, Math.max(0, sample.progress)) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    // `\r` back to the start, `\x1b[K` clears what a longer previous line left.
    this.out.write(`\r  ${bar} ${numbers}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

class PlainLines implements ProgressView {
  private lastStep = -1;
  private lastAt = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(sample: ProgressSample): void {
    const step = Math.floor(sample.progress * 10);
    const now = Date.now();
    if (step === this.lastStep && now - this.lastAt < 5_000) return;
    this.lastStep = step;
    this.lastAt = now;
    this.out.write(`  ${percent(sample.progress).padStart(7)}  ${sizes(sample)}  ${speed(sample.downloadSpeed)}  ${peers(sample.peers)}  ETA ${eta(sample.etaSeconds)}\n`);
  }

  done(): void {
    this.lastStep = -1;
  }
}

const percent = (progress: number) => `${(progress * 100).toFixed(1)} %`;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const sizes = (sample: ProgressSample) => `${mib(sample.downloadedBytes)}/${sample.totalBytes === null ? '?' : mib(sample.totalBytes)} MiB`;
const speed = (bytesPerSecond: number) => `${mib(bytesPerSecond).padStart(5)} MiB/s`;
const peers = (count: number) => `${count} peer${count === 1 ? '' : 's'}`;

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
