import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FeatureSeq, Modality } from '../features/types';
import { writeFileAtomic } from '../util/atomic-write';

/**
 * On-disk cache of one file's FeatureSeq + summary, so training runs and loss sweeps decode each
 * corpus file once. Keyed by absolute path, size, mtime and feature spec: a changed file or a new
 * spec misses the cache instead of returning stale descriptors.
 * Format: u32 header length, JSON header, then the Float32 matrix (little-endian).
 */
export interface CachedFeatures<S> {
  seq: FeatureSeq;
  summary: S;
}

function cacheKey(file: string, modality: Modality, spec: string): string {
  const st = statSync(file);
  return createHash('sha1')
    .update(`${resolve(file)}\0${st.size}\0${st.mtimeMs}\0${modality}\0${spec}`)
    .digest('hex')
    .slice(0, 24);
}

export function readCached<S>(path: string): CachedFeatures<S> | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  if (buf.length < 4) return undefined;
  const len = buf.readUInt32LE(0);
  let header: Omit<FeatureSeq, 'data'> & { summary: S };
  try {
    header = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as typeof header;
  } catch {
    // A file cut inside its header (interrupted copy, full disk) is a miss, like one cut inside the data.
    return undefined;
  }
  const bytes = buf.subarray(4 + len);
  if (bytes.length !== header.T * header.D * 4) return undefined;
  // Copy into an aligned buffer: the subarray's offset need not be a multiple of 4.
  const data = new Float32Array(header.T * header.D);
  new Uint8Array(data.buffer).set(bytes);
  const { summary, ...seq } = header;
  return { seq: { ...seq, data }, summary };
}

export function writeCached<S>(path: string, value: CachedFeatures<S>): void {
  const { data, ...rest } = value.seq;
  const header = Buffer.from(JSON.stringify({ ...rest, summary: value.summary }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  writeFileAtomic(path, Buffer.concat([len, header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** Features of `file` from the cache, or extracted now and stored. */
export async function cachedFeatures<S>(
  cacheDir: string,
  file: string,
  modality: Modality,
  spec: string,
  extract: () => Promise<CachedFeatures<S>>,
): Promise<CachedFeatures<S> & { hit: boolean }> {
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `${cacheKey(file, modality, spec)}.${modality}.feat`);
  const hit = readCached<S>(path);
  if (hit && hit.seq.spec === spec) return { ...hit, hit: true };
  const fresh = await extract();
  writeCached(path, fresh);
  return { ...fresh, hit: false };
}
