/**
 * Conventional commits (`feat(scout): …`, `fix(hunter): …`): `nx release` derives each
 * project's next version from them (docs/RELEASING.md). The scope names the project or area.
 */
export default {
  extends: ['@commitlint/config-conventional'],
  rules: {
    // Subjects here are sentences that say what changed for whom; allow their capitals and length.
    'subject-case': [0],
    'header-max-length': [2, 'always', 200],
    'body-max-line-length': [0],
  },
};
