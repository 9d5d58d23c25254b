/**
 * `npm run chaos [-- --scale full|ci] [--only name,name] [--no-write]`: runs the fault
 * scenarios one after the other (they share the machine's two cores: never in parallel),
 * prints the table, and at full scale writes it to docs/reliability.md. Exits 1 when any
 * scenario lost or duplicated anything, or failed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reliabilityDocument, reliabilityTable } from './report';
import type { Scale, ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'full' }, only: { type: 'string' }, 'no-write': { type: 'boolean', default: false } } });
const scale = values.scale as Scale;
const only = values.only?.split(',').map((s) => s.trim());
const print = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const results: ScenarioResult[] = [];
  let failed = false;
  for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
    print(`▶ ${scenario.name} (${scale})`);
    const started = Date.now();
    try {
      const result = await scenario.run(scale);
      results.push(result);
      failed ||= result.lost > 0 || result.duplicated > 0;
      print(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s: lost ${result.lost}, duplicated ${result.duplicated}`);
    } catch (error) {
      failed = true;
      print(`  FAILED: ${(error as Error).stack ?? String(error)}`);
    }
  }
  print();
  print(reliabilityTable(results));
  if (scale === 'full' && !values['no-write'] && !only) {
    writeFileSync(join(__dirname, '../../docs/reliability.md'), reliabilityDocument(results, new Date().toISOString().slice(0, 10)));
    print('\nwritten to docs/reliability.md');
  }
  process.exit(failed ? 1 : 0);
}

void main();
