// Worker bootstrap: lets a worker thread run a TypeScript entry both under tsx and under Vitest.
// `new Worker(file.ts, { execArgv: ['--import', 'tsx'] })` does not apply tsx's loader inside
// workers on Node 20, so the worker starts here, registers tsx itself, then imports the entry.
// A compiled (.js) entry is imported as it is.
import { workerData } from 'node:worker_threads';

const entry = workerData?.__entry;
if (typeof entry !== 'string') throw new Error('ts-worker.mjs: workerData.__entry (module URL) is missing');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
