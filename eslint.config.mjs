// ESLint for `npm run lint`: typed rules that catch real bugs (promises, needless assertions, `any` leaking
// into product code), the layering rules (.ci/lint/layers.js) and the size limits. Style is Prettier's job.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './.ci/lint/layers.js';

// import.meta.dirname would need Node 20.11; engines admits 20.9.
const ROOT = dirname(fileURLToPath(import.meta.url));
/** node:test's test(), describe() and it() return promises the runner itself awaits. */
const NODE_TEST = { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] };
/** What the Function App and the command line ship: the 300-line limit holds there. */
const PRODUCT = ['index.ts', 'functions/**', 'shared/**', 'local/**', 'bin/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.bicep/**', '.exsync/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [NODE_TEST] }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      // tsc's noUnusedLocals reports unused names already.
      '@typescript-eslint/no-unused-vars': 'off',
      // Off, with reasons: hundreds of hits that are not bugs (numbers and unions in log text)…
      '@typescript-eslint/restrict-template-expressions': 'off',
      // …and an async function without await is how a port with a synchronous fake keeps its signature.
      '@typescript-eslint/require-await': 'off',
      // A `let` assigned once, later than a closure that reads it, cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Header and text guards match control characters on purpose.
      'no-control-regex': 'off',
      // Prettier breaks long member chains before `[`, which this rule misreads (eslint-config-prettier agrees).
      'no-unexpected-multiline': 'off',
    },
  },
  {
    // Tests read JSON and simulator bodies as `any` on purpose: the assertions are the type check there. The
    // bug rules (promises, type imports, layers) hold in tests too; the acceptance and fault suites are frozen
    // as they are, so the rules below that only ask for tidier code stay off here.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      'no-regex-spaces': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { exsync: layers.plugin },
    rules: { 'exsync/layers': 'error' },
  },
  { files: PRODUCT, rules: { 'max-lines': ['error', { max: 300 }] } },
  {
    // A function counts with the functions nested in it; blank and comment lines count too.
    files: ['shared/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, IIFEs: true }] },
  },
);
