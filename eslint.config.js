// ESLint flat config: the house rules a reviewer should not have to repeat (see
// packages/server/src/README.md and modules/README.md). typescript-eslint's `recommended` set, not the
// type-checked one: the type-aware rules need the whole program per run, and `npm run typecheck`
// already runs the compiler. packages/server/test/lint-rules.test.ts lints planted violations
// through this file, so a rule that stops applying (a moved folder, a wrong glob) fails a test.
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const SRC = 'packages/*/src'

/** `node:process`'s `env` is `process.env` by another name; `config.ts` is the only reader of either. */
const processEnvImports = ['process', 'node:process'].map((name) => ({
  name,
  importNames: ['env'],
  message: 'Only src/config.ts reads the environment: add a setting there and take it from Config.',
}))
const processEnvUse = {
  'no-restricted-properties': [
    'error',
    {
      object: 'process',
      property: 'env',
      message: 'Only src/config.ts reads the environment: add a setting there and take it from Config.',
    },
  ],
}

/**
 * `no-restricted-imports` for one group of src files: the env imports above plus `patterns` (regexes
 * on the import specifier). A later config object replaces an earlier one's options for the same
 * rule, so each group of files below states its whole list. The core rule sees static imports and
 * `export … from`; `no-restricted-syntax` repeats the patterns for dynamic `import('…')`.
 */
function restrictImports(patterns) {
  return {
    'no-restricted-imports': ['error', { paths: processEnvImports, patterns }],
    'no-restricted-syntax': [
      'error',
      ...patterns.map(({ regex, message }) => ({
        // esquery's regex literal cannot hold a `/`; \x2F is the same character to RegExp.
        selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`,
        message,
      })),
    ],
  }
}

/** Another module's file other than its door, named from inside src/modules/<m>/ (`../<other>/x.ts`). */
const doorPatterns = [
  {
    regex: String.raw`^(\.\./|\.\./\.\./modules/)(?!\.\.)[^/]+/(?!index\.ts$).+`,
    message: "Import another module through its door, '../<module>/index.ts' (modules/README.md).",
  },
]
/** Folders and files of src above platform, named from src/platform/**. */
const abovePlatformPatterns = [
  {
    regex: String.raw`^(\.\./)+(modules(/|$)|main(/|$)|(services|config|app|worker|housekeeping)\.ts$)`,
    message:
      'platform/ depends on nothing above it: declare the narrow port you need and let the caller pass it (platform/README.md).',
  },
]
/** A module's inside, named from the rest of src (app, services, worker, main): only `index.ts`. */
const outsideDoorPatterns = [
  {
    regex: String.raw`(^|/)modules/[^/]+/(?!index\.ts$).+`,
    message: "Import a module through its door, 'modules/<module>/index.ts' (modules/README.md).",
  },
]

/**
 * The dashboard (a browser app) talks to the server only through the SDK; of the server's code it
 * bundles just payments' pure chain facts (chain and asset lists, address checks: no node:, no
 * database), so a payout address is checked as it is typed by the very code the server runs.
 */
const dashboardPatterns = [
  {
    regex: String.raw`(^|/)server/src/(?!modules/payments/(chains|addresses)\.ts$)`,
    message:
      'The dashboard reaches the server through @sx/sdk; of server code it may bundle only modules/payments/{chains,addresses}.ts (pure).',
  },
]

export default defineConfig(
  // What .gitignore keeps out of the repo (ESLint does not read it): builds, data, bench output.
  { ignores: ['**/node_modules/', '**/dist/', '**/coverage/', '**/data/', '.bench/', '.scratch/'] },
  {
    files: ['**/*.{js,ts}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // An interface that only renames another (`interface A extends B {}`) is fine; other empty ones
      // are errors (see the outbox exception below), and so is `type X = {}` ("anything but null").
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // A closure declared before the one assignment it reads (`let timer` cleared by `settle`, set
      // by `setTimeout` below it) cannot be a const without reordering the code around it.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Stripping and refusing control characters is deliberate here (platform/http/validation.ts,
      // catalog file names, mail headers; test/control-chars.test.ts): the rule only flags those.
      'no-control-regex': 'off',
    },
  },
  {
    files: [`${SRC}/**/*.ts`],
    ignores: [`${SRC}/**/*.test.ts`],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      ...processEnvUse,
      ...restrictImports(outsideDoorPatterns),
    },
  },
  { files: ['packages/dashboard/src/**/*.ts'], rules: restrictImports(dashboardPatterns) },
  { files: [`${SRC}/db/database.ts`], rules: restrictImports([]) }, // assembles every module's *.table.ts
  // Kysely's own migration signature: a migration must not depend on today's table types (and
  // landed migrations are frozen, so they are not edited to suit a linter).
  { files: [`${SRC}/db/migrations/**/*.ts`], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // `interface EventPayloads {}` is empty on purpose: each module fills it by declaration merging
  // (`declare module '…/outbox.ts' { interface EventPayloads { … } }`).
  {
    files: [`${SRC}/platform/outbox/outbox.ts`],
    rules: { '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'always' }] },
  },
  // The one reader of the environment.
  {
    files: [`${SRC}/config.ts`],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  { files: [`${SRC}/modules/**/*.ts`], ignores: [`${SRC}/**/*.test.ts`], rules: restrictImports(doorPatterns) },
  {
    files: [`${SRC}/platform/**/*.ts`],
    ignores: [`${SRC}/**/*.test.ts`],
    rules: restrictImports(abovePlatformPatterns),
  },
  {
    // Tests, colocated tests, bench and scripts read their own environment (TEST_DATABASE_URL,
    // CHROMIUM_PATH, BENCH_SECONDS, …) and may reach into a module's files to test them.
    files: ['packages/*/test/**/*.ts', `${SRC}/**/*.test.ts`, 'packages/*/scripts/**', 'bench/**'],
    rules: {
      // Expected output is matched literally (`/^Usage:\n  sx serve/`): spaces read as they print.
      'no-regex-spaces': 'off',
    },
  },
)
