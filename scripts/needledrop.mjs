#!/usr/bin/env node
// The `needledrop` bin: runs the compiled CLI (dist/cli/needledrop.js, from `npm run build`) with
// plain node when it exists, else the TypeScript source through tsx (a checkout without a build).
// NEEDLEDROP_FROM_SOURCE=1 picks the source even when a build exists (it may be stale).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/needledrop.js', import.meta.url);
if (existsSync(built) && !process.env.NEEDLEDROP_FROM_SOURCE) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
