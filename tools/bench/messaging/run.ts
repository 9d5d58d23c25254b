/**
 * `npm run bench:messaging`: Sokoul's messaging round trip against raw nats.js, then the
 * start-up time and idle memory of the five services. Prints a report, writes the figures to
 * tmp/bench/messaging.json. It only measures: no threshold is asserted. See tools/bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { type NatsConnection, connect } from 'nats';
import { Client } from 'pg';
import { z } from 'zod';
import { loadConfig, natsEnv } from '@sokoul/config';
import { Streams } from '@sokoul/contracts';
import { Wire } from '@sokoul/messaging';
import { Cleanup } from './cleanup';
import { describeMachine, loadAverage } from './machine';
import { RawHarness } from './raw-harness';
import { type BenchConfig, type BenchResult, type MessagingFigures, formatReport, summarizeServices } from './report';
import { type RoundTripHarness, concurrentRoundTrips, sequentialRoundTrips } from './round-trip';
import { SERVICES, type ServiceRun, measureService, serviceMain, stopServicesForGood } from './services';
import { SokoulHarness } from './sokoul-harness';
import { summarize } from './stats';

const ROOT = join(__dirname, '../../..');
const OUTPUT = join(ROOT, 'tmp/bench/messaging.json');
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sokoul_test';

/** The services' own NATS settings (defaults, or NATS_* from the environment), so the lib runs as deployed. */
const nats = loadConfig(z.object(natsEnv));

const USAGE = `Usage: npm run bench:messaging -- [options]
  --messages N             sequential round trips measured per side (default 1000)
  --warmup N               round trips per side before measuring, not counted (default 100)
  --block N                raw and Sokoul alternate every N round trips (default 100)
  --throughput-messages N  round trips of the concurrent run, 0 to skip it (default 1000)
  --in-flight N            round trips outstanding in the concurrent run (default 16)
  --runs N                 starts of each service (default 3)
  --only messaging|services
  --skip-build             use dist/apps/* as built (still builds what is missing)`;

/** A bad command line: shown with the usage, without a stack trace. */
class UsageError extends Error {}

const OPTIONS = {
  messages: { type: 'string', default: '1000' },
  warmup: { type: 'string', default: '100' },
  block: { type: 'string', default: '100' },
  'throughput-messages': { type: 'string', default: '1000' },
  'in-flight': { type: 'string', default: '16' },
  runs: { type: 'string', default: '3' },
  only: { type: 'string' },
  'skip-build': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function parseCommandLine() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readOptions(): { config: BenchConfig; only?: string; skipBuild: boolean } {
  const values = parseCommandLine();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name: keyof typeof OPTIONS, min: number) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
    return value;
  };
  if (values.only && values.only !== 'messaging' && values.only !== 'services') throw new UsageError('--only must be messaging or services');
  return {
    config: {
      messages: int('messages', 1),
      warmup: int('warmup', 0),
      blockSize: int('block', 1),
      throughputMessages: int('throughput-messages', 0),
      inFlight: int('in-flight', 1),
      concurrency: nats.NATS_CONCURRENCY,
      serviceRuns: int('runs', 1),
    },
    only: values.only,
    skipBuild: values['skip-build'],
  };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Builds the five services; with --skip-build only if a build is missing. */
function buildServices(skipBuild: boolean): void {
  const missing = SERVICES.filter((name) => !existsSync(serviceMain(ROOT, name)));
  if (skipBuild && missing.length === 0) return;
  progress(`building ${SERVICES.join(', ')} (nx caches unchanged builds)`);
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...SERVICES], {
    cwd: ROOT,
    // Build output goes to stderr: stdout carries only the report.
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (build.status !== 0) throw new Error(`the build failed (exit ${build.status ?? build.signal})`);
}

/**
 * Raw and Sokoul alternate in blocks rather than run one after the other, so a drift of the
 * machine during the run (other load, NATS storage growing) weighs on both alike.
 */
async function measureLatency(raw: RoundTripHarness, sokoul: RoundTripHarness, config: BenchConfig) {
  progress(`warm-up: ${config.warmup} round trips each`);
  await sequentialRoundTrips(raw, config.warmup);
  await sequentialRoundTrips(sokoul, config.warmup);
  const samples = { raw: [] as number[], sokoul: [] as number[] };
  for (let done = 0; done < config.messages; done += config.blockSize) {
    const size = Math.min(config.blockSize, config.messages - done);
    samples.raw.push(...(await sequentialRoundTrips(raw, size)));
    samples.sokoul.push(...(await sequentialRoundTrips(sokoul, size)));
  }
  progress(`sequential: ${config.messages} round trips each done`);
  const summary = { raw: summarize(samples.raw), sokoul: summarize(samples.sokoul) };
  return {
    ...summary,
    ratio: {
      p50: summary.sokoul.p50 / summary.raw.p50,
      p99: summary.sokoul.p99 / summary.raw.p99,
      mean: summary.sokoul.mean / summary.raw.mean,
    },
  };
}

async function measureThroughput(raw: RoundTripHarness, sokoul: RoundTripHarness, config: BenchConfig) {
  if (config.throughputMessages === 0) return undefined;
  progress(`throughput: ${config.throughputMessages} round trips each, ${config.inFlight} in flight`);
  const rawFigure = await concurrentRoundTrips(raw, config.throughputMessages, config.inFlight);
  const sokoulFigure = await concurrentRoundTrips(sokoul, config.throughputMessages, config.inFlight);
  return { raw: rawFigure, sokoul: sokoulFigure, ratio: sokoulFigure.perSecond / rawFigure.perSecond };
}

async function benchMessaging(config: BenchConfig, cleanup: Cleanup): Promise<MessagingFigures> {
  const suffix = randomBytes(4).toString('hex');
  progress(`messaging: raw streams BENCHRAW_${suffix.toUpperCase()}_*, Sokoul namespace bench_${suffix}`);
  const raw = await RawHarness.start({ servers: nats.NATS_URL, prefix: `benchraw_${suffix}`, concurrency: nats.NATS_CONCURRENCY });
  const closeRaw = cleanup.add('raw nats.js streams', () => raw.close());
  const sokoul = await SokoulHarness.start({
    servers: nats.NATS_URL,
    namespace: `bench_${suffix}`,
    messaging: {
      ackWaitMs: nats.NATS_ACK_WAIT_MS,
      maxDeliver: nats.NATS_MAX_DELIVER,
      retryBackoffMs: nats.NATS_RETRY_BACKOFF_MS,
      concurrency: nats.NATS_CONCURRENCY,
      drainTimeoutMs: nats.NATS_DRAIN_TIMEOUT_MS,
    },
  });
  const closeSokoul = cleanup.add('Sokoul streams', () => sokoul.close());
  try {
    const sequential = await measureLatency(raw, sokoul, config);
    const throughput = await measureThroughput(raw, sokoul, config);
    return { sequential, throughput };
  } finally {
    await closeSokoul();
    await closeRaw();
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function deleteNamespacedStreams(nc: NatsConnection, namespace: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const wire = new Wire(namespace);
  for (const name of Object.values(Streams)) await jsm.streams.delete(wire.stream(name)).catch(() => undefined);
}

/**
 * Each round starts every service once, so that the runs of one service are spread over the
 * whole phase instead of sharing one moment's machine load. One schema and namespace serve all
 * starts: the first service using the database migrates it, later starts find it migrated.
 */
async function benchServices(config: BenchConfig, nc: NatsConnection, cleanup: Cleanup): Promise<ServiceRun[]> {
  const namespace = `bench_svc_${randomBytes(4).toString('hex')}`;
  progress(`services: schema and namespace ${namespace}`);
  const undo = cleanup.add(`services (schema and streams ${namespace})`, async () => {
    await stopServicesForGood();
    await dropSchema(namespace);
    await deleteNamespacedStreams(nc, namespace);
  });
  const environment = { root: ROOT, databaseUrl: DATABASE_URL, schema: namespace, namespace, natsUrl: nats.NATS_URL };
  const runs: ServiceRun[] = [];
  try {
    for (let run = 1; run <= config.serviceRuns; run++) {
      for (const service of SERVICES) {
        const result = await measureService(service, run, environment);
        const status = result.error ? `FAILED: ${result.error.split('\n')[0]}` : `ready in ${result.wallReadyMs?.toFixed(0)} ms`;
        progress(`${service} #${run}: ${status}`);
        runs.push(result);
      }
    }
  } finally {
    await undo();
  }
  return runs;
}

/** JSON replacer: microsecond precision is all a timer-based figure can claim. */
function roundFractions(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

async function main(): Promise<void> {
  const { config, only, skipBuild } = readOptions();
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  const nc = await connect({ servers: nats.NATS_URL.split(','), name: 'bench-admin' });
  cleanup.add('admin connection', () => nc.close());
  try {
    const result: BenchResult = {
      generatedAt: new Date().toISOString(),
      machine: describeMachine(nc.info?.version),
      config,
    };
    if (only !== 'services') result.messaging = await benchMessaging(config, cleanup);
    if (only !== 'messaging') {
      buildServices(skipBuild);
      const runs = await benchServices(config, nc, cleanup);
      result.services = { summary: summarizeServices(runs), runs };
      if (runs.some((r) => r.error)) process.exitCode = 1;
    }
    result.machine.loadAverageAtEnd = loadAverage();
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, `${JSON.stringify(result, roundFractions, 2)}\n`);
    process.stdout.write(`\n${formatReport(result)}\n  Figures written to ${relative(ROOT, OUTPUT)}\n`);
  } finally {
    await cleanup.runAll();
  }
}

main().catch((error: Error) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  else process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
