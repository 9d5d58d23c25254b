import { readFile } from 'node:fs/promises';

/** Resident memory of a process in MiB, from /proc (Linux); NaN when it cannot be read. */
export async function rssMiB(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** One gauge of a service's `/metrics` page (the first series of that name); NaN when absent. */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  try {
    const page = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const line = page.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line ? Number(line.trim().split(/\s+/).pop()) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU time a process has used (user + system), in seconds, from /proc (100 ticks a second); NaN when unreadable. */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Busy CPU time of the whole machine so far, in seconds summed over its cores (/proc/stat: all but idle and iowait). */
export async function machineBusySeconds(): Promise<number> {
  try {
    // cpu  user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return Number.NaN;
  }
}
