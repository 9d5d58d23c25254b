import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TransmissionDaemonOptions {
  /** Turns RPC authentication on (the daemon then answers 401 without these credentials). */
  auth?: { username: string; password: string };
  /** Turns the download queue on with this many slots (Transmission's default is on, 5); off unless set. */
  downloadQueueSize?: number;
}

export interface TransmissionDaemon {
  /** `http://127.0.0.1:<port>/transmission/rpc` */
  rpcUrl: string;
  /** Where peers must dial: Transmission 3.00 never dials loopback peers itself. */
  peerPort: number;
  /** The daemon's default download directory (a fresh temp dir). */
  downloadDir: string;
  stop(): Promise<void>;
}

const BINARY = 'transmission-daemon';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

function findBinary(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, BINARY);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${BINARY} is not installed (not on PATH): run tools/stack/test-tools.sh`);
}

/** Ports are taken together and released together so the two never collide with each other. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Transmission's defaults reach for the internet (DHT, LPD, UPnP/NAT-PMP) and PEX has no
 * command-line switch, so the whole configuration is written before the first start.
 */
function settings(rpcPort: number, peerPort: number, downloadDir: string, options: TransmissionDaemonOptions): Record<string, unknown> {
  const { auth, downloadQueueSize } = options;
  return {
    'dht-enabled': false,
    'lpd-enabled': false,
    'pex-enabled': false,
    'utp-enabled': false,
    'port-forwarding-enabled': false,
    'blocklist-enabled': false,
    'bind-address-ipv4': '127.0.0.1',
    'bind-address-ipv6': '::1',
    'peer-port': peerPort,
    'peer-port-random-on-start': false,
    'rpc-enabled': true,
    'rpc-bind-address': '127.0.0.1',
    'rpc-port': rpcPort,
    'rpc-whitelist-enabled': true,
    'rpc-whitelist': '127.0.0.1',
    'rpc-authentication-required': auth !== undefined,
    ...(auth ? { 'rpc-username': auth.username, 'rpc-password': auth.password } : {}),
    'download-dir': downloadDir,
    'incomplete-dir-enabled': false,
    'watch-dir-enabled': false,
    // A queued torrent sits in status 3 doing nothing: tests run transfers side by side.
    'download-queue-enabled': downloadQueueSize !== undefined,
    ...(downloadQueueSize !== undefined ? { 'download-queue-size': downloadQueueSize } : {}),
    'seed-queue-enabled': false,
    'ratio-limit-enabled': false,
    'idle-seeding-limit-enabled': false,
    'script-torrent-done-enabled': false,
    'message-level': 1,
  };
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts a `transmission-daemon` that talks only to 127.0.0.1, from a temp config dir, on free
 * ports. Resolves once its RPC answers; `stop()` ends it and deletes everything it wrote.
 */
export async function startTransmissionDaemon(options: TransmissionDaemonOptions = {}): Promise<TransmissionDaemon> {
  const binary = findBinary();
  const root = await mkdtemp(join(tmpdir(), 'sokoul-transmission-'));
  const configDir = join(root, 'config');
  const downloadDir = join(root, 'downloads');
  await mkdir(configDir);
  await mkdir(downloadDir);
  const [rpcPort, peerPort] = (await freePorts(2)) as [number, number];
  await writeFile(join(configDir, 'settings.json'), JSON.stringify(settings(rpcPort, peerPort, downloadDir, options), null, 2));

  const child = spawn(
    binary,
    ['--foreground', '--config-dir', configDir, '--bind-address-ipv4', '127.0.0.1', '--rpc-bind-address', '127.0.0.1', '--log-error'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)));
  const spawnFailed = new Promise<string>((resolve) => child.once('error', (error) => resolve(error.message)));

  const rpcUrl = `http://127.0.0.1:${rpcPort}/transmission/rpc`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await waitExit(child, STOP_TIMEOUT_MS);
      }
    }
    await rm(root, { recursive: true, force: true });
  };

  const answered = (async () => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      try {
        // Any HTTP answer (the 409 of the session-id handshake, or 401) means the RPC is up.
        await fetch(rpcUrl, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1_000) });
        return null;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return `RPC did not answer within ${READY_TIMEOUT_MS / 1000} s`;
  })();

  const failure = await Promise.race([answered, exited, spawnFailed]);
  if (failure !== null) {
    await stop();
    throw new Error(`${BINARY} did not start: ${failure}${stderr ? `\n${stderr.trim()}` : ''}`);
  }
  return { rpcUrl, peerPort, downloadDir, stop };
}
