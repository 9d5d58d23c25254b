/**
 * The three contenders, each fetching the same torrent from the same local seeder into a fresh
 * folder, timed and checked:
 *
 * - (a) the hunter end to end: `POST /api/v1/downloads {magnet}` on the gateway → the hunter
 *   (a fresh process per round) claims it, fetches it and files it under `Unsorted/` → `GET
 *   /api/v1/downloads/:id` says `completed` with the library file's SHA-256;
 * - (b) the bare library: `bare-leecher.mjs`, webtorrent in a plain node process of its own;
 * - (c) aria2c, given the .torrent (or the magnet), exiting once complete (`--seed-time=0`).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { freePort, namespaceEnv } from '@sokoul/testing';
import { ServerProcess } from '../gateway/servers';
import { processCpuSeconds, processIo, peakRssBytes } from './proc';

export type ContenderKey = 'hunter' | 'bare' | 'aria2c';

/** What one contender reports about one download; the bench adds the machine's side. */
export interface Fetched {
  seconds: number;
  /** The contender's own process (user + system) over the timed part. */
  cpuSeconds: number | null;
  peakRssBytes: number | null;
  /** What to check against the swarm: the SHA-256 the hunter reports, or the file to hash (after the timing). */
  check: { sha256: string } | { file: string };
  /** Contender-specific timings, in ms (the hunter's phases, the bare library's metadata time). */
  detail: Record<string, number | null>;
  /** `hrtime` µs of the timed part, for cutting a CPU profile to it. */
  window: { fromUs: number; toUs: number };
}

export interface SwarmInfo {
  magnet: string;
  torrentPath: string;
  fileName: string;
  totalBytes: number;
  sha256: string;
}

const ROOT = join(__dirname, '../../..');
const hrtimeUs = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SHA-256 of a file, streamed. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// --- (b) the bare library -------------------------------------------------------------------

/** The one line `bare-leecher.mjs` prints. */
interface BareLeecherResult {
  /** From `add` until the file list arrived (a magnet's metadata, from the peers). */
  metadataMs: number | null;
  /** From `add` until `done`: every piece received, verified and written. */
  doneMs: number;
  /** The process's CPU over `add` → `done`. */
  cpuSeconds: number;
  /** The largest resident set the process had, start-up included. */
  peakRssBytes: number;
  length: number;
  pieceLength: number;
  pieces: number;
  /** `hrtime` in µs at `add` and at `done`, on the clock every process of the machine shares. */
  fromUs: number;
  toUs: number;
}

/** `profile` runs it under `node --cpu-prof`, writing `profile.dir/profile.name`. */
export async function fetchWithBareLibrary(swarm: SwarmInfo, dir: string, profile?: { dir: string; name: string }): Promise<Fetched> {
  await mkdir(dir, { recursive: true });
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile.dir}`, `--cpu-prof-name=${profile.name}`] : [];
  const child = spawn(process.execPath, [...flags, join(__dirname, 'bare-leecher.mjs'), JSON.stringify({ magnet: swarm.magnet, dir })], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  let result: BareLeecherResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => (result = JSON.parse(line) as BareLeecherResult));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !result) throw new Error(`the bare leecher exited with ${code}:\n${stderr.slice(-20).join('\n')}`);
  return {
    seconds: result.doneMs / 1000,
    cpuSeconds: result.cpuSeconds,
    peakRssBytes: result.peakRssBytes,
    check: { file: join(dir, swarm.fileName) },
    detail: { metadataMs: result.metadataMs, pieceLength: result.pieceLength, pieces: result.pieces },
    window: { fromUs: result.fromUs, toUs: result.toUs },
  };
}

// --- (c) aria2c -----------------------------------------------------------------------------

export const ARIA2C = '/usr/bin/aria2c';
const GNU_TIME = '/usr/bin/time';

export async function aria2cVersion(): Promise<string> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(ARIA2C, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(text));
  });
  return /aria2 version (\S+)/.exec(out)?.[1] ?? 'unknown';
}

/**
 * aria2c with every discovery but the torrent's tracker off, no preallocation, and an exit as
 * soon as the file is whole. Timed from spawn to exit (its start-up is a few ms); its CPU and
 * peak RSS come from GNU time, which sees it to the end.
 */
export async function fetchWithAria2c(swarm: SwarmInfo, dir: string, input: 'torrent' | 'magnet'): Promise<Fetched> {
  await mkdir(dir, { recursive: true });
  const timeFile = join(dir, '..', `aria2c-time-${Date.now()}.txt`);
  const args = [
    `--dir=${dir}`,
    '--no-conf=true',
    '--enable-dht=false',
    '--enable-dht6=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    '--seed-time=0',
    '--bt-tracker-connect-timeout=5',
    '--bt-tracker-timeout=5',
    '--file-allocation=none',
    '--bt-save-metadata=false',
    '--follow-torrent=mem',
    '--allow-overwrite=true',
    '--auto-file-renaming=false',
    `--listen-port=${await freePort()}`,
    '--console-log-level=warn',
    '--summary-interval=0',
    '--download-result=hide',
    input === 'torrent' ? swarm.torrentPath : swarm.magnet,
  ];
  const fromUs = hrtimeUs();
  const started = performance.now();
  const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, ARIA2C, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  const toUs = hrtimeUs();
  if (code !== 0) throw new Error(`aria2c exited with ${code}:\n${output.slice(-20).join('\n')}`);
  const [user, system, maxRssKib] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  await rm(timeFile, { force: true });
  return {
    seconds,
    cpuSeconds: user + system,
    peakRssBytes: maxRssKib * 1024,
    check: { file: join(dir, swarm.fileName) },
    detail: {},
    window: { fromUs, toUs },
  };
}

// --- (a) the hunter, end to end -------------------------------------------------------------

interface DownloadDto {
  id: string;
  status: string;
  failureCode: string | null;
  error: string | null;
  downloadedBytes: number;
  totalBytes: number | null;
  startedAt: string | null;
  completedAt: string | null;
  libraryFiles?: Array<{ path: string; sizeBytes: number; sha256: string | null }>;
}

export interface HunterSettings {
  tickMs: number;
  /** `--cpu-prof` the hunter into this folder, as `hunter-round-<round>.cpuprofile`. */
  profileDir?: string;
}

/** The builds the bench runs: copies taken at its start, so another build meanwhile changes nothing. */
export interface Builds {
  gatewayMain: string;
  hunterMain: string;
}

/** Sampling of the hunter's /proc/<pid>/io during a download, to date the end of the transfer. */
const IO_SAMPLE_MS = 50;
/** Between two polls of `GET /downloads/:id`. */
const POLL_MS = 100;
/** After a fresh hunter is ready, before its download is requested (its first ticks have run). */
const SETTLE_MS = 2_000;
/** A download that has not completed by then failed the bench (it reports the row). */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

/** What a service needs to run in the bench's namespace, and nothing of the bench's own environment (NODE_OPTIONS of tsx). */
function serviceEnv(namespace: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], NODE_ENV: 'production', LOG_LEVEL: 'info', ...namespaceEnv(namespace), ...extra };
}

/**
 * The platform around the hunter: a gateway (started once) on a namespace of its own, and the
 * admin account whose magnet requests the hunter serves. Each round starts a fresh hunter on
 * fresh folders, so its peak RSS and its folders are that round's alone.
 */
export class HunterPlatform {
  private accessToken = '';
  private readonly password = `bench ${Math.random().toString(36).slice(2)} password`;

  private constructor(
    readonly namespace: string,
    readonly gateway: ServerProcess,
    private readonly builds: Builds,
  ) {}

  static async start(namespace: string, builds: Builds): Promise<HunterPlatform> {
    const port = await freePort();
    const gateway = await ServerProcess.start({
      label: 'gateway',
      args: [builds.gatewayMain],
      cwd: ROOT,
      port,
      env: serviceEnv(namespace, {
        GATEWAY_PORT: String(port),
        RATE_LIMIT_PER_USER_PER_MINUTE: '1000000000',
        RATE_LIMIT_PER_IP_PER_MINUTE: '1000000000',
      }),
    });
    const platform = new HunterPlatform(namespace, gateway, builds);
    // The first account is the admin: only an admin may download an arbitrary magnet.
    await platform.call('POST', '/auth/register', { username: 'bench-admin', email: 'bench-admin@example.org', password: platform.password }, 201);
    return platform;
  }

  /**
   * One download through the platform: timed from the POST until `GET` reports it completed.
   * Meanwhile the hunter's I/O counters are sampled, which dates the end of the transfer (its
   * writes reach the torrent's size) and the start of the library import (its reads resume).
   */
  async fetch(swarm: SwarmInfo, dir: string, settings: HunterSettings, round: number): Promise<Fetched> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const port = await freePort();
    const hunter = await ServerProcess.start({
      label: `hunter (round ${round})`,
      args: [this.builds.hunterMain],
      nodeFlags: settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`, `--cpu-prof-name=hunter-round-${round}.cpuprofile`] : [],
      cwd: ROOT,
      port,
      env: serviceEnv(this.namespace, {
        HUNTER_PORT: String(port),
        HUNTER_DOWNLOAD_DIR: join(dir, 'downloads'),
        HUNTER_LIBRARY_DIR: join(dir, 'library'),
        HUNTER_SEED_RATIO: '0',
        HUNTER_TICK_MS: String(settings.tickMs),
        // The vetting's sample threshold (70 MiB) would refuse the small files of a quick run; it costs the same either way.
        HUNTER_SAMPLE_MAX_BYTES: String(1024 * 1024),
      }),
    });
    try {
      // A hunter that has run for a while gets a request at any point of its tick: let this one
      // settle, then post at a random phase of the tick rather than always just before its first.
      await sleep(SETTLE_MS + Math.random() * settings.tickMs);
      return await this.timedDownload(hunter, swarm);
    } catch (error) {
      throw new Error(`${(error as Error).message}${hunter.diagnostics()}`);
    } finally {
      await hunter.stop();
    }
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
  }

  private async timedDownload(hunter: ServerProcess, swarm: SwarmInfo): Promise<Fetched> {
    await this.login();
    const io0 = processIo(hunter.pid) ?? { rchar: 0, wchar: 0 };
    const samples: Array<{ at: number; rchar: number; wchar: number }> = [];
    const sampler = setInterval(() => {
      const io = processIo(hunter.pid);
      if (io) samples.push({ at: Date.now(), rchar: io.rchar - io0.rchar, wchar: io.wchar - io0.wchar });
    }, IO_SAMPLE_MS);
    const cpu0 = processCpuSeconds(hunter.pid);
    const postedAt = Date.now();
    const fromUs = hrtimeUs();
    const started = performance.now();
    let download: DownloadDto;
    try {
      download = await this.call<DownloadDto>('POST', '/downloads', { magnet: swarm.magnet }, 201);
      const deadline = started + DOWNLOAD_TIMEOUT_MS;
      while (download.status !== 'completed') {
        if (download.status === 'failed' || download.status === 'cancelled') throw new Error(`the hunter's download ${download.status}: ${download.failureCode} ${download.error}`);
        if (performance.now() > deadline) throw new Error(`the hunter's download is still ${download.status} after ${DOWNLOAD_TIMEOUT_MS / 1000} s (${download.downloadedBytes} bytes)`);
        await sleep(POLL_MS);
        download = await this.call<DownloadDto>('GET', `/downloads/${download.id}`, undefined, 200);
      }
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const toUs = hrtimeUs();
    const observedAt = Date.now();
    const cpu1 = processCpuSeconds(hunter.pid);
    const peak = peakRssBytes(hunter.pid);

    // Timed up to `completed` (the file is in the library); its hash is recorded a moment later.
    let [file] = download.libraryFiles ?? [];
    for (let waited = 0; file && !file.sha256 && waited < DOWNLOAD_TIMEOUT_MS; waited += POLL_MS) {
      await sleep(POLL_MS);
      [file] = (await this.call<DownloadDto>('GET', `/downloads/${download.id}`, undefined, 200)).libraryFiles ?? [];
    }
    if (!file) throw new Error(`the hunter completed ${download.id}, but the API lists no library file for it`);
    if (!file.sha256) throw new Error(`the hunter never recorded the hash of ${file.path}`);
    const expectedPath = `Unsorted/${swarm.fileName}`;
    if (file.path !== expectedPath || file.sizeBytes !== swarm.totalBytes) {
      throw new Error(`the library file is ${file.path} (${file.sizeBytes} bytes), not ${expectedPath} (${swarm.totalBytes} bytes)`);
    }
    return {
      seconds,
      cpuSeconds: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      peakRssBytes: peak,
      check: { sha256: file.sha256 },
      detail: hunterPhases(postedAt, observedAt, download, samples, swarm.totalBytes),
      window: { fromUs, toUs },
    };
  }

  private async login(): Promise<void> {
    const { accessToken } = await this.call<{ accessToken: string }>('POST', '/auth/login', { login: 'bench-admin', password: this.password }, 200);
    this.accessToken = accessToken;
  }

  private async call<T>(method: string, path: string, body: unknown, expected: number): Promise<T> {
    const response = await fetch(`${this.gateway.url}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
}

/**
 * Where the hunter's time went, in ms, from the row's own timestamps (set by the hunter) and the
 * I/O samples (±50 ms):
 * - `untilStartedMs`: POST → `startedAt`: the wait for a tick, the claim, the magnet's metadata, the vetting;
 * - `transferMs`: `startedAt` → the hunter has written as many bytes as the torrent holds;
 * - `idleAfterTransferMs`: → its reads resume (the import hashing the file): the wait for the next tick;
 * - `importMs`: → `completedAt`: the library import (link, SHA-256 of the whole file);
 * - `untilSeenMs`: `completedAt` → the bench saw `completed` (the row written, the poll).
 */
function hunterPhases(postedAt: number, observedAt: number, download: DownloadDto, samples: ReadonlyArray<{ at: number; rchar: number; wchar: number }>, totalBytes: number): Record<string, number | null> {
  const startedAt = download.startedAt ? Date.parse(download.startedAt) : null;
  const completedAt = download.completedAt ? Date.parse(download.completedAt) : null;
  const writtenIndex = samples.findIndex((s) => s.wchar >= totalBytes);
  const written = writtenIndex >= 0 ? samples[writtenIndex] : null;
  // After the transfer nothing else reads megabytes: the first sample that read 1 MiB more than the one before is the import.
  let importStart: number | null = null;
  if (written) {
    for (let i = writtenIndex + 1; i < samples.length; i++) {
      if (samples[i].rchar - samples[i - 1].rchar >= 1024 * 1024) {
        importStart = samples[i - 1].at;
        break;
      }
    }
  }
  const span = (from: number | null, to: number | null) => (from !== null && to !== null ? to - from : null);
  return {
    untilStartedMs: span(postedAt, startedAt),
    transferMs: span(startedAt, written?.at ?? null),
    idleAfterTransferMs: span(written?.at ?? null, importStart),
    importMs: span(importStart, completedAt),
    untilSeenMs: span(completedAt, observedAt),
  };
}
