/**
 * Run on the files a commit stages (husky's pre-commit). ESLint fixes what it can (formatting
 * rules included) and fails on the rest; secretlint refuses credentials in any staged file.
 */
export default {
  '*.{ts,js,mjs,cjs}': ['eslint --fix --no-warn-ignored'],
  '*': ['secretlint --secretlintignore .gitignore'],
};
