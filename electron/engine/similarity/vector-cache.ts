/**
 * Track vectors of a learned music space, cached beside it (`vectors.json`) by file content
 * hash, so a moved or re-tagged file keeps its vector and only new audio is embedded. Tied to
 * the space's id: vectors of an older training are dropped.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../errors';
import { writeFileAtomicAsync } from '../util/atomic-write';
import { errorMessage } from '../util/error-message';

export const VECTORS_FILE = 'vectors.json';

export interface VectorCache {
  spaceId: string;
  dim: number;
  /** File content hash → unit vector. */
  vectors: Map<string, Float32Array>;
}

interface VectorDoc {
  spaceId: string;
  dim: number;
  vectors: Record<string, string>;
}

const encode = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
function decode(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.length / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** The cache of the space in `dir` (or another cache of vectors by hash, in `name`), or undefined when there is none yet. */
export async function readVectorCache(dir: string, name = VECTORS_FILE): Promise<VectorCache | undefined> {
  const file = join(dir, name);
  if (!existsSync(file)) return undefined;
  let doc: VectorDoc;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as VectorDoc;
  } catch (err) {
    throw inputError(file, `not a readable vector cache (${errorMessage(err)})`, err);
  }
  return { spaceId: doc.spaceId, dim: doc.dim, vectors: new Map(Object.entries(doc.vectors).map(([h, v]) => [h, decode(v)])) };
}

/** Write the cache (to a temporary name, then renamed: never half-written). */
export async function writeVectorCache(dir: string, cache: VectorCache, name = VECTORS_FILE): Promise<void> {
  const doc: VectorDoc = { spaceId: cache.spaceId, dim: cache.dim, vectors: Object.fromEntries([...cache.vectors].map(([h, v]) => [h, encode(v)])) };
  const file = join(dir, name);
  await mkdir(dir, { recursive: true });
  await writeFileAtomicAsync(file, JSON.stringify(doc));
}
