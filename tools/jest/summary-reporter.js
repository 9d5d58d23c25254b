// Records each jest run's counts so `npm test` can print one closing line for the whole suite.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = join(__dirname, '../..');
    this.name = globalConfig.rootDir.replace(this.rootDir, '').replace(/[^a-z0-9]+/gi, '_') || 'root';
  }

  onRunComplete(_contexts, results) {
    const dir = join(this.rootDir, 'tmp/test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${this.name}.json`),
      JSON.stringify({ passed: results.numPassedTests, failed: results.numFailedTests, skipped: results.numPendingTests }),
    );
  }
}

module.exports = SummaryReporter;
