/**
 * The fake Torznab indexers, in a process of their own as Jackett or Prowlarr would be: their
 * XML generation must not run on the event loop being measured. Started by `FakeIndexerProcess`
 * with its options as one JSON argument; prints one JSON line describing the indexers once they
 * listen, then serves until its stdin closes or it gets SIGTERM.
 */
import { type FakeTorznabIndexer, startFakeTorznabIndexer } from '@sokoul/fakes';

export interface FakeIndexerOptions {
  count: number;
  resultsPerIndexer: number;
  delayMs: number;
  /** The work (FAKE_TORZNAB_WORKS id) every generated release is about. */
  work: string;
}

export interface FakeIndexerInfo {
  name: string;
  url: string;
  apiKey: string;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as FakeIndexerOptions;
  const fakes: FakeTorznabIndexer[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= Promise.all(fakes.map((fake) => fake.close())).then(() => process.exit(0));
    return closing;
  };
  process.once('SIGTERM', () => void close());
  process.stdin.on('end', () => void close()).resume();

  for (let i = 1; i <= options.count; i++) {
    // Each its own seed: distinct info-hashes, so nothing merges and every release is kept.
    const name = `bench-${String(i).padStart(2, '0')}`;
    fakes.push(await startFakeTorznabIndexer({ name, generate: { count: options.resultsPerIndexer, seed: name, works: [options.work] }, delayMs: options.delayMs }));
  }
  const info: FakeIndexerInfo[] = fakes.map(({ name, url, apiKey }) => ({ name, url, apiKey }));
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`fake indexers failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
