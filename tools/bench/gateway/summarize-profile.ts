/**
 * Summarizes a CPU profile of the gateway written by `npm run bench:gateway -- --profile` (or
 * any `node --cpu-prof` run of dist/apps/gateway/main.js): self time by owner, by layer and by
 * function, the whole profile (start-up included).
 *
 *   npx tsx tools/bench/gateway/summarize-profile.ts tmp/bench/gateway-profiles/<file>.cpuprofile [main.js]
 *
 * `main.js` is the build that was profiled (its main.js.map maps frames back to libs/…);
 * dist/apps/gateway/main.js by default.
 */
import { join, relative, resolve } from 'node:path';
import { summarizeProfile } from './profile';

const ROOT = join(__dirname, '../../..');

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: summarize-profile.ts <file.cpuprofile> [main.js]');
  const main = process.argv[3] ? resolve(process.argv[3]) : join(ROOT, 'dist/apps/gateway/main.js');
  const summary = await summarizeProfile(resolve(file), { fromUs: 0, toUs: Number.POSITIVE_INFINITY }, main, ROOT, 25);
  const row = (name: string, ms: number, share: number) => `  ${name.padEnd(60)} ${ms.toFixed(0).padStart(7)} ms ${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${relative(process.cwd(), resolve(file))}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms`, '', 'by owner'];
  for (const e of summary.byOwner) lines.push(row(e.name, e.ms, e.share));
  lines.push('', 'by layer');
  for (const e of summary.byLayer) lines.push(row(e.name, e.ms, e.share));
  lines.push('', 'top functions (self)');
  for (const f of summary.topFunctions) lines.push(row(`${f.name} ${f.where}`.slice(0, 60), f.ms, f.share));
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
