import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    // Guards against hangs, not speed checks (those live in scripts/bench/): generous, since a
    // two-core machine running ffmpeg, onnxruntime and Chromium side by side can be slow.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Two cores on CI: ffmpeg-heavy integration files would fight each other beyond two workers.
    maxWorkers: 2,
    // A fresh NEEDLEDROP_HOME per run: tests never touch the user's data folder.
    globalSetup: ['tests/helpers/test-home.ts'],
  },
});
