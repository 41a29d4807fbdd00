// The Vitest config of mutation runs (stryker.config.mjs): the project's config minus the
// whole-app suites (CLI demo and match, the built binary, the browser e2e, the transport and
// contract fuzzing), which each take minutes and would run for every mutant of every module they
// import. NEEDLEDROP_MUTATION_TESTS (comma-separated globs) narrows a run further.
import { defineConfig } from 'vitest/config';
import base, { shared, TEST_FILES } from './vitest.config';

// One project, every file isolated: the base's projects would replace the include and exclude below.
const { projects: _projects, ...baseTest } = base.test ?? {};
const only = process.env.NEEDLEDROP_MUTATION_TESTS?.split(',').map((g) => g.trim()).filter(Boolean);

// Spread, not mergeConfig: mergeConfig would append `include` to the base's list instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...baseTest,
    ...shared,
    include: only ?? Object.values(TEST_FILES),
    exclude: [
      '**/node_modules/**',
      'tests/e2e/**',
      'tests/integration/app/**',
      'tests/integration/build/**',
      'tests/integration/service/transport.test.ts',
      'tests/integration/robustness/**',
    ],
  },
});
