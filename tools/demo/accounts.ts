/**
 * Who the demo acts as. It searches and downloads as a user of its own (`demo-<random>`, made
 * on each run) unless given `--user`; registering the sample indexer needs an admin. On a fresh
 * installation the demo's user is the first account, hence the admin: its generated password
 * is kept in `.stack/demo-admin.json` (ignored by git, readable only by you) so that later
 * runs, whose new user is an ordinary one, can still register their indexer.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Account, ApiError, type SokoulApi } from './api';

export interface Credentials {
  username: string;
  password: string;
}

interface StoredAdmin extends Credentials {
  gateway: string;
  createdAt: string;
}

export interface Accounts {
  user: Account;
  admin: Account;
  /** What the demo did to get them, one line each, for the transcript. */
  notes: string[];
}

export class DemoAccountError extends Error {}

export async function resolveAccounts(
  api: SokoulApi,
  options: { user?: Credentials; admin?: Credentials; adminFile: string },
): Promise<Accounts> {
  const notes: string[] = [];
  // An admin given on the command line is checked first: a wrong password fails before anything is created.
  let admin: Account | null = null;
  if (options.admin) {
    admin = await api.login(options.admin.username, options.admin.password);
    if (admin.role !== 'admin') throw new DemoAccountError(`${admin.username} is not an admin: only an admin can register the sample indexer.`);
  }

  let user: Account;
  if (options.user) {
    user = await api.login(options.user.username, options.user.password);
    notes.push(`logged in as ${user.username} (${user.role})`);
  } else {
    const created = await createDemoUser(api);
    user = await api.login(created.username, created.password);
    notes.push(`created user ${user.username} (${user.role === 'admin' ? 'admin: the first account of this installation' : 'user'})`);
    if (user.role === 'admin') {
      await storeAdmin(options.adminFile, { ...created, gateway: api.gateway, createdAt: new Date().toISOString() });
      notes.push(`kept its generated password in ${options.adminFile} for the next runs`);
    }
  }

  if (admin) {
    notes.push(`registers the indexer as admin ${admin.username}`);
    return { user, admin, notes };
  }
  if (user.role === 'admin') return { user, admin: user, notes };
  admin = await storedAdmin(api, options.adminFile);
  if (admin) {
    notes.push(`registers the indexer as ${admin.username}, the admin an earlier demo run created (${options.adminFile})`);
    return { user, admin, notes };
  }
  throw new DemoAccountError(
    'Registering the sample indexer needs an admin, and this installation already has one that the demo does not know. ' +
      'Run it again with an admin account: npm run demo -- --admin-user <name> --admin-password <password>',
  );
}

/** The admin an earlier run created, when its credentials still work on this gateway. */
async function storedAdmin(api: SokoulApi, file: string): Promise<Account | null> {
  const stored = await readStoredAdmin(file, api.gateway);
  if (!stored) return null;
  try {
    const admin = await api.login(stored.username, stored.password);
    if (admin.role === 'admin') return admin;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
  }
  // Made on another database than this one (or demoted since): of no use any more.
  await rm(file, { force: true });
  return null;
}

async function createDemoUser(api: SokoulApi): Promise<Credentials> {
  const username = `demo-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  try {
    await api.register(username, `${username}@example.org`, password);
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'registration-closed' || error.code === 'invite-required')) {
      throw new DemoAccountError(
        `${error.problem?.detail ?? 'Registration is not open.'} Run the demo with an existing account: npm run demo -- --user <name> --password <password>`,
      );
    }
    throw error;
  }
  return { username, password };
}

async function readStoredAdmin(file: string, gateway: string): Promise<StoredAdmin | null> {
  let stored: Partial<StoredAdmin>;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<StoredAdmin>;
  } catch {
    return null;
  }
  if (typeof stored.username !== 'string' || typeof stored.password !== 'string' || stored.gateway !== gateway) return null;
  return stored as StoredAdmin;
}

async function storeAdmin(file: string, admin: StoredAdmin): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(admin, null, 2)}\n`, { mode: 0o600 });
}
