/**
 * `startLocalSwarm` loads webtorrent and bittorrent-tracker (both ESM only) with `require`,
 * relying on Node's `require(esm)`. Under tsx that fails: tsx's `require` hook compiles the ESM
 * files it is handed into CommonJS, so webtorrent's `import 'bittorrent-protocol'` becomes a
 * `require` of a package whose `exports` has only an `import` condition
 * (ERR_PACKAGE_PATH_NOT_EXPORTED). The hunter's bundle and Jest do not go through tsx.
 *
 * So tools run with tsx (the demo, the download bench) call this first: it imports the two
 * entry points with Node's own `import()` and puts them in `require`'s cache, where the swarm's
 * `require` finds them already loaded.
 */
import Module from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Node's `import()`, written so that neither TypeScript nor tsx turns it into a `require`. */
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function preload(path: string): Promise<void> {
  if (require.cache[path]) return;
  const namespace = await nativeImport(pathToFileURL(path).href);
  const entry = new Module(path);
  entry.filename = path;
  entry.exports = namespace;
  entry.loaded = true;
  require.cache[path] = entry;
}

/** Loads webtorrent and bittorrent-tracker's server where `startLocalSwarm` will `require` them. */
export async function preloadBitTorrent(): Promise<void> {
  const webtorrent = require.resolve('webtorrent');
  await preload(webtorrent);
  for (let dir = dirname(webtorrent); dir !== dirname(dir); dir = dirname(dir)) {
    const tracker = join(dir, 'bittorrent-tracker', 'server.js');
    if (existsSync(tracker)) return preload(tracker);
  }
  throw new Error('bittorrent-tracker is not installed');
}
