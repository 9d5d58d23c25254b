import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  /** µs on the monotonic clock, the one `process.hrtime` reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The part of the profile to summarize, in µs of `process.hrtime.bigint()`: the measured load, not the start-up. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export interface ProfileEntry {
  name: string;
  ms: number;
  /** Share of the busy time (all samples but idle). */
  share: number;
}

export interface ProfileSummary {
  /** Sampled time, idle included. */
  totalMs: number;
  busyMs: number;
  /** Where the CPU was: self time by layer. */
  byLayer: ProfileEntry[];
  /**
   * Who asked for it: Node core and native frames (a socket write, a hash, JSON) are charged to
   * the innermost package or Sokoul frame that called them, so a `writev` under pg counts as
   * Postgres and one under Express as the adapter.
   */
  byOwner: ProfileEntry[];
  /** Self time of single functions, with where they are and their layer. */
  topFunctions: Array<ProfileEntry & { where: string; layer: string }>;
}

/**
 * Which part of the request path a package belongs to. Express 5's own dependencies count as
 * the adapter; anything not listed is shown under its package name.
 */
const PACKAGE_LAYERS: Array<[RegExp, string]> = [
  [
    /^(express|router|body-parser|finalhandler|send|serve-static|etag|fresh|content-type|content-disposition|cookie|cookie-signature|accepts|negotiator|mime-types|mime-db|type-is|media-typer|on-finished|parseurl|path-to-regexp|qs|range-parser|proxy-addr|forwarded|ipaddr\.js|statuses|depd|encodeurl|escape-html|merge-descriptors|http-errors|raw-body|iconv-lite|setprototypeof|toidentifier|is-promise|once|wrappy|debug|ms|side-channel.*|object-inspect|call-bound|call-bind.*|get-intrinsic|es-.*|has-symbols|gopd|dunder-proto|math-intrinsics|hasown|function-bind|get-proto)$/,
    'Express (adapter)',
  ],
  [/^(@nestjs\/core|@nestjs\/common|@nestjs\/platform-express|rxjs|reflect-metadata|tslib|iterare|uid|fast-safe-stringify|load-esm)$/, 'Nest core'],
  [/^(helmet|cors|vary|object-assign)$/, 'helmet + CORS'],
  [/^jose$/, 'JWT (jose)'],
  [/^(ioredis|redis-parser|redis-errors|denque|cluster-key-slot|standard-as-callback|lodash\..*)$/, 'Redis (ioredis)'],
  [/^(typeorm|pg|pg-.*|postgres-.*|pgpass|split2|dayjs|sha\.js|app-root-path)$/, 'Postgres (TypeORM + pg)'],
  [/^(pino|pino-.*|sonic-boom|thread-stream|fast-redact|@pinojs\/.*|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify)$/, 'logging (pino)'],
  [/^(prom-client|tdigest|bintrees|@willsoto\/.*)$/, 'metrics (prom-client)'],
  [/^zod$/, 'validation (zod)'],
  [/^(nats|nkeys\.js|@nestjs\/microservices)$/, 'NATS'],
];

function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const parts = path.slice(at + '/node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function nodeCoreLayer(url: string): string {
  const module = url.slice('node:'.length);
  if (/crypto/.test(module)) return 'Node core: crypto';
  if (/async_hooks|async_local_storage/.test(module)) return 'Node core: async_hooks';
  if (/http|net|stream|socket|tcp|dns|buffer|events|url|querystring|timers|process\/task_queues/.test(module)) return 'Node core: HTTP, net, streams, events';
  return 'Node core: other';
}

/** Locates frames of the gateway's webpack bundle in the TypeScript sources, through its source map. */
class BundleSources {
  private constructor(
    private readonly bundleUrl: string,
    private readonly map: SourceMap | undefined,
    private readonly root: string,
    private readonly context: string,
  ) {}

  /** `context`: the directory webpack resolved the bundle's sources from (the app's project root). */
  static async load(bundlePath: string, context: string, root: string): Promise<BundleSources> {
    const map = await readFile(`${bundlePath}.map`, 'utf8').then(
      (text) => new SourceMap(JSON.parse(text)),
      () => undefined,
    );
    return new BundleSources(`file://${bundlePath}`, map, root, context);
  }

  /** `libs/gateway/access/src/lib/access.guard.ts:42`, or undefined if the frame is not in the bundle. */
  locate(url: string, line: number, column: number): string | undefined {
    if (url !== this.bundleUrl && url !== fileURLToPath(this.bundleUrl)) return undefined;
    const entry = this.map?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (!entry?.originalSource) return `${relative(this.root, fileURLToPath(this.bundleUrl))}:${line + 1}`;
    const source = entry.originalSource.replace(/^webpack:\/\/\//, '');
    // `webpack/bootstrap` and `external commonjs "x"` are webpack's own glue.
    const path = /^\.{1,2}\//.test(source) ? relative(this.root, resolve(this.context, source)) : `webpack ${source}`;
    return `${path}:${(entry.originalLine ?? 0) + 1}`;
  }
}

/** `libs/gateway/access/src/lib/x.ts:3` → 'Sokoul libs/gateway/access'. */
function sokoulLayer(where: string): string {
  if (where.startsWith('webpack ')) return 'Sokoul bundle: webpack runtime';
  const match = /^(libs\/(?:gateway\/|scout\/|sentinel\/)?[^/]+|apps\/[^/]+)/.exec(where);
  return `Sokoul ${match ? match[1] : where.split(':')[0]}`;
}

/** Layers that do the work of some caller rather than their own. */
const NOT_AN_OWNER = /^(Node core|V8 builtins|other$)/;

function classify(frame: CpuProfile['nodes'][number]['callFrame'], bundle: BundleSources, root: string): { layer: string; where: string } {
  const { functionName, url, lineNumber, columnNumber } = frame;
  if (!url) {
    if (functionName === '(idle)') return { layer: 'idle', where: '' };
    if (functionName === '(garbage collector)') return { layer: 'GC', where: '' };
    if (functionName === '(program)') return { layer: 'V8 (program: compiler, runtime)', where: '' };
    return { layer: 'V8 builtins and native code', where: '' };
  }
  if (url.startsWith('node:')) return { layer: nodeCoreLayer(url), where: url };
  const inBundle = bundle.locate(url, lineNumber, columnNumber);
  if (inBundle) return { layer: sokoulLayer(inBundle), where: inBundle };
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const where = `${relative(root, path).replace(/^node_modules\//, '')}:${lineNumber + 1}`;
  const pkg = packageOf(path);
  if (!pkg) return { layer: 'other', where };
  const layer = PACKAGE_LAYERS.find(([pattern]) => pattern.test(pkg))?.[1] ?? `package ${pkg}`;
  return { layer, where };
}

/**
 * Self time of a CPU profile, grouped by layer of the request path (adapter, Nest, JWT, Redis,
 * Postgres, logging, metrics, our libs, Node core, GC) and by function. Self time is where the
 * CPU actually was, so it is additive: the layers sum to the busy time.
 */
export async function summarizeProfile(
  profilePath: string,
  window: ProfileWindow,
  bundlePath: string,
  root: string,
  top = 15,
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(profilePath, 'utf8')) as CpuProfile;
  // Nx builds each app from its project directory: dist/apps/<app>/main.js comes from apps/<app>.
  // A bundle outside dist is a copy of the gateway's (`--gateway-main`).
  const fromDist = relative(join(root, 'dist'), dirname(bundlePath));
  const bundle = await BundleSources.load(bundlePath, join(root, fromDist.startsWith('..') ? 'apps/gateway' : fromDist), root);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time from sample i-1 to sample i: the time spent where sample i-1 was.
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length - 1; i++) {
    at += profile.timeDeltas[i];
    if (at < window.fromUs || at > window.toUs) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i + 1]));
  }
  const classified = new Map(profile.nodes.map((node) => [node.id, classify(node.callFrame, bundle, root)]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const owners = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owners.get(id);
    if (known) return known;
    const own = (classified.get(id) as { layer: string }).layer;
    const parent = parents.get(id);
    let owner = own;
    if (NOT_AN_OWNER.test(own)) owner = parent === undefined ? 'no package on the stack (event loop, Node core, V8)' : ownerOf(parent);
    owners.set(id, owner);
    return owner;
  };

  const layers = new Map<string, number>();
  const owned = new Map<string, number>();
  const functions = new Map<string, { ms: number; where: string; layer: string; name: string }>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = (nodes.get(id) as CpuProfile['nodes'][number]).callFrame;
    const { layer, where } = classified.get(id) as { layer: string; where: string };
    totalUs += us;
    layers.set(layer, (layers.get(layer) ?? 0) + us);
    const owner = ownerOf(id);
    owned.set(owner, (owned.get(owner) ?? 0) + us);
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { ms: 0, where, layer, name };
    entry.ms += us / 1000;
    functions.set(key, entry);
  }
  const idleUs = layers.get('idle') ?? 0;
  const busyMs = (totalUs - idleUs) / 1000;
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  const entries = (map: Map<string, number>) =>
    [...map]
      .filter(([layer]) => layer !== 'idle')
      .map(([name, us]) => ({ name, ms: us / 1000, share: share(us / 1000) }))
      .sort((a, b) => b.ms - a.ms);
  return {
    totalMs: totalUs / 1000,
    busyMs,
    byLayer: entries(layers),
    byOwner: entries(owned),
    topFunctions: [...functions.values()]
      .filter((f) => f.layer !== 'idle')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, share: share(f.ms) })),
  };
}
