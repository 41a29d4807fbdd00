/**
 * HTTP Range for local media (RFC 9110 §14): what the `media://` protocol and the browser
 * bridge both answer, so a <video> can seek. One range → 206 with Content-Range; a range that
 * starts past the end → 416; several ranges → the whole file with 200 (the RFC lets a server
 * ignore Range, and players only ever ask for one).
 */
export type RangeAnswer =
  | { status: 200; start: 0; end: number; length: number }
  | { status: 206; start: number; end: number; length: number }
  | { status: 416 };

/** `end` is inclusive, as in Content-Range. `size` is the file's size in bytes. */
export function answerRange(header: string | null | undefined, size: number): RangeAnswer {
  const whole = { status: 200 as const, start: 0 as const, end: size - 1, length: size };
  if (!header) return whole;
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return whole;
  const specs = m[1].split(',').map((s) => s.trim()).filter(Boolean);
  if (specs.length !== 1) return whole;
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]);
  if (!r || (r[1] === '' && r[2] === '')) return whole;
  let start: number;
  let end: number;
  if (r[1] === '') {
    // Suffix: the last N bytes.
    const n = Number(r[2]);
    if (n === 0) return { status: 416 };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(r[1]);
    end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
    if (r[2] !== '' && Number(r[2]) < start) return whole;
  }
  if (start >= size || size === 0) return { status: 416 };
  return { status: 206, start, end, length: end - start + 1 };
}

export function rangeHeaders(a: RangeAnswer, size: number, contentType: string): Record<string, string> {
  const common = { 'Accept-Ranges': 'bytes', 'Content-Type': contentType, 'Cache-Control': 'no-store' };
  if (a.status === 416) return { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' };
  if (a.status === 206) return { ...common, 'Content-Range': `bytes ${a.start}-${a.end}/${size}`, 'Content-Length': String(a.length) };
  return { ...common, 'Content-Length': String(size) };
}

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.flac': 'audio/flac',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && TYPES[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}
