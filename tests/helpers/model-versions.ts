/**
 * Model versions for tests, in a data folder's models/: the shipped base's files under another
 * name (its hashes hold, so it loads and verifies), or a real version with random weights and the
 * current feature spec (it ranks differently from base).
 */
import { spawn } from 'node:child_process';
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

/**
 * Another process (as the app's training process or a CLI beside the app is) holding `version` of
 * the data folder `home` in use as a running job does (models/registry.ts holdVersions), until
 * killed. Resolves once the lease is written; kill() ends the process (SIGKILL: as a crash would).
 */
export async function holdInAnotherProcess(home: string, version: string, why: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const code = `
    import { holdVersions } from ${JSON.stringify(join(REPO_ROOT, 'electron/engine/models/registry.ts'))};
    await holdVersions([{ version: ${JSON.stringify(version)}, why: ${JSON.stringify(why)} }], { env: { ...process.env, NEEDLEDROP_HOME: ${JSON.stringify(home)} } });
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.on('exit', (c) => reject(new Error(`the process holding "${version}" exited (${c}) before it held it`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    pid: child.pid as number,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
