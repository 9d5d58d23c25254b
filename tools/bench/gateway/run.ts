/**
 * `npm run bench:gateway`: the gateway's authenticated `GET /api/v1/searches/:id` under
 * autocannon against a bare Nest route on the same adapter (Express), in the same run, the
 * routes taking turns; the ratio of their req/s and p99 is the headline. Prints a report, writes the figures to
 * tmp/bench/gateway.json. It measures and reports the ≥ 0.5× target; it asserts nothing.
 * See tools/bench/gateway/README.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { freePort } from '@sokoul/testing';
import { Cleanup } from '../messaging/cleanup';
import { describeMachine, loadAverage } from '../messaging/machine';
import { type LoadFigures, type LoadSettings, type Target, measureLoad, median, summarizeRounds } from './load';
import { summarizeProfile } from './profile';
import { type BenchConfig, type BenchResult, type CacheReads, type Ratio, type TargetKey, TARGET_RATIO, type Versions, formatReport, ratioOf } from './report';
import { type Credentials, type GatewayEnvironment, RATE_LIMIT_PER_MINUTE, ROOT, check, createCredentials, databaseUrl, migrate, removeNamespace, startGateway, withAdminClient } from './gateway-stack';
import { ServerProcess, stopServersForGood } from './servers';
import { UsageError, parseBenchArgs } from '../cli';

const OUTPUT = join(ROOT, 'tmp/bench/gateway.json');
const PROFILE_DIR = join(ROOT, 'tmp/bench/gateway-profiles');
const BUILT_GATEWAY_MAIN = join(ROOT, 'dist/apps/gateway/main.js');
/** The gateway build measured: dist/apps/gateway, or the one `--gateway-main` names. */
let GATEWAY_MAIN = BUILT_GATEWAY_MAIN;
const BARE_SERVER = join(__dirname, 'bare-server.js');
const STUB_RATE_LIMIT = join(__dirname, 'stub-rate-limit.js');

const USAGE = `Usage: npm run bench:gateway -- [options]
  --connections N     autocannon connections (default 100)
  --rounds N          the routes take turns N times (default 3)
  --duration S        seconds measured per route and round (default 5)
  --warmup S          seconds of load before a route's first round, not counted (default 2;
                      later rounds get 1 s, to open the connections again)
  --log-level LEVEL   the gateway's LOG_LEVEL (default info, the production default)
  --fastify-from DIR  also measure the bare route on Fastify, with Nest and
                      @nestjs/platform-fastify resolved from DIR (a scratch install)
  --profile           also profile the gateway (node --cpu-prof) under each credential's load
  --skip-build        use dist/apps/gateway as built (still builds it if missing)
  --gateway-main FILE measure this build of the gateway instead (a copy of dist/apps/gateway/main.js,
                      main.js.map beside it), without building: to compare two builds in the same conditions`;

/** A bad command line: shown with the usage, without a stack trace. */

const OPTIONS = {
  connections: { type: 'string', default: '100' },
  rounds: { type: 'string', default: '3' },
  duration: { type: 'string', default: '5' },
  warmup: { type: 'string', default: '2' },
  'log-level': { type: 'string', default: 'info' },
  'fastify-from': { type: 'string' },
  profile: { type: 'boolean', default: false },
  'skip-build': { type: 'boolean', default: false },
  'gateway-main': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;


function readOptions(): { config: BenchConfig; skipBuild: boolean } {
  const values = parseBenchArgs(OPTIONS, USAGE);
  const int = (name: keyof typeof OPTIONS, min: number) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  const logLevel = values['log-level'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(logLevel)) throw new UsageError('--log-level must be fatal, error, warn, info, debug or trace');
  const fastifyFrom = values['fastify-from'] === undefined ? undefined : resolve(values['fastify-from']);
  if (fastifyFrom && !existsSync(join(fastifyFrom, 'node_modules/@nestjs/platform-fastify'))) {
    throw new UsageError(`--fastify-from: no node_modules/@nestjs/platform-fastify under ${fastifyFrom}`);
  }
  const gatewayMain = values['gateway-main'] === undefined ? undefined : resolve(values['gateway-main']);
  if (gatewayMain && !existsSync(gatewayMain)) throw new UsageError(`--gateway-main: no file ${gatewayMain}`);
  return {
    config: {
      connections: int('connections', 1),
      rounds: int('rounds', 1),
      durationS: int('duration', 1),
      warmupS: int('warmup', 0),
      logLevel,
      rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
      fastifyFrom,
      profile: values.profile,
      ...(gatewayMain ? { gatewayMain: relative(ROOT, gatewayMain) } : {}),
    },
    skipBuild: values['skip-build'],
  };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function buildGateway(skipBuild: boolean, gatewayMain: string | undefined): void {
  if (gatewayMain) {
    GATEWAY_MAIN = gatewayMain;
    return;
  }
  if (skipBuild && existsSync(GATEWAY_MAIN)) return;
  progress('building the gateway (nx caches an unchanged build)');
  const build = spawnSync('npx', ['nx', 'run', 'gateway:build'], {
    cwd: ROOT,
    // Build output goes to stderr: stdout carries only the report.
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (build.status !== 0) throw new Error(`the build failed (exit ${build.status ?? build.signal})`);
}

async function versionOf(pkg: string, from = ROOT): Promise<string> {
  const manifest = JSON.parse(await readFile(join(from, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

async function startBare(adapter: 'express' | 'fastify', options: { modulesFrom?: string; databaseUrl?: string } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const database = options.databaseUrl ? ['--database-url', options.databaseUrl] : [];
  return ServerProcess.start({
    label: `bare ${adapter} route${options.databaseUrl ? ' with the lookup' : ''}`,
    args: [BARE_SERVER, '--port', String(port), '--adapter', adapter, '--modules-from', options.modulesFrom ?? ROOT, ...database],
    env: { PATH: process.env['PATH'], NODE_ENV: 'production' },
    cwd: ROOT,
    port,
  });
}

function gatewayTarget(key: TargetKey, label: string, gateway: ServerProcess, searchId: string, headers: Record<string, string>): Target {
  return {
    key,
    label,
    url: `${gateway.url}/api/v1/searches/${searchId}`,
    headers,
    serverPid: gateway.pid,
    stdoutLines: () => gateway.stdoutLines,
  };
}

/**
 * One gateway per profile, started with --cpu-prof and stopped after the load so that node
 * writes the profile; only the samples of the measured window are summarized (not start-up).
 */
async function profileGateway(
  key: 'bearer' | 'api-key',
  environment: GatewayEnvironment,
  credentials: Credentials,
  settings: LoadSettings,
  runId: string,
) {
  const name = `gateway-${key}-${runId}.cpuprofile`;
  const gateway = await startGateway(GATEWAY_MAIN, `profiled gateway (${key})`, environment, ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}`]);
  const headers: Record<string, string> = key === 'bearer' ? { authorization: `Bearer ${credentials.accessToken}` } : { 'x-api-key': credentials.apiKey };
  const target = gatewayTarget(key, `profiled ${key}`, gateway, credentials.searchId, headers);
  try {
    await check(target, credentials.searchId);
    progress(`profiling the gateway under ${key} load`);
    const { figures, window } = await measureLoad(target, settings);
    await gateway.stop();
    const summary = await summarizeProfile(join(PROFILE_DIR, name), window, GATEWAY_MAIN, ROOT);
    return { ...summary, requestsPerSecond: figures.requestsPerSecond, file: relative(ROOT, join(PROFILE_DIR, name)) };
  } finally {
    await gateway.stop();
  }
}

/**
 * The routes take turns, round after round, so that a burst of other work on the machine weighs
 * on every route alike rather than on whichever was being measured at that moment. Each round
 * starts one route further along, so no route always follows the same one.
 */
async function measureRounds(targets: Target[], config: BenchConfig): Promise<Array<Map<string, LoadFigures>>> {
  const rounds: Array<Map<string, LoadFigures>> = [];
  for (let round = 1; round <= config.rounds; round++) {
    const figures = new Map<string, LoadFigures>();
    const warmupS = round === 1 ? config.warmupS : Math.min(1, config.warmupS);
    const shift = (round - 1) % targets.length;
    for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
      const { figures: run } = await measureLoad(target, { connections: config.connections, durationS: config.durationS, warmupS });
      const failed = run.non2xx || run.errors ? `, ${run.non2xx} non-2xx, ${run.errors} errors` : '';
      progress(`round ${round}/${config.rounds} ${target.label}: ${Math.round(run.requestsPerSecond)} req/s, p99 ${run.p99Ms} ms${failed}`);
      figures.set(target.key, run);
    }
    rounds.push(figures);
  }
  return rounds;
}

/** The median over the rounds of `key` against `baseline` measured in the same round. */
function medianRatio(rounds: Array<Map<string, LoadFigures>>, key: TargetKey, baseline: TargetKey): Ratio {
  const ratios = rounds.map((round) => ratioOf(round.get(key) as LoadFigures, round.get(baseline) as LoadFigures));
  return {
    requestsPerSecond: median(ratios.map((r) => r.requestsPerSecond)),
    p99: median(ratios.map((r) => r.p99)),
    byCpu: median(ratios.map((r) => r.byCpu)),
  };
}

/**
 * Where the gateways' reads through their in-memory copies came from over the whole run, from
 * their `/metrics` (`sokoul_cache_reads_total`); undefined for a build without those caches.
 */
async function cacheReadsOf(gateways: ServerProcess[]): Promise<CacheReads | undefined> {
  const reads: CacheReads = {};
  for (const gateway of gateways) {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const [, labels, value] of text.matchAll(/^sokoul_cache_reads_total\{([^}]*)\} (\d+)$/gm)) {
      const cache = /cache="([^"]+)"/.exec(labels)?.[1];
      const source = /source="(memory|database|joined)"/.exec(labels)?.[1] as keyof CacheReads[string] | undefined;
      if (!cache || !source) continue;
      reads[cache] ??= { memory: 0, database: 0, joined: 0 };
      reads[cache][source] += Number(value);
    }
  }
  return Object.keys(reads).length ? reads : undefined;
}

/** JSON replacer: a thousandth is all these figures can claim. */
function roundFractions(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

async function main(): Promise<void> {
  const { config, skipBuild } = readOptions();
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    const machine = describeMachine();
    buildGateway(skipBuild, config.gatewayMain && resolve(ROOT, config.gatewayMain));
    const versions: Versions = { node: process.version, nest: await versionOf('@nestjs/core'), express: await versionOf('express') };
    if (config.fastifyFrom) {
      versions.fastify = await versionOf('fastify', config.fastifyFrom);
      versions.platformFastify = await versionOf('@nestjs/platform-fastify', config.fastifyFrom);
    }

    const runId = randomBytes(4).toString('hex');
    const namespace = `bench_gw_${runId}`;
    const database = namespace;
    const environment: GatewayEnvironment = {
      databaseUrl: databaseUrl(database),
      namespace,
      jwtSecret: randomBytes(36).toString('base64url'),
      encryptionKey: randomBytes(36).toString('base64url'),
      logLevel: config.logLevel,
    };
    progress(`database, NATS and Redis namespace ${namespace}`);
    await withAdminClient((client) => client.query(`CREATE DATABASE "${database}"`));
    cleanup.add(`database ${database}`, () => withAdminClient(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`))));
    cleanup.add(`streams and keys of ${namespace}`, () => removeNamespace(namespace));
    cleanup.add('servers', () => stopServersForGood());
    migrate(GATEWAY_MAIN, environment);

    progress('starting the bare routes and two gateways (one with the rate limit stubbed)');
    const [bareExpress, bareWithLookup, gateway, stubbedGateway, bareFastify] = await Promise.all([
      startBare('express'),
      startBare('express', { databaseUrl: environment.databaseUrl }),
      startGateway(GATEWAY_MAIN, 'gateway', environment),
      startGateway(GATEWAY_MAIN, 'gateway (rate limit stubbed)', environment, ['--require', STUB_RATE_LIMIT]),
      config.fastifyFrom ? startBare('fastify', { modulesFrom: config.fastifyFrom }) : Promise.resolve(undefined),
    ]);
    const credentials = await createCredentials(gateway.url);
    const bearer = { authorization: `Bearer ${credentials.accessToken}` };
    const path = `/api/v1/searches/${credentials.searchId}`;
    const targets: Target[] = [
      { key: 'bare-express', label: '(a) bare route, Nest + Express', url: `${bareExpress.url}${path}`, serverPid: bareExpress.pid },
      gatewayTarget('bearer', '(b) gateway, Bearer JWT', gateway, credentials.searchId, bearer),
      gatewayTarget('api-key', '(c) gateway, X-Api-Key', gateway, credentials.searchId, { 'x-api-key': credentials.apiKey }),
      gatewayTarget('bearer-no-redis', '(d) gateway, Bearer, rate limit stubbed', stubbedGateway, credentials.searchId, bearer),
      { key: 'bare-lookup', label: '(e) bare route + the lookup (plain pg)', url: `${bareWithLookup.url}${path}`, serverPid: bareWithLookup.pid },
    ];
    if (bareFastify) targets.push({ key: 'bare-fastify', label: '(f) bare route, Nest + Fastify', url: `${bareFastify.url}${path}`, serverPid: bareFastify.pid });
    const servers = [bareExpress, bareWithLookup, gateway, stubbedGateway, bareFastify].filter((server) => server !== undefined);
    for (const target of targets) target.idleServers = new Map(servers.filter((s) => s.pid !== target.serverPid).map((s) => [s.pid, s.spec.label]));
    for (const target of targets) await check(target, credentials.searchId);

    const rounds = await measureRounds(targets, config);
    const cacheReads = await cacheReadsOf([gateway, stubbedGateway]);
    // Idle servers still run timers and hold connections: only the profiled gateway runs from here on.
    await Promise.all(servers.map((server) => server.stop()));

    const results = targets.map((target) => summarizeRounds(rounds.map((round) => round.get(target.key) as LoadFigures)));
    const ratios: BenchResult['ratios'] = {};
    for (const key of ['bearer', 'api-key', 'bearer-no-redis', 'bare-lookup', 'bare-fastify'] as const) {
      if (rounds[0].has(key)) ratios[key] = medianRatio(rounds, key, 'bare-express');
    }
    const result: BenchResult = {
      generatedAt: new Date().toISOString(),
      machine,
      config,
      versions,
      results,
      ratios,
      rateLimitCost: medianRatio(rounds, 'bearer', 'bearer-no-redis'),
      targetMet: {
        bearer: (ratios.bearer?.requestsPerSecond ?? 0) >= TARGET_RATIO,
        apiKey: (ratios['api-key']?.requestsPerSecond ?? 0) >= TARGET_RATIO,
      },
      rounds: rounds.map((round) => [...round.values()]),
      ...(cacheReads ? { cacheReads } : {}),
    };
    if (config.profile) {
      await mkdir(PROFILE_DIR, { recursive: true });
      // One longer run each: a profile wants samples more than rounds.
      const settings: LoadSettings = { connections: config.connections, durationS: config.durationS * config.rounds, warmupS: config.warmupS };
      result.profiles = {
        bearer: await profileGateway('bearer', environment, credentials, settings, runId),
        'api-key': await profileGateway('api-key', environment, credentials, settings, runId),
      };
    }
    result.machine.loadAverageAtEnd = loadAverage();
    if (results.some((f) => f.non2xx > 0 || f.errors > 0)) {
      progress('some requests failed (non-2xx or connection errors): the figures of that route do not measure the route');
      process.exitCode = 1;
    }
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, `${JSON.stringify(result, roundFractions, 2)}\n`);
    process.stdout.write(`\n${formatReport(result)}\n  Figures written to ${relative(ROOT, OUTPUT)}\n`);
  } finally {
    // Profiles stay in tmp/bench/gateway-profiles for inspection (Chrome DevTools, speedscope).
    await cleanup.runAll();
  }
}

main().catch((error: Error) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  else process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
