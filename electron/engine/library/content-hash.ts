import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes read from each end of a file. */
export const HASH_EDGE = 1 << 20;

/**
 * A content fingerprint cheap enough to take for every new or changed file: sha256 of the size
 * and the first and last MiB (the whole file when smaller). Tag edits live at the ends (ID3v2,
 * Vorbis comments and MP4 atoms near the start, ID3v1/APE at the end), and re-encodes change
 * the size, so this tells a moved file from a new one without reading whole albums.
 */
export async function contentHash(path: string, size: number): Promise<string> {
  const h = createHash('sha256');
  h.update(`${size}:`);
  const fh = await open(path, 'r');
  try {
    const readAt = async (pos: number, len: number): Promise<void> => {
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      h.update(buf.subarray(0, got));
    };
    if (size <= 2 * HASH_EDGE) {
      await readAt(0, size);
    } else {
      await readAt(0, HASH_EDGE);
      await readAt(size - HASH_EDGE, HASH_EDGE);
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}
