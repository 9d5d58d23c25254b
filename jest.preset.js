// One jest setup for every project: SWC transpiles (with decorator metadata, which Nest's
// DI needs), Nx's resolver maps the @sokoul/* path aliases to sources.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  resolver: '@nx/jest/plugins/resolver',
  setupFiles: [join(__dirname, 'tools/jest/setup.js')],
  reporters: ['default', join(__dirname, 'tools/jest/summary-reporter.js')],
  coverageReporters: ['text-summary', 'lcov'],
};
