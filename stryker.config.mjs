// Mutation testing of the engine (issue 16). `npm run test:mutation` runs every engine module;
// `NEEDLEDROP_MUTATION_RUN=export npm run test:mutation` runs one named module with its fast tests. See docs/mutation.md.
import { readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Named module runs: what to mutate and the fast tests that check it (pure functions and
 * bookkeeping tested directly, milliseconds per mutant). The slow end-to-end tests of the same
 * modules (real ffmpeg, audio corpora) stay in `npm test` but are left out here: each would cost
 * seconds to minutes per mutant. `NEEDLEDROP_MUTATION_RUN=export npm run test:mutation`.
 */
const MODULES = {
  tempo: { mutate: ['electron/engine/features/tempo.ts'], tests: ['tests/unit/features/tempo.test.ts', 'tests/unit/features/tempo-precision.test.ts', 'tests/unit/features/tempo-bounds.test.ts', 'tests/unit/features/tempo-reference.test.ts', 'tests/unit/features/tempo-detect-reference.test.ts', 'tests/unit/features/tempo-autocorrelation.test.ts', 'tests/unit/features/tempo-zero-bpm.test.ts'] },
  key: { mutate: ['electron/engine/features/key.ts'], tests: ['tests/unit/features/key.test.ts', 'tests/unit/features/key-confidence.test.ts'] },
  export: {
    mutate: ['electron/engine/media/export.ts'],
    tests: ['tests/unit/media/export-plan.test.ts', 'tests/unit/media/export-publish.test.ts', 'tests/integration/export/export-steps.test.ts', 'tests/integration/export/export-failures.test.ts'],
  },
  indexer: { mutate: ['electron/engine/library/indexer.ts'], tests: ['tests/integration/index/bookkeeping.test.ts'] },
  'search-pure': {
    mutate: ['electron/engine/search/{beats,explain,kernels,prefilter,sections}.ts'],
    tests: ['tests/unit/search/beats.test.ts', 'tests/unit/search/explain.test.ts', 'tests/unit/search/kernels-beats-sections.test.ts', 'tests/unit/search/beats-window-edge.test.ts'],
  },
  playlist: { mutate: ['electron/engine/playlist/**/*.ts'], tests: ['tests/unit/playlist/**'] },
  // The whole of search/: the store-, index- and onnxruntime-backed files too (their tests build small stores in a second or two).
  search: { mutate: ['electron/engine/search/**/*.ts'], tests: ['tests/unit/search/**'] },
  // Session 15's fixes: the engine's atomic writes and the loudness meter (the latter with the JS path and the kernel path's tests).
  'atomic-write': { mutate: ['electron/engine/util/atomic-write.ts', 'electron/engine/util/pid.ts'], tests: ['tests/unit/util/atomic-write.test.ts', 'tests/unit/jobs/pid-alive.test.ts'] },
  // Session 16's fixes: the index plan (unavailable folders, aliases), the beat refinement's tie rule, the
  // engine error's brand across bundles, the playlist file's write rules.
  session16: {
    mutate: ['electron/engine/library/plan.ts', 'electron/engine/search/beats.ts', 'electron/engine/errors.ts', 'electron/engine/playlist/m3u.ts'],
    tests: ['tests/unit/catalog/plan.test.ts', 'tests/unit/search/beats.test.ts', 'tests/unit/search/kernels-beats-sections.test.ts', 'tests/unit/search/beats-window-edge.test.ts', 'tests/unit/errors/brand.test.ts', 'tests/unit/playlist/m3u.test.ts'],
  },
  // Session 17's fixes: the words both fronts use (standing in small libraries, Recall@K on small galleries, how a
  // run ended), when a progress rate means something, and the metrical level that halved kick-heavy recordings.
  session17: {
    mutate: ['electron/contract/wording.ts', 'electron/engine/jobs/progress.ts', 'electron/engine/features/metrical-level.ts'],
    tests: ['tests/unit/renderer/fit-format.test.ts', 'tests/unit/contract/wording-train.test.ts', 'tests/unit/cli/standing.test.ts', 'tests/unit/cli/train-lines.test.ts', 'tests/unit/cli/models-headline.test.ts', 'tests/unit/catalog/progress.test.ts', 'tests/unit/jobs/progress-meter.test.ts', 'tests/unit/service/jobs.test.ts', 'tests/unit/features/metrical-level.test.ts', 'tests/unit/features/tempo-bounds.test.ts', 'tests/unit/features/tempo-precision.test.ts', 'tests/unit/features/tempo-detect-reference.test.ts'],
  },
  loudness: {
    mutate: ['electron/engine/features/loudness.ts'],
    tests: ['tests/unit/features/spectral.test.ts', 'tests/unit/features/loudness-paths.test.ts', 'tests/integration/features/sample-kernel.test.ts', 'tests/integration/features/step-runs-bounds.test.ts', 'tests/integration/features/loudness-vs-ffmpeg.test.ts', 'tests/integration/features/loudness-look-ahead.test.ts'],
  },
};
// `NAME-sample`: a seeded sample of nodes (scripts/mutation/sample.mjs, scripts/mutation/NAME-sample.json):
// `engine-sample` against the tests of stryker.vitest.config.ts (unit and integration, minus the
// whole-app suites, narrowed by NEEDLEDROP_MUTATION_TESTS), `search-sample` against search/'s unit
// tests. The ignorer keeps the nodes nested in a sampled node out, so only the sampled nodes' mutants run.
const sampleName = run?.endsWith('-sample') ? run.slice(0, -'-sample'.length) : undefined;
if (sampleName) process.env.NEEDLEDROP_MUTATION_SAMPLE = sampleName;
if (sampleName === 'search') process.env.NEEDLEDROP_MUTATION_TESTS ??= 'tests/unit/search/**';
// The engine sample's set (docs/mutation.md, session 7): the unit tests and the integration files that run in seconds.
const ENGINE_SAMPLE_TESTS = [
  'tests/unit/**/*.test.ts',
  ...['index/bookkeeping', 'index/worker-pool', 'export/export-steps', 'models/**/*', 'service/confined', 'electron/protocols', 'corpus/render-one', 'service/bridge-answers', 'service/bridge', 'media/decode-small', 'features/shot-cuts-rate', 'features/extract-tiny', 'media/mkv-duration', 'train/load-tiny', 'library/watch-rename', 'service/unknown-track', 'service/engine-clips', 'index/worker-pool-closed', 'similarity/production-file', 'similarity/production-cache', 'similarity/music-space', 'similarity/similar-space', 'similarity/descriptor-space', 'similarity/music-space-cache', 'service/engine-signatures', 'library/track-tags', 'features/range-cancel', 'service/engine-info-provider', 'similarity/train-loss-summary', 'service/engine-fit-stages'].map((t) => `tests/integration/${t}.test.ts`),
];
if (sampleName === 'engine') process.env.NEEDLEDROP_MUTATION_TESTS ??= ENGINE_SAMPLE_TESTS.join(',');
const sample = sampleName ? JSON.parse(readFileSync(resolve(root, `scripts/mutation/${sampleName}-sample.json`), 'utf8')) : undefined;
const sampleRanges = sample?.nodes.map((n) => `${n.file}:${n.start.line}:${n.start.column}-${n.end.line}:${n.end.column}`);
const named = run ? MODULES[run] : undefined;
let tsconfigFile = process.env.NEEDLEDROP_MUTATION_TSCONFIG ?? 'tsconfig.json';
if (named) {
  // stryker.vitest.config.ts reads the test list from the environment the test workers inherit.
  process.env.NEEDLEDROP_MUTATION_TESTS ??= named.tests.join(',');
  // The checker type-checks only this module and its tests (faster, and not stopped by an
  // unrelated file mid-edit); the file is written at the root so the sandbox copy has it.
  tsconfigFile = `tsconfig.mutation${suffix}.json`;
  writeFileSync(resolve(root, tsconfigFile), JSON.stringify({ extends: './tsconfig.json', include: [...named.mutate, ...named.tests] }));
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  checkers: ['typescript'],
  // NEEDLEDROP_MUTATION_TSCONFIG: a tsconfig listing only some files (see the named runs above).
  tsconfigFile,
  mutate: named?.mutate ?? sampleRanges ?? ['electron/engine/**/*.ts'],
  ...(sample ? { plugins: ['@stryker-mutator/*', './scripts/mutation/sample-ignorer.mjs'], ignorers: ['sample'] } : {}),
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
