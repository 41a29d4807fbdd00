/**
 * Adding a folder the library already holds through a symbolic link is refused with `exists`
 * (review R1.12); the app's hint for that code, "Pick another output file.", is about an export's
 * output and must not stand under it. The error is the real engine's, on a real link.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { readable } from '../../../renderer/lib/errors';

const tmp = mkdtempSync(join(tmpdir(), 'nd-folder-listed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('a folder already in the library: the engine says so, with no output-file hint; an existing output keeps it', async () => {
  const lib = join(tmp, 'lib');
  mkdirSync(lib);
  symlinkSync(lib, join(tmp, 'link'));
  const engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'home') }));
  let refused: unknown;
  try {
    await engine.call('library.addFolder', { path: lib });
    refused = await engine.call('library.addFolder', { path: join(tmp, 'link') }).catch((err: unknown) => err);
  } finally {
    await engine.close();
  }
  const r = readable(refused);
  expect(r.code).toBe('exists');
  expect(r.title).toBe(`${join(tmp, 'link')} is already in the library as ${lib} (the same folder through a symbolic link)`);
  expect(r.detail).toBeUndefined();
  expect(readable(new EngineError({ code: 'exists', message: '/out/a.mp4: already exists', file: '/out/a.mp4' })).detail).toBe('Pick another output file.');
});
