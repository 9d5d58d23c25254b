/**
 * `npm run bench:download`: one torrent (512 MiB by default) from a local webtorrent seeder,
 * fetched in the same run by (a) the hunter end to end (API request → completed in the library),
 * (b) the bare BitTorrent library in a plain script and (c) aria2c, interleaved round by round.
 * Prints the throughputs, their ratios and the hunter's peak RSS, writes them to
 * tmp/bench/download.json. It only measures: the targets are reported, not asserted.
 * See tools/bench/download/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { preloadBitTorrent, startLocalSwarm } from '@sokoul/hunter/testing';
import { createTestSchema, uniqueNamespace } from '@sokoul/testing';
import { removeNamespace } from '../gateway/gateway-stack';
import { summarizeProfile, type ProfileSummary } from '../gateway/profile';
import { stopServersForGood } from '../gateway/servers';
import { Cleanup } from '../messaging/cleanup';
import { describeMachine, loadAverage } from '../messaging/machine';
import { ARIA2C, type Builds, type ContenderKey, type Fetched, HunterPlatform, type SwarmInfo, aria2cVersion, fetchWithAria2c, fetchWithBareLibrary, sha256Of } from './contenders';
import { CpuTimeline } from './proc';
import { type BenchConfig, type BenchResult, CONTENDERS, type RunFigures, TARGET_OF_ARIA2C, TARGET_OF_BARE, formatReport, ratiosOf, summarize } from './report';
import { UsageError, parseBenchArgs } from '../cli';

const ROOT = join(__dirname, '../../..');
const OUTPUT = join(ROOT, 'tmp/bench/download.json');
const PROFILE_DIR = join(ROOT, 'tmp/bench/download-profiles');
/** Where the bench copies the builds it runs (inside the repository, so their packages resolve from node_modules). */
const BUILD_COPY_DIR = join(ROOT, 'tmp/bench/download-build');
const MiB = 1024 * 1024;
/** A film, so the hunter's vetting files it as the release: the largest video of the torrent. */
const FILE_NAME = 'Bench.Film.2024.mkv';

const LABELS: Record<ContenderKey, string> = {
  hunter: '(a) hunter, API → library',
  bare: '(b) bare webtorrent',
  aria2c: '(c) aria2c',
};

const USAGE = `Usage: npm run bench:download -- [options]
  --rounds N          rounds; each runs the three contenders once, in a rotating order (default 3)
  --size-mib N        size of the torrent's one file, in MiB (default 512; 64 for a quick run)
  --hunter-tick-ms N  HUNTER_TICK_MS of the hunter (default 1000, the production default)
  --aria2c-input K    torrent: aria2c gets the .torrent (default); magnet: the same magnet as the others
  --skip-build        use dist/apps/{gateway,hunter} as they are (built if missing)
  --profile           after the rounds, one more hunter download under node --cpu-prof (not counted)`;


const OPTIONS = {
  rounds: { type: 'string', default: '3' },
  'size-mib': { type: 'string', default: '512' },
  'hunter-tick-ms': { type: 'string', default: '1000' },
  'aria2c-input': { type: 'string', default: 'torrent' },
  'skip-build': { type: 'boolean', default: false },
  profile: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function readOptions(): BenchConfig & { skipBuild: boolean } {
  const values = parseBenchArgs(OPTIONS, USAGE);
  const int = (name: 'rounds' | 'size-mib' | 'hunter-tick-ms', min: number, max: number) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  const input = values['aria2c-input'];
  if (input !== 'torrent' && input !== 'magnet') throw new UsageError('--aria2c-input must be torrent or magnet');
  return {
    rounds: int('rounds', 1, 100),
    sizeMiB: int('size-mib', 2, 16_384),
    hunterTickMs: int('hunter-tick-ms', 10, 60_000),
    aria2cInput: input,
    profile: values.profile,
    skipBuild: values['skip-build'],
  };
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function build(skip: boolean): void {
  const built = ['gateway', 'hunter'].every((app) => existsSync(join(ROOT, 'dist/apps', app, 'main.js')));
  if (skip && built) return;
  progress('building gateway and hunter (nx caches unchanged builds)');
  const run = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'gateway', 'hunter', '--output-style=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 2, 2],
  });
  if (run.status !== 0) throw new Error(`the build failed (exit ${run.status ?? run.signal})`);
}

/**
 * Copies dist/apps/{gateway,hunter}/main.js (and their source maps) aside: others may rebuild
 * while the bench runs, and every round must run the same code.
 */
async function snapshotBuilds(): Promise<Builds & { builtAt: Record<'gateway' | 'hunter', string> }> {
  const builtAt = { gateway: '', hunter: '' };
  for (const app of ['gateway', 'hunter'] as const) {
    const from = join(ROOT, 'dist/apps', app);
    const to = join(BUILD_COPY_DIR, app);
    await mkdir(to, { recursive: true });
    for (const file of ['main.js', 'main.js.map']) if (existsSync(join(from, file))) await copyFile(join(from, file), join(to, file));
    builtAt[app] = (await stat(join(from, 'main.js'))).mtime.toISOString();
  }
  return { gatewayMain: join(BUILD_COPY_DIR, 'gateway/main.js'), hunterMain: join(BUILD_COPY_DIR, 'hunter/main.js'), builtAt };
}

/** The bare library's metadata time, and its transfer (metadata → done) to set beside the hunter's. */
function bareDetail(fetched: Fetched): Record<string, number | null> {
  const metadataMs = fetched.detail['metadataMs'] ?? null;
  return { metadataMs, transferMs: metadataMs === null ? null : fetched.seconds * 1000 - metadataMs };
}

/** Each round starts one contender further along, so none always follows the same one. */
function orderOf(round: number): ContenderKey[] {
  return CONTENDERS.map((_, i) => CONTENDERS[(i + round - 1) % CONTENDERS.length]);
}

async function main(): Promise<void> {
  const config = readOptions();
  const started = performance.now();
  const machine = describeMachine();
  const cleanup = new Cleanup();
  cleanup.onInterrupt();
  try {
    build(config.skipBuild);
    const builds = await snapshotBuilds();
    cleanup.add('the servers', () => stopServersForGood());
    if (!existsSync(ARIA2C)) throw new Error(`${ARIA2C} is missing: install aria2 (tools/stack/test-tools.sh)`);

    const root = await mkdtemp(join(tmpdir(), 'sokoul-bench-download-'));
    cleanup.add(`folder ${root}`, () => rm(root, { recursive: true, force: true }));
    progress(`seeding ${config.sizeMiB} MiB of generated content (writing and hashing it takes a while; not measured)`);
    await preloadBitTorrent();
    const swarm = await startLocalSwarm({ name: 'Bench.Film.2024', files: [{ path: FILE_NAME, size: config.sizeMiB * MiB }] });
    cleanup.add('the local swarm', () => swarm.close());
    const torrentPath = join(root, 'bench.torrent');
    await writeFile(torrentPath, swarm.torrentFile);
    const info: SwarmInfo = { magnet: swarm.magnet, torrentPath, fileName: FILE_NAME, totalBytes: swarm.totalBytes, sha256: swarm.files[0].sha256 };

    const namespace = uniqueNamespace('bench_dl');
    progress(`namespace ${namespace}: schema, streams, Redis keys; starting the gateway`);
    const schema = await createTestSchema(namespace);
    cleanup.add(`schema, streams and Redis keys of ${namespace}`, async () => {
      await schema.drop();
      await removeNamespace(namespace);
    });
    const platform = await HunterPlatform.start(namespace, builds);
    cleanup.add('the gateway', () => platform.stop());

    const timeline = new CpuTimeline();
    const runs: RunFigures[] = [];
    const torrentShape = { pieceLength: null as number | null, pieces: null as number | null };
    const fetchBy = (contender: ContenderKey, dir: string, round: number): Promise<Fetched> => {
      if (contender === 'hunter') return platform.fetch(info, dir, { tickMs: config.hunterTickMs }, round);
      if (contender === 'bare') return fetchWithBareLibrary(info, dir);
      return fetchWithAria2c(info, dir, config.aria2cInput);
    };

    for (let round = 1; round <= config.rounds; round++) {
      for (const [order, contender] of orderOf(round).entries()) {
        const dir = join(root, `round-${round}-${contender}`);
        const fetched = await fetchBy(contender, dir, round);
        const cpu = timeline.over(fetched.window.fromUs, fetched.window.toUs);
        const verifyStarted = performance.now();
        const sha256 = 'sha256' in fetched.check ? fetched.check.sha256 : await sha256Of(fetched.check.file);
        const verifySeconds = 'file' in fetched.check ? (performance.now() - verifyStarted) / 1000 : null;
        if (sha256 !== info.sha256) throw new Error(`${LABELS[contender]} in round ${round}: SHA-256 ${sha256}, expected ${info.sha256}`);
        await rm(dir, { recursive: true, force: true });
        if (contender === 'bare') {
          torrentShape.pieceLength = fetched.detail['pieceLength'] ?? null;
          torrentShape.pieces = fetched.detail['pieces'] ?? null;
        }
        const ownCores = fetched.cpuSeconds !== null && fetched.seconds > 0 ? fetched.cpuSeconds / fetched.seconds : 0;
        const figures: RunFigures = {
          contender,
          round,
          order,
          seconds: fetched.seconds,
          mibPerSecond: info.totalBytes / MiB / fetched.seconds,
          cpuSeconds: fetched.cpuSeconds,
          seederCores: cpu.selfCores,
          machineCores: cpu.machineCores,
          otherCores: Math.max(0, cpu.machineCores - ownCores - cpu.selfCores),
          peakRssBytes: fetched.peakRssBytes,
          verifySeconds,
          detail: contender === 'bare' ? bareDetail(fetched) : fetched.detail,
        };
        runs.push(figures);
        progress(
          `round ${round}/${config.rounds} ${LABELS[contender]}: ${figures.seconds.toFixed(2)} s, ${figures.mibPerSecond.toFixed(1)} MiB/s, ` +
            `CPU ${figures.cpuSeconds?.toFixed(2) ?? '?'} s, seeder ${figures.seederCores.toFixed(2)} c, other ${figures.otherCores.toFixed(2)} c, load ${loadAverage()[0].toFixed(2)}`,
        );
      }
    }

    const profile = config.profile ? await profileBoth(platform, info, root, config, builds.hunterMain) : undefined;
    timeline.stop();

    const summaries = CONTENDERS.map((contender) => summarize(runs, contender, LABELS[contender]));
    const ratios = ratiosOf(runs, config.rounds);
    const hunterPeaks = runs.filter((r) => r.contender === 'hunter' && r.peakRssBytes !== null).map((r) => r.peakRssBytes as number);
    const result: BenchResult & { profile?: Profiles } = {
      generatedAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      config,
      versions: { node: process.version, webtorrent: webtorrentVersion(), aria2c: await aria2cVersion(), builtAt: builds.builtAt },
      torrent: { name: FILE_NAME, bytes: info.totalBytes, ...torrentShape, sha256: info.sha256 },
      summaries,
      ratios,
      targetMet: { ofBare: ratios.hunterOfBare >= TARGET_OF_BARE, ofAria2c: ratios.hunterOfAria2c > TARGET_OF_ARIA2C },
      hunterPeakRssBytes: hunterPeaks.length ? Math.max(...hunterPeaks) : null,
      runs,
      runSeconds: (performance.now() - started) / 1000,
      ...(profile ? { profile } : {}),
    };
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, `${JSON.stringify(result, roundFractions, 2)}\n`);
    process.stdout.write(`\n${formatReport(result)}\n`);
    if (profile) process.stdout.write(`\n${formatProfiles(profile)}\n`);
    process.stdout.write(`  Figures written to ${relative(ROOT, OUTPUT)}\n`);
  } finally {
    progress('cleaning up');
    await cleanup.runAll();
  }
}

function webtorrentVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules/webtorrent/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface Profiles {
  hunter: { file: string; seconds: number; detail: Record<string, number | null>; phases: Array<{ phase: string; summary: ProfileSummary }> };
  bare: { file: string; seconds: number; summary: ProfileSummary };
}

/**
 * One more download by the hunter and one by the bare library, each under `node --cpu-prof`
 * (not counted: the profiler slows them). The hunter's profile is cut into its phases (before
 * the transfer, the transfer, after it) with the timings the download reported, so the CPU it
 * adds to the library's shows where it is spent.
 */
async function profileBoth(platform: HunterPlatform, info: SwarmInfo, root: string, config: BenchConfig, hunterMain: string): Promise<Profiles> {
  progress('one more download each by the hunter and the bare library, under --cpu-prof (not counted)');
  await mkdir(PROFILE_DIR, { recursive: true });
  const round = config.rounds + 1;
  const hunter = await platform.fetch(info, join(root, 'profiled-hunter'), { tickMs: config.hunterTickMs, profileDir: PROFILE_DIR }, round);
  const hunterFile = join(PROFILE_DIR, `hunter-round-${round}.cpuprofile`);
  const d = hunter.detail;
  const at = (ms: number) => hunter.window.fromUs + ms * 1000;
  const started = d['untilStartedMs'] ?? 0;
  const written = started + (d['transferMs'] ?? 0);
  const windows: Array<{ phase: string; fromUs: number; toUs: number }> = [
    { phase: 'POST → startedAt', fromUs: hunter.window.fromUs, toUs: at(started) },
    { phase: 'the transfer', fromUs: at(started), toUs: at(written) },
    { phase: 'after the transfer (tick wait, import)', fromUs: at(written), toUs: hunter.window.toUs },
    { phase: 'whole download', fromUs: hunter.window.fromUs, toUs: hunter.window.toUs },
  ];
  const phases = [];
  for (const window of windows) phases.push({ phase: window.phase, summary: await summarizeProfile(hunterFile, window, hunterMain, ROOT, 12) });
  await rm(join(root, 'profiled-hunter'), { recursive: true, force: true });

  const bareName = `bare-round-${round}.cpuprofile`;
  const bare = await fetchWithBareLibrary(info, join(root, 'profiled-bare'), { dir: PROFILE_DIR, name: bareName });
  const bareFile = join(PROFILE_DIR, bareName);
  const bareSummary = await summarizeProfile(bareFile, bare.window, hunterMain, ROOT, 12);
  await rm(join(root, 'profiled-bare'), { recursive: true, force: true });
  return {
    hunter: { file: relative(ROOT, hunterFile), seconds: hunter.seconds, detail: d, phases },
    bare: { file: relative(ROOT, bareFile), seconds: bare.seconds, summary: bareSummary },
  };
}

function formatProfiles(profiles: Profiles): string {
  const row = (name: string, ms: number, share: number) => `      ${name.padEnd(70)} ${ms.toFixed(0).padStart(6)} ms ${(share * 100).toFixed(1).padStart(5)}%`;
  const block = (title: string, summary: ProfileSummary, functions: boolean) => [
    `    ${title}: ${(summary.busyMs / 1000).toFixed(2)} s of main-thread CPU in ${(summary.totalMs / 1000).toFixed(2)} s`,
    ...summary.byOwner.slice(0, 8).map((e) => row(e.name, e.ms, e.share)),
    ...(functions ? ['      top functions (self):', ...summary.topFunctions.slice(0, 6).map((f) => row(`${f.name} ${f.where}`.slice(0, 70), f.ms, f.share))] : []),
  ];
  const phases = Object.entries(profiles.hunter.detail)
    .map(([key, value]) => `${key} ${value === null ? '–' : (value / 1000).toFixed(2)} s`)
    .join(', ');
  return [
    `  Under --cpu-prof (not counted; ${profiles.hunter.file}, ${profiles.bare.file}):`,
    `    hunter: ${profiles.hunter.seconds.toFixed(2)} s end to end (${phases}); bare: ${profiles.bare.seconds.toFixed(2)} s`,
    ...profiles.hunter.phases.flatMap(({ phase, summary }) => block(`hunter, ${phase}`, summary, phase !== 'whole download')),
    ...block('bare webtorrent, add → done', profiles.bare.summary, true),
  ].join('\n');
}

/** JSON replacer: three decimals are all a timer-based figure can claim. */
function roundFractions(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

main().catch((error: Error) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  else process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
