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
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';
import { Streams } from '@sokoul/contracts';
import { Wire } from '@sokoul/messaging';
import { freePort, testEnvironment } from '@sokoul/testing';
import { Cleanup } from '../messaging/cleanup';
import { describeMachine, loadAverage } from '../messaging/machine';
import { type LoadFigures, type LoadSettings, type Target, measureLoad, median, summarizeRounds } from './load';
import { summarizeProfile } from './profile';
import { type BenchConfig, type BenchResult, type Ratio, type TargetKey, TARGET_RATIO, type Versions, formatReport, ratioOf } from './report';
import { ServerProcess, stopServersForGood } from './servers';

const ROOT = join(__dirname, '../../..');
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
class UsageError extends Error {}

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

/** High enough that no measured request is refused: the bench measures the pipeline, not 429s. */
const RATE_LIMIT_PER_MINUTE = 1_000_000_000;

function readOptions(): { config: BenchConfig; skipBuild: boolean } {
  let values;
  try {
    values = parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
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

/** Runs `fn` on the test server's maintenance database (`postgres`), where the bench's own database is created and dropped. */
async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(testEnvironment.TEST_DATABASE_URL);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(database: string): string {
  const url = new URL(testEnvironment.TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** What the bench leaves on the shared NATS and Redis: the namespace's streams and keys. */
async function removeNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: testEnvironment.NATS_URL.split(','), name: 'bench-gateway-cleanup' });
  try {
    const jsm = await nc.jetstreamManager();
    const wire = new Wire(namespace);
    for (const name of Object.values(Streams)) await jsm.streams.delete(wire.stream(name)).catch(() => undefined);
  } finally {
    await nc.close();
  }
  const redis = new Redis(testEnvironment.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

interface GatewayEnvironment {
  databaseUrl: string;
  namespace: string;
  jwtSecret: string;
  encryptionKey: string;
  logLevel: string;
}

/** Only what the gateway needs: not the bench's own environment (npm and tsx variables such as NODE_OPTIONS). */
function gatewayEnv(environment: GatewayEnvironment, port?: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    DATABASE_URL: environment.databaseUrl,
    NATS_URL: testEnvironment.NATS_URL,
    REDIS_URL: testEnvironment.REDIS_URL,
    SOKOUL_NAMESPACE: environment.namespace,
    AUTH_JWT_SECRET: environment.jwtSecret,
    SECRETS_ENCRYPTION_KEY: environment.encryptionKey,
    AUTH_ACCESS_TOKEN_TTL_S: '3600',
    RATE_LIMIT_PER_USER_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    RATE_LIMIT_PER_IP_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    LOG_LEVEL: environment.logLevel,
    ...(port ? { GATEWAY_PORT: String(port) } : {}),
  };
}

function migrate(environment: GatewayEnvironment): void {
  const run = spawnSync(process.execPath, [GATEWAY_MAIN, 'migrate'], { cwd: ROOT, env: gatewayEnv(environment), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`main.js migrate failed (exit ${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
}

async function startGateway(label: string, environment: GatewayEnvironment, nodeFlags: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  return ServerProcess.start({ label, args: [GATEWAY_MAIN], nodeFlags, env: gatewayEnv(environment, port), cwd: ROOT, port });
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

async function call<T>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> }, expected: number): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: expected ${expected}, got ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Credentials {
  searchId: string;
  accessToken: string;
  apiKey: string;
}

/** Registers the first account (an admin), signs in, creates the search to read and a read-only API key. */
async function createCredentials(gateway: string): Promise<Credentials> {
  const password = randomBytes(18).toString('base64url');
  await call(`${gateway}/api/v1/auth/register`, { method: 'POST', body: { username: 'bench-admin', email: 'bench-admin@example.org', password } }, 201);
  const { accessToken } = await call<{ accessToken: string }>(`${gateway}/api/v1/auth/login`, { method: 'POST', body: { login: 'bench-admin', password } }, 200);
  const bearer = { authorization: `Bearer ${accessToken}` };
  const { id: searchId } = await call<{ id: string }>(`${gateway}/api/v1/searches`, { method: 'POST', body: { query: 'bench' }, headers: bearer }, 202);
  const { key: apiKey } = await call<{ key: string }>(`${gateway}/api/v1/api-keys`, { method: 'POST', body: { name: 'bench', scopes: ['read'] }, headers: bearer }, 201);
  return { searchId, accessToken, apiKey };
}

/** One request first: a route that answers anything but 200 with the search would make the figures meaningless. */
async function check(target: Target, searchId: string): Promise<void> {
  const body = await call<{ id?: string }>(target.url, { headers: target.headers }, 200);
  if (body.id !== searchId) throw new Error(`${target.label}: answered ${JSON.stringify(body).slice(0, 200)}, not the search ${searchId}`);
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
  const gateway = await startGateway(`profiled gateway (${key})`, environment, ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}`]);
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
    migrate(environment);

    progress('starting the bare routes and two gateways (one with the rate limit stubbed)');
    const [bareExpress, bareWithLookup, gateway, stubbedGateway, bareFastify] = await Promise.all([
      startBare('express'),
      startBare('express', { databaseUrl: environment.databaseUrl }),
      startGateway('gateway', environment),
      startGateway('gateway (rate limit stubbed)', environment, ['--require', STUB_RATE_LIMIT]),
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
