/**
 * Full-precision segment rows in one flat file on disk: N × dim float32, native (little-endian)
 * byte order, no header (the segment index's meta.json says N and dim). Search keeps only small
 * int8 codes in memory and reads the f32 rows of the few tracks it aligns in full from here;
 * plain pread through the OS page cache, so the rows never count against the process's memory.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { inputError } from '../errors';

const F32 = Float32Array.BYTES_PER_ELEMENT;

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Appends rows to a new row file (truncating any old one). */
export class RowFileWriter {
  private readonly fd: number;
  private written = 0;

  constructor(
    readonly path: string,
    readonly dim: number,
  ) {
    this.fd = openSync(path, 'w');
  }

  /** Rows written so far. */
  get rows(): number {
    return this.written;
  }

  append(rows: Float32Array): void {
    const bytes = bytesOf(rows);
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at);
    this.written += rows.length / this.dim;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads rows of a finished row file by row number. */
export class RowFile {
  private constructor(
    readonly path: string,
    readonly dim: number,
    readonly rows: number,
    private fd: number | null,
  ) {}

  /** Open for reading; the file must hold exactly `rows` rows of `dim` floats. */
  static open(path: string, dim: number, rows: number): RowFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw inputError(path, `cannot open the segment rows (${(err as Error).message})`, err);
    }
    const size = fstatSync(fd).size;
    if (size !== rows * dim * F32) {
      closeSync(fd);
      throw inputError(path, `holds ${size} bytes, expected ${rows} rows × ${dim} float32 = ${rows * dim * F32}: the segment index is damaged`);
    }
    return new RowFile(path, dim, rows, fd);
  }

  /** Copy rows [first, first + count) into the start of `into`. */
  read(first: number, count: number, into: Float32Array): void {
    if (this.fd === null) throw inputError(this.path, 'the segment rows were closed');
    if (first < 0 || count < 0 || first + count > this.rows) {
      throw inputError(this.path, `rows ${first}..${first + count} are outside its ${this.rows} rows`);
    }
    const want = count * this.dim * F32;
    const bytes = new Uint8Array(into.buffer, into.byteOffset, want);
    let at = 0;
    while (at < want) {
      const got = readSync(this.fd, bytes, at, want - at, (first * this.dim) * F32 + at);
      if (got === 0) throw inputError(this.path, `ended early at byte ${(first * this.dim) * F32 + at}: the segment index is damaged`);
      at += got;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
