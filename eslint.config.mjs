import nx from '@nx/eslint-plugin';

const SPEC_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'];

/**
 * Module boundaries are constraints, never `* -> *`: see docs/adr/0002-module-boundaries.md.
 * Specs may also use the `type:testing` helpers; production code never does.
 */
function boundaries({ inSpecs }) {
  const testing = inSpecs ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:contracts', 'type:util', ...testing] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access', 'type:testing'] },
      { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', ...testing] },
      { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', ...testing] },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', ...testing] },
      // A scope's test helpers may build on the shared ones (environment, namespaces).
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', 'type:testing'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
      { sourceTag: 'scope:scout', onlyDependOnLibsWithTags: ['scope:scout', 'scope:shared'] },
      { sourceTag: 'scope:hunter', onlyDependOnLibsWithTags: ['scope:hunter', 'scope:shared'] },
      { sourceTag: 'scope:oracle', onlyDependOnLibsWithTags: ['scope:oracle', 'scope:shared'] },
      { sourceTag: 'scope:sentinel', onlyDependOnLibsWithTags: ['scope:sentinel', 'scope:shared'] },
      // The end-to-end suite drives the whole platform: it may use any scope's test helpers (a local swarm).
      { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:hunter'] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx', '**/coverage', 'tools/stubs'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: SPEC_FILES,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inSpecs: false })] },
  },
  {
    files: SPEC_FILES,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inSpecs: true })] },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // In a spec a wrong non-null assertion fails the test, which is what a test is for.
    files: SPEC_FILES,
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['tools/**/*.js', '**/jest.config.js', '**/webpack.config.js'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
];
