/**
 * What the bench reads from /proc (Linux only): a process's CPU time, its I/O counters and its
 * peak resident set, and the whole machine's busy time, so the report can say how much CPU each
 * contender used and how much of the machine other work took meanwhile.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux build Node supports). */
const TICKS_PER_SECOND = 100;

/** User + system CPU of a process so far, in seconds; null once it has gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The bytes a process passed to read(2) and write(2) so far (files and sockets alike); null once it has gone. */
export function processIo(pid: number): { rchar: number; wchar: number } | null {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { rchar: Number(/^rchar:\s+(\d+)/m.exec(io)?.[1]), wchar: Number(/^wchar:\s+(\d+)/m.exec(io)?.[1]) };
  } catch {
    return null;
  }
}

/** VmHWM: the largest resident set the process has had since it started, in bytes. */
export function peakRssBytes(pid: number): number | null {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** Busy and total CPU time of the whole machine, in seconds summed over the cores. */
export interface MachineCpu {
  busy: number;
  total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND };
}

/** Cores busy on average between two readings (any process, the contenders included). */
export function busyCores(from: MachineCpu, to: MachineCpu, wallSeconds: number): number {
  return wallSeconds > 0 ? (to.busy - from.busy) / wallSeconds : 0;
}

interface CpuSample {
  atUs: number;
  machine: MachineCpu;
  /** This process (the seeder and the tracker, plus the bench's own polling), in seconds. */
  self: number;
}

/**
 * The machine's busy time and this process's CPU, sampled every 100 ms, so that any window a
 * contender reports afterwards (in `hrtime` µs) can be given its busy cores and its seeder CPU.
 */
export class CpuTimeline {
  private readonly samples: CpuSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Average busy cores of the machine, and of this process, over `fromUs`…`toUs` (to the nearest samples). */
  over(fromUs: number, toUs: number): { machineCores: number; selfCores: number } {
    this.sample();
    const first = this.nearest(fromUs);
    const last = this.nearest(toUs);
    const seconds = (last.atUs - first.atUs) / 1e6;
    if (seconds <= 0) return { machineCores: 0, selfCores: 0 };
    return { machineCores: busyCores(first.machine, last.machine, seconds), selfCores: (last.self - first.self) / seconds };
  }

  private nearest(atUs: number): CpuSample {
    let best = this.samples[0];
    for (const sample of this.samples) if (Math.abs(sample.atUs - atUs) < Math.abs(best.atUs - atUs)) best = sample;
    return best;
  }

  private sample(): void {
    const usage = process.cpuUsage();
    this.samples.push({ atUs: Number(process.hrtime.bigint() / 1000n), machine: machineCpu(), self: (usage.user + usage.system) / 1e6 });
  }
}
