/**
 * Paired comparison of gateway builds: what one change to the hot path is worth, on a machine
 * too noisy for two separate bench runs to tell. Every build runs at once, on one database;
 * they take turns under the same load, round after round (each round starting one build further
 * along), so a burst of other work weighs on all of them alike. For each build it reports the
 * median CPU per request and, the steadier figure, the median over the rounds of its CPU per
 * request divided by the first build's in the same round. See the README.
 *
 *   npx tsx tools/bench/gateway/compare-builds.ts [options] NAME=path/to/main.js NAME=path/to/main.js …
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup } from '../messaging/cleanup';
import { describeMachine, loadAverage } from '../messaging/machine';
import { type GatewayEnvironment, ROOT, check, createCredentials, databaseUrl, migrate, removeNamespace, startGateway, withAdminClient } from './gateway-stack';
import { type LoadFigures, type Target, measureLoad, median } from './load';
import { stopServersForGood } from './servers';

const OUTPUT = join(ROOT, 'tmp/bench/gateway-compare.json');
const CREDENTIALS = ['bearer', 'api-key'] as const;
type Credential = (typeof CREDENTIALS)[number];

const USAGE = `Usage: npx tsx tools/bench/gateway/compare-builds.ts [options] NAME=MAIN_JS NAME=MAIN_JS …
  The first build is the reference. Each MAIN_JS is a copy of dist/apps/gateway/main.js.
  --rounds N          rounds (default 12)
  --duration S        seconds measured per build, credential and round (default 5)
  --warmup S          seconds of load before each measurement, not counted (default 3)
  --connections N     autocannon connections (default 100)
  --credentials LIST  bearer, api-key or both (default bearer,api-key)`;

interface Build {
  name: string;
  main: string;
}

function readOptions() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '12' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '100' },
      credentials: { type: 'string', default: 'bearer,api-key' },
      help: { type: 'boolean', default: false },
    },
  });
  const builds: Build[] = positionals.map((arg) => {
    const [name, main] = arg.split('=');
    if (!name || !main) throw new Error(`not NAME=MAIN_JS: ${arg}\n\n${USAGE}`);
    return { name, main: resolve(main) };
  });
  if (values.help || builds.length < 2) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 1);
  }
  const credentials = values.credentials.split(',') as Credential[];
  if (!credentials.every((c) => CREDENTIALS.includes(c))) throw new Error(`--credentials: bearer, api-key or both\n\n${USAGE}`);
  return {
    builds,
    credentials,
    rounds: Number(values.rounds),
    settings: { connections: Number(values.connections), durationS: Number(values.duration), warmupS: Number(values.warmup) },
  };
}

/** Every build's ratio to the reference, round by round: the median, and the middle half of them. */
function pairedRatios(runs: LoadFigures[], reference: LoadFigures[]) {
  const ratios = runs.map((run, i) => run.serverCpuPerRequestUs / reference[i].serverCpuPerRequestUs).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  return { median: median(ratios), q1: at(0.25), q3: at(0.75) };
}

async function main(): Promise<void> {
  const { builds, credentials, rounds, settings } = readOptions();
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const machine = describeMachine();
    const namespace = `bench_cmp_${randomBytes(4).toString('hex')}`;
    const environment: GatewayEnvironment = {
      databaseUrl: databaseUrl(namespace),
      namespace,
      jwtSecret: randomBytes(36).toString('base64url'),
      encryptionKey: randomBytes(36).toString('base64url'),
      logLevel: 'info',
    };
    await withAdminClient((client) => client.query(`CREATE DATABASE "${namespace}"`));
    cleanup.add(`database ${namespace}`, () => withAdminClient(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${namespace}" WITH (FORCE)`))));
    cleanup.add(`streams and keys of ${namespace}`, () => removeNamespace(namespace));
    cleanup.add('servers', () => stopServersForGood());
    migrate(builds[0].main, environment);
    const servers = await Promise.all(builds.map((build) => startGateway(build.main, build.name, environment)));
    const { searchId, accessToken, apiKey } = await createCredentials(servers[0].url);
    const headers: Record<Credential, Record<string, string>> = { bearer: { authorization: `Bearer ${accessToken}` }, 'api-key': { 'x-api-key': apiKey } };
    const targets = builds.map((build, b) =>
      credentials.map(
        (credential): Target => ({ key: `${build.name} ${credential}`, label: `${build.name} ${credential}`, url: `${servers[b].url}/api/v1/searches/${searchId}`, headers: headers[credential], serverPid: servers[b].pid }),
      ),
    );
    for (const target of targets.flat()) await check(target, searchId);

    const figures = builds.map(() => credentials.map((): LoadFigures[] => []));
    for (let round = 0; round < rounds; round++) {
      const shift = round % builds.length;
      for (const b of [...builds.keys()].slice(shift).concat([...builds.keys()].slice(0, shift))) {
        for (const [c] of credentials.entries()) {
          const { figures: run } = await measureLoad(targets[b][c], settings);
          if (run.non2xx || run.errors) throw new Error(`${targets[b][c].label}: ${run.non2xx} non-2xx, ${run.errors} errors`);
          figures[b][c].push(run);
        }
      }
      process.stderr.write(`[compare] round ${round + 1}/${rounds}\n`);
    }

    const lines = [
      `Gateway builds compared — ${new Date().toISOString()}, load ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')} at start, ${loadAverage().map((l) => l.toFixed(2)).join(' ')} at end`,
      `  ${rounds} rounds × ${settings.durationS} s per build and credential (after ${settings.warmupS} s of warm-up), ${settings.connections} connections; medians of the rounds`,
    ];
    const result = builds.map((build, b) => ({
      name: build.name,
      main: relative(ROOT, build.main),
      credentials: credentials.map((credential, c) => {
        const runs = figures[b][c];
        const mid = (pick: (f: LoadFigures) => number) => median(runs.map(pick));
        return {
          credential,
          cpuPerRequestUs: mid((f) => f.serverCpuPerRequestUs),
          cpuPerRequestVsReference: pairedRatios(runs, figures[0][c]),
          requestsPerSecond: mid((f) => f.requestsPerSecond),
          p99Ms: mid((f) => f.p99Ms),
          dependenciesCpuPerRequestUs: mid((f) => (f.dependenciesCpuCores * f.durationS * 1e6) / f.requests),
          otherProcessesCpuCores: mid((f) => f.otherProcessesCpuCores),
        };
      }),
    }));
    for (const [c, credential] of credentials.entries()) {
      lines.push('', `  ${credential}: build, CPU per request, ÷ ${builds[0].name} in the same round (median; middle half), req/s, p99, pg+redis+nats CPU per request, others`);
      for (const build of result) {
        const f = build.credentials[c];
        const r = f.cpuPerRequestVsReference;
        lines.push(
          `    ${build.name.padEnd(12)} ${f.cpuPerRequestUs.toFixed(0).padStart(6)} µs   ${r.median.toFixed(2)}× (${r.q1.toFixed(2)}–${r.q3.toFixed(2)})` +
            `   ${f.requestsPerSecond.toFixed(0).padStart(6)} req/s   ${f.p99Ms.toFixed(0).padStart(5)} ms   ${f.dependenciesCpuPerRequestUs.toFixed(0).padStart(5)} µs   ${f.otherProcessesCpuCores.toFixed(2)}`,
        );
      }
    }
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, `${JSON.stringify({ machine, rounds, settings, builds: result, runs: figures }, null, 2)}\n`);
    process.stdout.write(`${lines.join('\n')}\n  Figures written to ${relative(ROOT, OUTPUT)}\n`);
  } finally {
    await cleanup.runAll();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`compare-builds failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
