import { type ChildProcess, spawn } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface QBittorrentDaemon {
  /** `http://127.0.0.1:<web port>`: what `QBittorrentClient` takes. */
  url: string;
  username: string;
  password: string;
  /** The BitTorrent port, on 127.0.0.1 only: what a test's seeders dial. */
  peerPort: number;
  /** The daemon's default save path (torrents added without `savepath` land here). */
  downloadDir: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

/** A port nobody listens on right now (the kernel's pick for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The format qBittorrent 4.2+ stores: PBKDF2-HMAC-SHA512, 100 000 rounds, 16-byte salt, 64-byte key. */
function passwordHash(password: string): string {
  const salt = randomBytes(16);
  const key = pbkdf2Sync(password, salt, 100_000, 64, 'sha512');
  return `@ByteArray(${salt.toString('base64')}:${key.toString('base64')})`;
}

/**
 * Without this file qBittorrent 4.5 turns on DHT, LSD, PeX and UPnP, listens on every interface
 * and fetches a GeoIP database on its first start (docs/research/bittorrent-engines.md §6).
 */
function config(options: { peerPort: number; webPort: number; downloadDir: string; username: string; password: string }): string {
  return [
    '[LegalNotice]',
    'Accepted=true',
    '',
    '[BitTorrent]',
    `Session\\Port=${options.peerPort}`,
    'Session\\DHTEnabled=false',
    'Session\\LSDEnabled=false',
    'Session\\PeXEnabled=false',
    'Session\\Interface=lo',
    'Session\\InterfaceName=lo',
    'Session\\InterfaceAddress=127.0.0.1',
    'Session\\BTProtocol=TCP',
    'Session\\AddTrackersEnabled=false',
    'Session\\QueueingSystemEnabled=false',
    // Every test peer comes from 127.0.0.1; libtorrent allows one connection per IP by default.
    'Session\\MultiConnectionsPerIp=true',
    `Session\\DefaultSavePath=${options.downloadDir}`,
    'Session\\TempPathEnabled=false',
    '',
    '[Network]',
    'PortForwardingEnabled=false',
    '',
    '[Preferences]',
    'Connection\\ResolvePeerCountries=false',
    'WebUI\\Address=127.0.0.1',
    `WebUI\\Port=${options.webPort}`,
    `WebUI\\Username=${options.username}`,
    `WebUI\\Password_PBKDF2="${passwordHash(options.password)}"`,
    'WebUI\\LocalHostAuth=true',
    // Tests try wrong passwords on purpose; the default ban after 5 failures would outlive the test.
    'WebUI\\MaxAuthenticationFailCount=1000',
    '',
  ].join('\n');
}

async function waitForWebUi(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`qbittorrent-nox exited during start-up (${child.exitCode ?? child.signalCode}): ${output()}`);
    }
    try {
      // Any HTTP answer will do: without a session cookie it is a 403.
      await fetch(`${url}/api/v2/app/version`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`qbittorrent-nox's Web UI did not answer on ${url} within ${STARTUP_TIMEOUT_MS / 1000} s: ${output()}`);
}

function spawnDaemon(profile: string, webPort: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('qbittorrent-nox', [`--profile=${profile}`, `--webui-port=${webPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error('qbittorrent-nox is not installed: run tools/stack/test-tools.sh') : error);
    });
    child.once('spawn', () => resolve(child));
  });
}

/**
 * A real qBittorrent daemon for integration tests: its own profile in a temp dir, written before
 * the first start so it stays on 127.0.0.1 with no DHT, LSD, PeX or UPnP, and a random password.
 */
export async function startQBittorrentDaemon(): Promise<QBittorrentDaemon> {
  const root = await mkdtemp(join(tmpdir(), 'sokoul-qbittorrent-'));
  try {
    const profile = join(root, 'profile');
    const downloadDir = join(root, 'downloads');
    const configDir = join(profile, 'qBittorrent', 'config');
    await mkdir(configDir, { recursive: true });
    await mkdir(downloadDir, { recursive: true });
    const peerPort = await freePort();
    let webPort = await freePort();
    while (webPort === peerPort) webPort = await freePort();
    const username = 'sokoul';
    const password = randomBytes(18).toString('base64url');
    await writeFile(join(configDir, 'qBittorrent.conf'), config({ peerPort, webPort, downloadDir, username, password }));

    const child = await spawnDaemon(profile, webPort);
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A runner that exits without calling stop() must not leave a daemon behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const url = `http://127.0.0.1:${webPort}`;
    const stop = async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(root, { recursive: true, force: true });
    };
    try {
      await waitForWebUi(url, child, () => output.trim());
    } catch (error) {
      await stop();
      throw error;
    }
    return { url, username, password, peerPort, downloadDir, stop };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
