/**
 * Contender (b): the bare BitTorrent library in a plain script, run by plain `node` in a process
 * of its own, as the hunter is. webtorrent with the options the hunter's embedded client uses on a
 * private swarm (libs/hunter/download-clients, embedded-client.ts with `publicDiscovery: false`:
 * `LOOPBACK_ONLY` plus trackers, 55 connections, no limits), given the same magnet the hunter gets.
 * It times from `add` to `done` (metadata included, the process start-up not), prints one JSON
 * line with the figures (BareLeecherResult in contenders.ts), and exits. The bench checks the
 * file's SHA-256 afterwards.
 *
 *   node bare-leecher.mjs '{"magnet":"magnet:?…","dir":"/tmp/…"}'
 */
import { performance } from 'node:perf_hooks';
import WebTorrent from 'webtorrent';

const hrtimeUs = () => Number(process.hrtime.bigint() / 1000n);

function fail(error) {
  process.stderr.write(`bare leecher failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
}

const request = JSON.parse(process.argv[2] ?? '{}');
const client = new WebTorrent({
  // LOOPBACK_ONLY (libs/hunter/webtorrent), then the tracker back on, as the hunter does.
  dht: false,
  lsd: false,
  utPex: false,
  natUpnp: false,
  natPmp: false,
  webSeeds: false,
  utp: false,
  tracker: {},
  torrentPort: 0,
  maxConns: 55,
  downloadLimit: -1,
  uploadLimit: -1,
});
client.on('error', fail);
// The hunter's engine is listening long before a download comes: so is this one when timing starts.
if (!client.listening) await new Promise((resolve) => client.once('listening', resolve));

const cpuBefore = process.cpuUsage();
const fromUs = hrtimeUs();
const started = performance.now();
let metadataMs = null;
const torrent = await new Promise((resolve, reject) => {
  const added = client.add(request.magnet, { path: request.dir });
  added.once('error', reject);
  added.once('metadata', () => (metadataMs = performance.now() - started));
  added.once('done', () => resolve(added));
}).catch(fail);
const doneMs = performance.now() - started;
const toUs = hrtimeUs();
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `${JSON.stringify({
    metadataMs,
    doneMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // maxRSS is in KiB.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    length: torrent.length,
    pieceLength: torrent.pieceLength,
    pieces: torrent.pieces.length,
    fromUs,
    toUs,
  })}\n`,
);
await new Promise((resolve) => client.destroy(() => resolve()));
process.exit(0);
