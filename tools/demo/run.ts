/**
 * `npm run demo`: Sokoul from search to stream in one command, against the platform `npm run up`
 * runs. It makes a user, registers a sample Torznab indexer and a BitTorrent swarm of its own
 * (on 127.0.0.1), searches, shows the ranked releases, downloads the best with a progress bar
 * fed by the WebSocket, then streams the first mebibyte back and checks it. See README.md here.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type WebSocket from 'ws';
import { resolveAccounts, DemoAccountError, type Credentials } from './accounts';
import {
  type Account,
  ApiError,
  type Download,
  type Indexer,
  type ProgressEvent,
  type Release,
  type Search,
  SokoulApi,
  type UpdatedEvent,
} from './api';
import { progressView } from './progress';
import { SAMPLE_QUERY, type Sample, startSample } from './sample';
import { bold, dim, fail, green, heading, line, ok, red, yellow } from './terminal';

const ROOT = join(__dirname, '../..');
const MiB = 1024 * 1024;
const STREAM_BYTES = MiB;
const SEARCH_TIMEOUT_MS = 60_000;
/** A download nobody picks up in this long: the hunter is not running, or not reading its queue. */
const QUEUED_TIMEOUT_MS = 45_000;
/** No new byte in this long while downloading: the hunter cannot reach the swarm. */
const STALL_TIMEOUT_MS = 60_000;

const USAGE = `Usage: npm run demo [-- options]

Runs Sokoul from search to stream against a running platform (start it with \`npm run up\`).

  --gateway <url>           the gateway (default http://127.0.0.1:3000)
  --user <name>             search and download as this existing account
  --password <password>       (otherwise the demo registers a new demo-<random> user)
  --admin-user <name>       an admin, to register the sample indexer when the user is not one
  --admin-password <password>
  --size <MiB>              the sample film's size (default 96; the hunter takes a video below
                            HUNTER_SAMPLE_MAX_BYTES, 70 MiB by default, for a sample and refuses it)
  --rate <MiB/s>            the seeder's upload limit, so the progress is visible (default 5; 0: none)
  -h, --help
`;

interface Options {
  gateway: string;
  user?: Credentials;
  admin?: Credentials;
  sizeBytes: number;
  uploadLimit: number;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      gateway: { type: 'string', default: 'http://127.0.0.1:3000' },
      user: { type: 'string' },
      password: { type: 'string' },
      'admin-user': { type: 'string' },
      'admin-password': { type: 'string' },
      size: { type: 'string', default: '96' },
      rate: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const pair = (name: string | undefined, password: string | undefined, flags: string): Credentials | undefined => {
    if (name === undefined && password === undefined) return undefined;
    if (!name || !password) throw new UsageError(`${flags} go together`);
    return { username: name, password };
  };
  const size = Number(values.size);
  const rate = Number(values.rate);
  if (!Number.isFinite(size) || size < 1 || size > 4096) throw new UsageError('--size is a number of MiB between 1 and 4096');
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError('--rate is a number of MiB/s, 0 for no limit');
  let gateway: URL;
  try {
    gateway = new URL(values.gateway);
  } catch {
    throw new UsageError(`--gateway ${values.gateway} is not a URL`);
  }
  return {
    gateway: gateway.origin,
    user: pair(values.user, values.password, '--user and --password'),
    admin: pair(values['admin-user'], values['admin-password'], '--admin-user and --admin-password'),
    sizeBytes: Math.round(size * MiB),
    uploadLimit: rate === 0 ? -1 : Math.round(rate * MiB),
  };
}

/** What to undo on the way out, last first; run once, on success, failure or Ctrl-C. */
class Cleanup {
  private readonly steps: Array<() => Promise<void>> = [];
  private running: Promise<void> | null = null;

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) await step().catch(() => undefined);
    })();
    return this.running;
  }
}

async function main(options: Options, cleanup: Cleanup): Promise<void> {
  const started = Date.now();
  const api = new SokoulApi(options.gateway);
  const runId = Math.random().toString(16).slice(2, 8);

  heading('1/7', `Checking the platform at ${options.gateway}`);
  const notReady = await api.notReady();
  if (notReady) {
    throw new DemoFailure(`The platform is not ready: ${notReady}.\n  Start it with \`npm run up\` in another terminal, wait for "Sokoul: gateway http://127.0.0.1:3000", then run \`npm run demo\` again.`);
  }
  ok('gateway ready (database, Redis, NATS)');

  heading('2/7', 'Accounts');
  const { user, admin, notes } = await resolveAccounts(api, { user: options.user, admin: options.admin, adminFile: join(ROOT, '.stack/demo-admin.json') });
  for (const note of notes) ok(note);

  heading('3/7', 'A sample indexer and a seeding swarm, on 127.0.0.1');
  const sample = await startSample({ sizeBytes: options.sizeBytes, uploadLimit: options.uploadLimit, runId });
  cleanup.add(() => sample.close());
  ok(`swarm: tracker ${sample.swarm.trackerUrl}, 1 seeder at ${sample.swarm.seeders().join(', ')}${options.uploadLimit > 0 ? ` uploading at most ${(options.uploadLimit / MiB).toFixed(1)} MiB/s` : ''}`);
  ok(`seeding ${sample.fileName} (${(sample.sizeBytes / MiB).toFixed(0)} MiB of random bytes standing in for the film)`);
  ok(`Torznab indexer ${sample.indexer.url} listing ${sample.indexer.releases.length} releases`);
  const indexer = await registerIndexer(api, admin, sample);
  cleanup.add(() => api.removeIndexer(admin, indexer.id));

  heading('4/7', `Searching "${SAMPLE_QUERY}" as ${user.username}`);
  const search = await runSearch(api, user, SAMPLE_QUERY);
  const releases = await api.releases(user, search.id);
  showReleases(releases, sample);

  heading('5/7', 'Downloading the best release over BitTorrent');
  const chosen = chooseRelease(releases, sample);
  const download = await downloadWithProgress(api, user, chosen, cleanup);

  heading('6/7', 'In the library');
  const file = await hashedLibraryFile(api, user, download);
  ok(`${file.path} (${(file.sizeBytes / MiB).toFixed(0)} MiB, ${file.importMethod === 'hardlink' ? 'hard-linked' : 'copied'} from the download)`);
  const seeded = sample.swarm.files[0].sha256;
  if (file.sha256 !== seeded) throw new DemoFailure(`the library file's SHA-256 ${file.sha256} is not the seeded file's ${seeded}`);
  ok(`SHA-256 of the whole file, recorded by the hunter right after filing it, matches the seeded file's ${dim(seeded.slice(0, 16))}…`);

  heading('7/7', 'Streaming the first bytes…');
  await streamFirstBytes(api, user, file.streamUrl, sample);

  line();
  line(`${green('Done')} in ${((Date.now() - started) / 1000).toFixed(0)} s: search → ranked releases → BitTorrent → library → stream.`);
  line(dim(`The download stays in ${user.username}'s library (${file.path}); the sample indexer and swarm are removed now.`));
}

async function registerIndexer(api: SokoulApi, admin: Account, sample: Sample): Promise<Indexer> {
  // Earlier runs that were killed left their indexer behind, pointing at a port nobody serves.
  for (const stale of (await api.listIndexers(admin)).filter((i) => i.name.startsWith('sokoul-demo-'))) {
    if (await answers(stale.url)) continue;
    await api.removeIndexer(admin, stale.id);
    ok(dim(`removed ${stale.name}, left behind by an interrupted run`));
  }
  const created = await api.addIndexer(admin, { name: sample.indexer.name, url: sample.indexer.url, apiKey: sample.indexer.apiKey });
  const tested = await api.testIndexer(admin, created.id);
  const modes = Object.entries(tested.capabilities?.searching ?? {})
    .filter(([, mode]) => mode.available)
    .map(([name]) => name);
  ok(`registered as indexer ${bold(created.name)} by ${admin.username}; its test read the capabilities: ${modes.join(', ')}`);
  return created;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

const TMDB_STATUS: Record<string, string> = {
  'not-configured': 'TMDB is not configured',
  'not-found': 'TMDB does not know it',
  unavailable: 'TMDB did not answer',
};

async function runSearch(api: SokoulApi, user: Account, query: string): Promise<Search> {
  const queued = await api.startSearch(user, query);
  ok(`search ${dim(queued.id)} ${queued.status}`);
  const deadline = Date.now() + SEARCH_TIMEOUT_MS;
  let search = queued;
  while (search.status === 'queued' || search.status === 'running') {
    if (Date.now() > deadline) throw new DemoFailure(`the search is still ${search.status} after ${SEARCH_TIMEOUT_MS / 1000} s: is the scout running? (npm run up starts it)`);
    await sleep(300);
    search = await api.getSearch(user, queued.id);
  }
  if (search.status === 'failed') throw new DemoFailure(`the search failed: ${search.error ?? 'no reason given'}`);
  const film = search.media ? `${search.media.title}${search.media.year ? ` (${search.media.year})` : ''}` : null;
  const identified =
    search.metadataStatus === 'identified' && film
      ? `identified on TMDB as ${film}`
      : `${film ? `read as ${film} from its text` : 'searched on its text'} (${TMDB_STATUS[search.metadataStatus ?? 'not-configured'] ?? 'TMDB not used'})`;
  ok(`completed: ${search.releaseCount} releases, ${identified}`);
  for (const report of search.indexers ?? []) {
    const mark = report.outcome === 'ok' ? green('✓') : yellow('!');
    line(`    ${mark} ${report.name}: ${report.outcome}, ${report.releases} releases in ${report.durationMs} ms${report.detail ? ` (${report.detail})` : ''}`);
  }
  return search;
}

function showReleases(releases: Release[], sample: Sample): void {
  line(dim('    #  ok  quality        score  seeders      size  title'));
  releases.forEach((release, i) => {
    const mark = release.accepted ? green('✓') : red('✗');
    const size = `${(release.sizeBytes / MiB / 1024 >= 1 ? `${(release.sizeBytes / MiB / 1024).toFixed(1)} GiB` : `${(release.sizeBytes / MiB).toFixed(0)} MiB`)}`;
    const ours = release.infoHash === sample.infoHash ? dim('  ← seeded by the demo swarm') : '';
    line(`   ${String(i + 1).padStart(2)}  ${mark}   ${release.quality.padEnd(13)} ${String(release.score).padStart(6)}  ${String(release.seeders ?? '?').padStart(7)}  ${size.padStart(8)}  ${release.title}${ours}`);
    const why = release.accepted ? release.reasons.map((r) => r.detail) : release.rejections.map((r) => r.detail);
    if (why.length) line(dim(`                ${release.accepted ? 'scored for' : 'refused:'} ${why.slice(0, 3).join('; ')}`));
  });
}

/** The best-ranked release; the demo's own when the profile of this installation prefers one nobody seeds. */
function chooseRelease(releases: Release[], sample: Sample): Release {
  const ours = releases.find((r) => r.infoHash === sample.infoHash);
  if (!ours) {
    throw new DemoFailure(
      `the search did not return the seeded release (info-hash ${sample.infoHash}). With TMDB configured, check the scout identified "${SAMPLE_QUERY}" as the 1968 film.`,
    );
  }
  const best = releases[0];
  if (best.id !== ours.id) {
    line(yellow(`  ! this installation's quality profile ranks "${best.title}" first; nobody seeds it, so the demo takes its own release instead`));
  }
  ok(`${bold(ours.title)} (${ours.quality}, score ${ours.score})`);
  return ours;
}

async function downloadWithProgress(api: SokoulApi, user: Account, release: Release, cleanup: Cleanup): Promise<Download> {
  const state = {
    downloadId: null as string | null,
    progress: null as ProgressEvent | null,
    fresh: false,
    lastEventAt: 0,
    events: 0,
    update: null as UpdatedEvent | null,
    statuses: [] as string[],
  };
  // Events of other downloads arrive too (an admin sees everyone's): keep this one's.
  const socket: WebSocket = await api.openEvents(user, (type, data) => {
    const event = data as { downloadId?: string };
    if (!state.downloadId || event.downloadId !== state.downloadId) return;
    if (type === 'download.progress') {
      state.progress = data as ProgressEvent;
      state.fresh = true;
      state.lastEventAt = Date.now();
      state.events++;
    } else if (type === 'download.updated') {
      state.update = data as UpdatedEvent;
      state.statuses.push(state.update.status);
    }
  });
  cleanup.add(async () => socket.close());
  ok(`listening on ${api.gateway.replace(/^http/, 'ws')}/ws for download.progress and download.updated`);

  let download = await api.requestDownload(user, release.id);
  state.downloadId = download.id;
  ok(`download ${dim(download.id)} ${download.status}`);
  let finished = false;
  cleanup.add(async () => {
    if (!finished) await api.cancelDownload(user, download.id);
  });

  const view = progressView();
  const requestedAt = Date.now();
  let lastBytes = -1;
  let lastByteAt = Date.now();
  let lastPoll = Date.now();
  let firstByteAt = 0;
  try {
    for (;;) {
      await sleep(200);
      if (Date.now() - lastPoll > 2_000) {
        // The row is the truth: an event missed (or a hunter too quick to send one) shows here.
        lastPoll = Date.now();
        download = await api.getDownload(user, download.id);
        if (Date.now() - state.lastEventAt > 3_000 && download.status === 'downloading') view.update(download);
      }
      if (state.fresh && state.progress) {
        state.fresh = false;
        view.update(state.progress);
      }
      const status = state.update?.status ?? download.status;
      if (status === 'completed' || download.status === 'completed') break;
      if (status === 'failed' || status === 'cancelled') {
        view.done();
        const reason = state.update?.reason ?? download.error ?? 'no reason given';
        const code = state.update?.failureCode ?? download.failureCode;
        const hint = code === 'sample-only' ? ` (the hunter takes a video below HUNTER_SAMPLE_MAX_BYTES, 70 MiB by default, for a sample: use a larger --size)` : '';
        throw new DemoFailure(`the download ${status}${code ? ` (${code})` : ''}: ${reason}${hint}`);
      }
      const bytes = state.progress?.downloadedBytes ?? download.downloadedBytes;
      if (bytes !== lastBytes) {
        if (bytes > 0 && firstByteAt === 0) firstByteAt = Date.now();
        lastBytes = bytes;
        lastByteAt = Date.now();
      }
      if (status === 'queued' && bytes <= 0 && Date.now() - requestedAt > QUEUED_TIMEOUT_MS) {
        throw new DemoFailure(`the download is still queued after ${QUEUED_TIMEOUT_MS / 1000} s${download.error ? ` (${download.error})` : ''}: is the hunter running? (npm run up starts it)`);
      }
      if (Date.now() - lastByteAt > STALL_TIMEOUT_MS) {
        throw new DemoFailure(`no progress for ${STALL_TIMEOUT_MS / 1000} s at ${lastBytes} bytes: the hunter cannot reach the swarm's seeder on 127.0.0.1 (is it on this machine?)`);
      }
    }
  } catch (error) {
    view.done();
    throw error;
  }
  finished = true;
  // The last event is often a little short of the end: draw the bar full, at the average speed.
  const total = download.totalBytes ?? state.progress?.totalBytes ?? release.sizeBytes;
  const seconds = Math.max(0.001, (Date.now() - (firstByteAt || requestedAt)) / 1000);
  view.update({ downloadedBytes: total, totalBytes: total, progress: 1, downloadSpeed: Math.round(total / seconds), peers: state.progress?.peers ?? 0, etaSeconds: 0 });
  view.done();
  ok(`completed: ${state.events} progress event${state.events === 1 ? '' : 's'} arrived over the WebSocket; statuses ${[...new Set(state.statuses)].join(' → ') || 'seen by polling only'}`);

  // Completed means filed: the library files come with the download; wait briefly for the row if needed.
  const deadline = Date.now() + 10_000;
  download = await api.getDownload(user, download.id);
  while (download.libraryFiles.length === 0 && Date.now() < deadline) {
    await sleep(500);
    download = await api.getDownload(user, download.id);
  }
  return download;
}

async function streamFirstBytes(api: SokoulApi, user: Account, streamUrl: string, sample: Sample): Promise<void> {
  const range = `bytes=0-${STREAM_BYTES - 1}`;
  line(dim(`    GET ${streamUrl}  Range: ${range}`));
  const response = await api.stream(user, streamUrl, range);
  const body = Buffer.from(await response.arrayBuffer());
  const contentRange = response.headers.get('content-range');
  if (response.status !== 206) throw new DemoFailure(`expected 206 Partial Content, got ${response.status}`);
  ok(`${response.status} Partial Content, ${response.headers.get('content-type') ?? 'no content type'}, Content-Range: ${contentRange}`);
  if (body.length !== STREAM_BYTES) throw new DemoFailure(`received ${body.length} bytes, expected ${STREAM_BYTES}`);
  const received = createHash('sha256').update(body).digest('hex');
  const expected = sample.sha256OfFirst(STREAM_BYTES);
  if (received !== expected) throw new DemoFailure(`the streamed bytes' SHA-256 ${received} is not the seeded file's ${expected}`);
  ok(`${body.length} bytes; their SHA-256 ${dim(received.slice(0, 16))}… matches the seeded file's first ${STREAM_BYTES / MiB} MiB`);
}

class DemoFailure extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function explain(error: unknown): string {
  if (error instanceof ApiError || error instanceof DemoFailure || error instanceof DemoAccountError || error instanceof UsageError) return error.message;
  return (error as Error).stack ?? String(error);
}

async function cli(): Promise<void> {
  let options: Options | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    fail((error as Error).message);
    process.stderr.write(USAGE);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const cleanup = new Cleanup();
  // Ctrl-C reaches npm, tsx and this process at once, and tsx passes its copy on: a second
  // SIGINT within a second is that echo. One after that means "now": leave without cleaning up.
  let interruptedAt = 0;
  process.on('SIGINT', () => {
    if (interruptedAt && Date.now() - interruptedAt > 1_000) process.exit(130);
    if (interruptedAt) return;
    interruptedAt = Date.now();
    line();
    fail('interrupted: cancelling the download, removing the sample indexer, stopping the swarm… (Ctrl-C again to leave at once)');
    void cleanup.run().then(() => process.exit(130));
  });
  try {
    await main(options, cleanup);
    await cleanup.run();
    process.exit(0);
  } catch (error) {
    line();
    fail(explain(error));
    await cleanup.run();
    process.exit(1);
  }
}

void cli();

/** The library file once the hunter has recorded its hash (a moment after the download completes). */
async function hashedLibraryFile(api: SokoulApi, user: Account, completed: Download): Promise<Download['libraryFiles'][number]> {
  let download = completed;
  for (let attempt = 0; attempt < 100; attempt++) {
    const file = download.libraryFiles[0];
    if (!file) throw new DemoFailure(`download ${download.id} completed but lists no library file`);
    if (file.sha256) return file;
    await new Promise((resolve) => setTimeout(resolve, 200));
    download = await api.getDownload(user, download.id);
  }
  throw new DemoFailure(`the hunter has not recorded the SHA-256 of download ${download.id}'s file after 20 s`);
}
