/**
 * `models.list` says what a match's fit reads with each version: 'calibrated' only when the
 * version holds a calibration a match session can use. A file that is not JSON or has a slope
 * that does not grow with the score reads as none (the session logs it and shows the standing),
 * so the list must not call it calibrated.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_FILE } from '../../../electron/engine/app/match-fit';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';

const BASE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models', 'base');
const tmp = mkdtempSync(join(tmpdir(), 'nd-models-fit-'));
const dataDir = join(tmp, 'data');
let engine: Engine;

function version(name: string, calibration?: string): void {
  const dir = join(dataDir, 'models', name);
  mkdirSync(dir, { recursive: true });
  // A usable version: base's manifest and the encoders it names (a version missing them is unusable,
  // and an unusable version has no fit at all since 23b6a0a).
  for (const f of ['audio.onnx', 'video.onnx']) copyFileSync(join(BASE, f), join(dir, f));
  const manifest = JSON.parse(readFileSync(join(BASE, 'model.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, version: name }));
  if (calibration !== undefined) writeFileSync(join(dir, CALIBRATION_FILE), calibration);
}

beforeAll(() => {
  version('tuned', JSON.stringify({ slope: 10, intercept: -3, data: 'held-out edits', domain: 'edits' }));
  version('not-json', '{ slope: 10');
  version('falling', JSON.stringify({ slope: -2, intercept: 1 }));
  version('none');
  engine = new Engine(contextFromEnv({}, { dataDir }));
});

afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('models.list fit', () => {
  it('calls a version calibrated only when its calibration can be used', async () => {
    const { models } = await engine.call('models.list');
    const fit = Object.fromEntries(models.map((m) => [m.version, m.fit]));
    expect(fit).toMatchObject({ base: 'calibrated', tuned: 'calibrated', 'not-json': 'library', falling: 'library', none: 'library' });
  });
});
