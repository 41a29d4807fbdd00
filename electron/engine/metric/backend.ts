import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { usageError } from '../errors';

export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

let wasmPathsSet = false;

/** Directory holding the .wasm binaries, as a path with trailing slash (what setWasmPaths expects in Node). */
export function wasmDir(): string {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(entry) + path.sep;
}

/**
 * Select a TF.js backend and wait until it is ready. Returns the active backend name.
 * `webgl`/`webgpu` only exist in a browser context (their packages register themselves there).
 */
export async function useBackend(name: BackendName): Promise<string> {
  if (!BACKEND_NAMES.includes(name)) throw usageError(`unknown backend "${String(name)}" (one of ${BACKEND_NAMES.join(', ')})`);
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(wasmDir());
    wasmPathsSet = true;
  }
  if (!tf.findBackendFactory(name)) throw usageError(`TF.js backend "${name}" is not registered here (webgpu needs @tensorflow/tfjs-backend-webgpu in a browser)`);
  const ok = await tf.setBackend(name);
  if (!ok) throw usageError(`TF.js backend "${name}" is not available here`);
  await tf.ready();
  return tf.getBackend();
}
