module.exports = {
  displayName: 'load',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.e2e-spec.ts', '<rootDir>/**/*.spec.ts'],
  testTimeout: 300_000,
};
