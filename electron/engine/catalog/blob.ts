/** Float32 arrays as SQLite blobs: the bytes as they are, no copy on write. */
export function f32ToBlob(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Copy a blob into a fresh, aligned Float32Array (a Buffer's offset may not be 4-aligned). */
export function blobToF32(b: Buffer): Float32Array {
  if (b.byteLength % 4 !== 0) throw new Error(`float32 blob of ${b.byteLength} bytes is not a multiple of 4`);
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
