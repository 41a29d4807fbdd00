/**
 * Model versions for tests, in a data folder's models/: the shipped base's files under another
 * name (its hashes hold, so it loads and verifies), or a real version with random weights and the
 * current feature spec (it ranks differently from base).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDualEncoder } from '../../electron/engine/encoders/encoder';
import { AUDIO_SPEC, VIDEO_SPEC } from '../../electron/engine/features/spec';
import { useBackend } from '../../electron/engine/metric/backend';
import { exportModelVersion } from '../../electron/engine/models/export';
import { REPO_ROOT } from './cli';

const BASE = join(REPO_ROOT, 'models', 'base');

/** The shipped base's files as user version `name` (manifest fields in `patch` replaced too); returns its folder. */
export function copyOfBase(home: string, name: string, patch: Record<string, unknown> = {}): string {
  const dir = join(home, 'models', name);
  mkdirSync(join(home, 'models'), { recursive: true });
  cpSync(BASE, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, version: name, ...patch }));
  return dir;
}

/** A real version `name` under home/models with random weights from `seed`, parent base. */
export async function randomVersion(home: string, name: string, o: { seed: number; data: string; metrics?: Record<string, unknown> }): Promise<void> {
  const base = JSON.parse(readFileSync(join(BASE, 'model.json'), 'utf8')) as { dims: { videoIn: number; audioIn: number; out: number }; window: number; hop: number };
  await useBackend('cpu');
  const dual = createDualEncoder({ videoIn: base.dims.videoIn, audioIn: base.dims.audioIn, window: base.window, outDim: base.dims.out, hidden: 16, seed: o.seed });
  try {
    await exportModelVersion(join(home, 'models', name), dual, {
      version: name,
      featureSpec: { audio: AUDIO_SPEC.version, video: VIDEO_SPEC.version },
      hop: base.hop,
      loss: 'infonce',
      training: { data: o.data, seed: o.seed, steps: 0 },
      metrics: o.metrics ?? {},
      parent: 'base',
    });
  } finally {
    dual.video.dispose();
    dual.audio.dispose();
  }
}
