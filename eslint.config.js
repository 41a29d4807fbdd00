import tseslint from 'typescript-eslint';

/** Engine internals: fronts reach the engine only through its contract and its service layer. */
const ENGINE_INTERNALS = {
  group: ['**/engine/*', '**/engine/*/**', '!**/engine/service', '!**/engine/service/**'],
  message: 'Fronts use electron/contract/ and electron/engine/service/ only (one engine, two fronts: see docs/architecture.md).',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'models/', 'renderer/dist/', '**/*.svelte', '.cache/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The CLI, the development scripts that run user workflows, and the Electron shell.
    files: ['scripts/cli.ts', 'scripts/cli/**/*.ts', 'scripts/dev/demo.ts', 'scripts/train-base.ts', 'electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ENGINE_INTERNALS] }] },
  },
  {
    // The renderer and the contract run in a browser: no engine at all, no Node.
    files: ['renderer/**/*.ts', 'electron/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/engine/**', '**/engine'], message: 'The renderer and the contract use no engine code (they run in the browser).' }],
          paths: ['fs', 'path', 'os', 'child_process'].flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'No Node modules in browser code.' })),
        },
      ],
    },
  },
);
