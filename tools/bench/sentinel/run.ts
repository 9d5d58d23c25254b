/**
 * `npm run bench:sentinel [-- --seconds 600 --interval-ms 5000]`: the sentinel's own cost.
 *
 * Starts a small platform (gateway, scout, oracle) and the sentinel checking it every
 * `--interval-ms`, then samples every process's CPU time and RSS from /proc for `--seconds`.
 * The baseline, measured in the same window, is the oracle idling (no model: it only beats and
 * waits for messages), so the figures read as "what watching costs over doing nothing".
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ServiceProcess, createTestSchema, namespaceEnv, removeNamespace, uniqueNamespace } from '@sokoul/testing';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '600' }, 'interval-ms': { type: 'string', default: '5000' } } });
const seconds = Number(values.seconds);
const intervalMs = Number(values['interval-ms']);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const print = (line = '') => process.stdout.write(`${line}\n`);

interface Sample {
  at: number;
  cpuTicks: number;
  rssBytes: number;
}

async function sample(pid: number): Promise<Sample> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { at: performance.now(), cpuTicks: Number(fields[11]) + Number(fields[12]), rssBytes: Number(rss?.[1] ?? 0) * 1024 };
}

function summarise(samples: Sample[]) {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const cpuPercent = ((last.cpuTicks - first.cpuTicks) / TICKS_PER_SECOND / ((last.at - first.at) / 1000)) * 100;
  const rss = samples.map((s) => s.rssBytes);
  const mib = (bytes: number) => bytes / 1024 ** 2;
  // Growth: the mean of the last fifth against the mean of the first fifth (no single-sample noise).
  const fifth = Math.max(1, Math.floor(rss.length / 5));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    cpuPercent,
    rssStartMiB: mib(mean(rss.slice(0, fifth))),
    rssEndMiB: mib(mean(rss.slice(-fifth))),
    rssMaxMiB: mib(Math.max(...rss)),
  };
}

async function main(): Promise<void> {
  const namespace = uniqueNamespace('bench_sentinel');
  const { drop } = await createTestSchema(namespace);
  const folder = await mkdtemp(join(tmpdir(), 'sokoul-bench-sentinel-'));
  const services: ServiceProcess[] = [];
  const env = namespaceEnv(namespace);
  try {
    services.push(await ServiceProcess.start('gateway', env), await ServiceProcess.start('scout', { ...env, SCOUT_WATCHLIST_TICK_MS: '0' }));
    const oracle = await ServiceProcess.start('oracle', env);
    const sentinel = await ServiceProcess.start('sentinel', {
      ...env,
      SENTINEL_INTERVAL_MS: String(intervalMs),
      SENTINEL_EXPECTED_SERVICES: 'gateway,scout,oracle',
      SENTINEL_DISK_PATHS: `downloads=${folder},library=${tmpdir()}`,
    });
    services.push(oracle, sentinel);
    print(`sampling the sentinel (interval ${intervalMs} ms) and an idle oracle for ${seconds} s…`);
    const samples = { sentinel: [] as Sample[], oracle: [] as Sample[] };
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      samples.sentinel.push(await sample(sentinel.pid));
      samples.oracle.push(await sample(oracle.pid));
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, 5_000)));
    }
    const s = summarise(samples.sentinel);
    const o = summarise(samples.oracle);
    const row = (name: string, r: ReturnType<typeof summarise>) =>
      `${name.padEnd(22)} ${r.cpuPercent.toFixed(2).padStart(7)} %  ${r.rssStartMiB.toFixed(1).padStart(7)} → ${r.rssEndMiB.toFixed(1).padStart(7)} MiB  (max ${r.rssMaxMiB.toFixed(1)})`;
    print();
    print(`${'process'.padEnd(22)} ${'CPU'.padStart(9)}  RSS first fifth → last fifth`);
    print(row(`sentinel (${intervalMs / 1000} s checks)`, s));
    print(row('oracle, idle (baseline)', o));
    print();
    print(`sentinel ÷ idle oracle: CPU ${(s.cpuPercent / o.cpuPercent).toFixed(2)}×, RSS ${(s.rssEndMiB / o.rssEndMiB).toFixed(2)}×; sentinel RSS growth ${(s.rssEndMiB - s.rssStartMiB).toFixed(1)} MiB over ${seconds} s`);
    print(JSON.stringify({ seconds, intervalMs, sentinel: s, baseline: o }));
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await drop();
    await removeNamespace(namespace);
    await rm(folder, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
