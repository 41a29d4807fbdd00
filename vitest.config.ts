import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const UNIT = 'tests/unit';
/** Every test file, by kind (the mutation config reads them too). */
export const TEST_FILES = { unit: `${UNIT}/**/*.test.ts`, integration: 'tests/integration/**/*.test.ts', e2e: 'tests/e2e/**/*.test.ts' };
/**
 * Unit files that replace a module (vi.mock) need a module graph of their own; the rest share one
 * per worker. Isolating every unit file cost its imports again each time: on two cores the unit
 * files took 446 s and 559 CPU-s isolated, 267 s and 316 CPU-s shared (2026-12-03).
 */
const mocksModules = readdirSync(UNIT, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts') && readFileSync(join(UNIT, f), 'utf8').includes('vi.mock('))
  .map((f) => `${UNIT}/${f}`);

/** What every file runs under (each project repeats it: a project that extends the root would run the global setup again). */
export const shared = {
  // Guards against hangs, not speed checks (those live in scripts/bench/): generous, since a
  // two-core machine running ffmpeg, onnxruntime and Chromium side by side can be slow.
  testTimeout: 300_000,
  hookTimeout: 600_000,
  // expect.poll waited 1 s by default: one engine round trip on a loaded two-core runner can take
  // longer, and a poll for a state the engine reaches then failed though the state came.
  expect: { poll: { timeout: 15_000 } },
};

export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores on CI: ffmpeg-heavy integration files would fight each other beyond two workers.
    maxWorkers: 2,
    // A fresh NEEDLEDROP_HOME per run (once, for both projects): tests never touch the user's data folder.
    globalSetup: ['tests/helpers/test-home.ts'],
    projects: [
      { test: { ...shared, name: 'unit', include: [TEST_FILES.unit], exclude: mocksModules, isolate: false } },
      // Integration and e2e files start engines, workers and servers: each keeps its own process.
      { test: { ...shared, name: 'isolated', include: [...mocksModules, TEST_FILES.integration, TEST_FILES.e2e] } },
    ],
  },
});
