/**
 * Review R3.7: oneLine (contract/wording.ts), the escaping every CLI listing and playlist message
 * uses, let the bidirectional controls through (U+202E turned the rest of a line round in a bidi
 * terminal) and left a backslash as it was, so a name holding a real "\n" printed the same as one
 * with a line break. Truths: the characters that must not reach a terminal listed here from the
 * Unicode ranges, and an unescape written from the documented escapes (\\, \n, \r, \t, \xNN, \uNNNN),
 * on seeded random texts built from those characters, backslashes and escape-like letters.
 */
import { describe, expect, it } from 'vitest';
import { oneLine } from '../../../electron/contract/wording';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** C0, DEL and C1, the line and paragraph separators, the bidi marks, embeddings/overrides and isolates. */
const MUST_ESCAPE = new Set([...range(0, 0x1f), ...range(0x7f, 0x9f), 0x2028, 0x2029, 0x200e, 0x200f, ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)]);

const unescape = (s: string): string =>
  s.replace(/\\(\\|n|r|t|x[0-9a-f]{2}|u[0-9a-f]{4})/g, (_, e: string) =>
    e === '\\' ? '\\' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : String.fromCharCode(parseInt(e.slice(1), 16)),
  );

/** mulberry32: a seeded generator, so a failure names a text that can be made again. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('oneLine', () => {
  it('escapes the bidi controls and a backslash', () => {
    expect(oneLine('c\u007fdel\u202eevil.ogg')).toBe('c\\x7fdel\\u202eevil.ogg');
    for (const c of [0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(oneLine(`a${String.fromCharCode(c)}b`)).toBe(`a\\u${c.toString(16)}b`);
    }
    // A file really named with backslash-n is not the one with a line break.
    expect(oneLine('new\\nline.ogg')).toBe('new\\\\nline.ogg');
    expect(oneLine('new\nline.ogg')).toBe('new\\nline.ogg');
    expect(oneLine('C:\\x41')).not.toBe(oneLine('C:A'));
    // Printable text other than the backslash, accents and right-to-left letters included, is left alone.
    expect(oneLine('Café ✓ שלום « » 🎵')).toBe('Café ✓ שלום « » 🎵');
  });

  it('seeded texts: no character to escape is left, and unescaping gives the text back', () => {
    const next = rng(18);
    const alphabet = [...MUST_ESCAPE].map((c) => String.fromCharCode(c)).concat(['\\', '\\', 'n', 'x', 'u', '0', '2', 'e', 'a', 'é', ' ', 'ש', '🎵']);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      const shown = oneLine(text);
      const left = [...shown].filter((c) => MUST_ESCAPE.has(c.codePointAt(0)!));
      expect(left, JSON.stringify(text)).toEqual([]);
      expect(unescape(shown), JSON.stringify(text)).toBe(text);
    }
  });
});
