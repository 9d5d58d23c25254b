// Prints the closing line of `npm test`: the sum of every jest run recorded by summary-reporter.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '../../tmp/test-results');
const total = { passed: 0, failed: 0, skipped: 0 };
if (existsSync(dir)) {
  for (const file of readdirSync(dir)) {
    const counts = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const key of Object.keys(total)) total[key] += counts[key];
  }
}
process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
