// Mutation testing of the engine (issue 16). `npm run test:mutation` runs every engine module;
// `npm run test:mutation -- --mutate 'electron/engine/playlist/**'` runs one. See docs/mutation.md.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// Tests run inside a sandbox copy (.stryker-tmp/sandbox-*/), where ../shared/media does not
// resolve; the test workers inherit this variable (tests/helpers/media.ts reads it).
process.env.NEEDLEDROP_SHARED_MEDIA ??= resolve(root, '..', 'shared', 'media');
// NEEDLEDROP_MUTATION_RUN=NAME gives a module run its own incremental file, sandbox folder and
// reports, so runs of different modules can overlap in time without clobbering each other.
const run = process.env.NEEDLEDROP_MUTATION_RUN;
const suffix = run ? `-${run}` : '';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  checkers: ['typescript'],
  // A module run may point the checker at a tsconfig listing only that module and its tests: it then
  // type-checks that import graph alone (faster, and not stopped by an unrelated file mid-edit).
  tsconfigFile: process.env.NEEDLEDROP_MUTATION_TSCONFIG ?? 'tsconfig.json',
  mutate: ['electron/engine/**/*.ts'],
  // Per-test coverage: each mutant runs only the tests that execute it.
  coverageAnalysis: 'perTest',
  // A rerun only tests mutants in changed code or covered by changed tests.
  incremental: true,
  incrementalFile: `reports/stryker-incremental${suffix}.json`,
  tempDirName: `.stryker-tmp${suffix}`,
  // Two cores shared by many processes: one or two test workers at a time.
  concurrency: 2,
  // Generous: a loaded machine must not turn slow-but-correct runs into "timeout" kills.
  timeoutMS: 30_000,
  timeoutFactor: 2,
  // Keep the sandbox copy small (the .cache of corpora and descriptors is gigabytes).
  ignorePatterns: ['.cache', '.stryker-tmp*', 'docs', 'build', 'dist', 'out', 'reports', 'coverage', 'test-results'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/mutation${suffix}.html` },
  jsonReporter: { fileName: `reports/mutation/mutation${suffix}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
