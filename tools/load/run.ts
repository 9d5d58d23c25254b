/**
 * `npm run load [-- --ws 100|1000|100,1000] [--soak 30m] [--no-write]`: the five services
 * with fakes, N WebSocket clients connected, and mixed API traffic at 50 req/s spiking to 500
 * req/s for 30 s (pre 60 s → spike 30 s → post 60 s); per phase p50/p99, error rate and the
 * gateway's memory, and the recovery time to the pre-spike p99. `--soak` adds a steady run
 * (50 req/s, 100 WS clients) sampling every service's RSS and event-loop lag each minute.
 * Without `--ws`, both 100 and 1,000. Prints the tables; a full run (both WS sizes) writes its
 * section of docs/reliability.md. Exits 1 when a request failed or a WS client was dropped.
 */
import { parseArgs } from 'node:util';
import { runSoak, runSpike, type SoakReport, type SpikeReport } from './load-run';
import { loadSection, soakNote, soakTable, spikeNotes, spikeTable, writeLoadSection } from './report';

const { values } = parseArgs({
  options: {
    ws: { type: 'string', default: '100,1000' },
    soak: { type: 'string' },
    'pre-s': { type: 'string', default: '60' },
    'spike-s': { type: 'string', default: '30' },
    'post-s': { type: 'string', default: '60' },
    base: { type: 'string', default: '50' },
    peak: { type: 'string', default: '500' },
    'no-write': { type: 'boolean', default: false },
    note: { type: 'string', multiple: true, default: [] },
  },
});
const print = (line = '') => process.stdout.write(`${line}\n`);

/** `30m`, `90s`, `1h` → minutes. */
function minutes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--soak: expected a duration like 30m, 300s or 1h, got "${text}"`);
  const value = Number(match[1]);
  return match[2] === 's' ? value / 60 : match[2] === 'h' ? value * 60 : value;
}

async function main(): Promise<void> {
  const sizes = (values.ws ?? '').split(',').filter(Boolean).map(Number);
  const base = Number(values.base);
  const peak = Number(values.peak);
  const spikes: SpikeReport[] = [];
  for (const wsClients of sizes) {
    print(`▶ spike with ${wsClients} WebSocket clients`);
    spikes.push(
      await runSpike({
        wsClients,
        phases: [
          { name: 'pre', seconds: Number(values['pre-s']), rate: base },
          { name: 'spike', seconds: Number(values['spike-s']), rate: peak },
          { name: 'post', seconds: Number(values['post-s']), rate: base },
        ],
        log: print,
      }),
    );
  }
  let soak: SoakReport | undefined;
  if (values.soak) {
    const length = minutes(values.soak);
    print(`▶ soak for ${length} min at ${base} req/s`);
    soak = await runSoak({ minutes: length, rate: base, wsClients: 100, sampleEveryS: length < 5 ? 30 : 60, log: print });
  }
  print();
  if (spikes.length > 0) {
    print(spikeTable(spikes));
    print();
    for (const note of spikeNotes(spikes)) print(`- ${note}`);
  }
  if (soak) {
    print();
    print(soakTable(soak));
    print(`- ${soakNote(soak)}`);
  }
  const full = sizes.includes(100) && sizes.includes(1000) && Number(values['spike-s']) >= 30 && peak >= 500;
  if (full && !values['no-write']) {
    writeLoadSection(loadSection(spikes, soak, new Date().toISOString().slice(0, 10), values.note ?? []));
    print('\nwritten to docs/reliability.md (load section)');
  }
  const failed = spikes.some((s) => s.phases.some((p) => p.errors > 0) || s.ws.openAtEnd < s.wsClients) || (soak !== undefined && (soak.errors > 0 || soak.wsOpenAtEnd < soak.wsClients));
  process.exit(failed ? 1 : 0);
}

void main().catch((error: unknown) => {
  print(`FAILED: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
