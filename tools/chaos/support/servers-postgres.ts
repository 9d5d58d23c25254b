import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@sokoul/testing';
import { closed, listening } from './servers-process';

const run = promisify(execFile);

/** The newest PostgreSQL of Debian's packages (/usr/lib/postgresql/<version>/bin), as tools/stack/stack.sh finds it. */
async function pgBin(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (!newest) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql is empty): apt-get install postgresql');
  return `/usr/lib/postgresql/${newest}/bin`;
}

/** PostgreSQL refuses to run as root: as root, its tools run as the postgres user. */
const asRoot = process.getuid?.() === 0;
function pgTool(bin: string, tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
}

/**
 * A PostgreSQL cluster of the scenario's own: initdb in a temp dir, trust auth, a free port, one
 * database `sokoul`. `stop()` takes it away (fast shutdown: sessions are cut), `begin()` brings it back.
 */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
  ) {}

  static async start(maxConnections = 100): Promise<OwnPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'sokoul-chaos-pg-'));
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const postgres = new OwnPostgres(await freePort(), dir, await pgBin());
    await pgTool(postgres.bin, 'initdb', ['-D', join(dir, 'data'), '--username=postgres', '--auth=trust', '--encoding=UTF8']);
    await postgres.begin(maxConnections);
    await pgTool(postgres.bin, 'createdb', ['-h', '127.0.0.1', '-p', String(postgres.port), '-U', 'postgres', 'sokoul']);
    return postgres;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/sokoul`;
  }

  async begin(maxConnections = 100): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c max_connections=${maxConnections} -c fsync=off`;
    await pgTool(this.bin, 'pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'postgres.log'), '-w', '-o', options, 'start']);
    await listening(this.port);
  }

  /** Fast shutdown: every session is disconnected, the port closed. */
  async stop(): Promise<void> {
    await pgTool(this.bin, 'pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    await closed(this.port);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
