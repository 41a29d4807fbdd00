// Relocating a drawn mutation-sample node after its file was edited (scripts/mutation/relocate.mjs):
// the expected places are counted by hand in the fixtures below, and the nodes come from
// Stryker's own instrumenter, as in `sample.mjs relocate`.
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { describe, expect, it } from 'vitest';
import { matchNodes, offsetOf, positionOf, type Span } from '../../../scripts/mutation/relocate.mjs';

const quiet = { debug() {}, info() {}, trace() {}, warn() {}, error() {}, fatal() {}, isDebugEnabled: () => false, isTraceEnabled: () => false, isInfoEnabled: () => false, isWarnEnabled: () => false, isErrorEnabled: () => false, isFatalEnabled: () => false };

async function mutatedSpans(content: string): Promise<Span[]> {
  const inst = new Instrumenter(quiet as never);
  const r = await inst.instrument([{ name: 'fixture.ts', content, mutate: true }], { plugins: null, excludedMutations: [], ignorers: [] });
  const spans = new Map<string, Span>();
  for (const m of r.mutants) {
    const start = offsetOf(content, { line: m.location.start.line + 1, column: m.location.start.column });
    const end = offsetOf(content, { line: m.location.end.line + 1, column: m.location.end.column });
    spans.set(`${start}-${end}`, { start, end });
  }
  return [...spans.values()];
}

/** The node whose text is `text` on 1-based `line`. */
function nodeOn(content: string, spans: Span[], line: number, text: string): number {
  const i = spans.findIndex((s) => positionOf(content, s.start).line === line && content.slice(s.start, s.end) === text);
  if (i < 0) throw new Error(`no node '${text}' on line ${line}`);
  return i;
}

const OLD = [
  'export function clamp(x: number, lo: number, hi: number): number {', // 1
  '  if (x < lo) return lo;', // 2
  '  if (x > hi) return hi;', // 3
  '  return x;', // 4
  '}', // 5
  'export function twice(a: number): number {', // 6
  '  return a * 2;', // 7
  '}', // 8
  'export function gap(a: number[]): number {', // 9
  '  let best = 0;', // 10
  '  for (let i = 1; i < a.length; i++) best = Math.max(best, a[i] - a[i - 1]);', // 11
  '  return best;', // 12
  '}', // 13
].join('\n');

// Edited: three lines above everything, clamp's first check deleted, twice's factor changed, and
// a new function whose loop line is a twin of gap's, placed above gap (nearer to gap's old line).
const NEW = [
  "import { strict } from 'node:assert';", // 1
  '// helpers', // 2
  'void strict;', // 3
  'export function clamp(x: number, lo: number, hi: number): number {', // 4
  '  if (x > hi) return hi;', // 5
  '  return x;', // 6
  '}', // 7
  'export function twice(a: number): number {', // 8
  '  return a * 3;', // 9
  '}', // 10
  'export function rises(a: number[]): number {', // 11
  '  let best = 0;', // 12
  '  for (let i = 1; i < a.length; i++) best = Math.max(best, a[i] - a[i - 1]);', // 13
  '  return -best;', // 14
  '}', // 15
  'export function gap(a: number[]): number {', // 16
  '  let best = 0;', // 17
  '  for (let i = 1; i < a.length; i++) best = Math.max(best, a[i] - a[i - 1]);', // 18
  '  return best;', // 19
  '}', // 20
].join('\n');

describe('relocating sampled nodes in an edited file', () => {
  it('positions and offsets convert both ways (lines 1-based, columns 0-based)', () => {
    const text = 'ab\ncde\n\nf';
    expect(offsetOf(text, { line: 2, column: 1 })).toBe(4); // 'd'
    expect(offsetOf(text, { line: 4, column: 0 })).toBe(8); // 'f'
    expect(positionOf(text, 4)).toEqual({ line: 2, column: 1 });
    expect(positionOf(text, 7)).toEqual({ line: 3, column: 0 });
    expect(positionOf(text, 0)).toEqual({ line: 1, column: 0 });
    expect(() => offsetOf(text, { line: 6, column: 0 })).toThrow(/line 6/);
  });

  it('finds a node moved down by lines added above it, and its twin elsewhere does not take it', async () => {
    const oldSpans = await mutatedSpans(OLD);
    const newSpans = await mutatedSpans(NEW);
    const match = matchNodes(OLD, NEW, oldSpans, newSpans);
    const at = (i: number) => {
      const j = match[i];
      return j === undefined ? undefined : { line: positionOf(NEW, newSpans[j].start).line, text: NEW.slice(newSpans[j].start, newSpans[j].end) };
    };
    // gap's loop condition: old line 11 → new line 18 (3 added, 1 deleted above, 5 for rises), not rises' line 13.
    expect(at(nodeOn(OLD, oldSpans, 11, 'i < a.length'))).toEqual({ line: 18, text: 'i < a.length' });
    expect(at(nodeOn(OLD, oldSpans, 11, 'a[i] - a[i - 1]'))).toEqual({ line: 18, text: 'a[i] - a[i - 1]' });
    // clamp's second check: old line 3 → new line 5.
    expect(at(nodeOn(OLD, oldSpans, 3, 'x > hi'))).toEqual({ line: 5, text: 'x > hi' });
  });

  it('drops a node whose line was deleted or edited', async () => {
    const oldSpans = await mutatedSpans(OLD);
    const newSpans = await mutatedSpans(NEW);
    const match = matchNodes(OLD, NEW, oldSpans, newSpans);
    expect(match[nodeOn(OLD, oldSpans, 2, 'x < lo')]).toBeUndefined(); // deleted line
    expect(match[nodeOn(OLD, oldSpans, 7, 'a * 2')]).toBeUndefined(); // edited line
    // gap's own `return best` is found; rises' `return -best` is new code nothing maps to.
    const kept = new Set(match.filter((j) => j !== undefined));
    const rises = newSpans.findIndex((s) => NEW.slice(s.start, s.end) === '-best');
    expect(rises).toBeGreaterThanOrEqual(0);
    expect(kept.has(rises)).toBe(false);
  });

  it('drops a node whose own text is unchanged when the rest of its line was edited', async () => {
    const old = ['function f(t: number) {', '  if (t > 0) return t;', '  return 0;', '}'].join('\n');
    const edited = ['function f(t: number) {', '  if (t > 0) return 1;', '  return 0;', '}'].join('\n');
    const oldSpans = await mutatedSpans(old);
    const newSpans = await mutatedSpans(edited);
    const match = matchNodes(old, edited, oldSpans, newSpans);
    expect(newSpans.some((s) => edited.slice(s.start, s.end) === 't > 0')).toBe(true);
    expect(match[nodeOn(old, oldSpans, 2, 't > 0')]).toBeUndefined();
    // The function's body holds the edited line: its block is other code now.
    expect(match[nodeOn(old, oldSpans, 1, '{\n  if (t > 0) return t;\n  return 0;\n}')]).toBeUndefined();
  });

  it('a deleted line does not take the place of its identical twin', async () => {
    const old = ['function a(t: number) {', '  t += 1;', '  return t;', '}', 'function b(t: number) {', '  t += 1;', '  return t * 2;', '}'].join('\n');
    const edited = ['function a(t: number) {', '  return t;', '}', 'function b(t: number) {', '  t += 1;', '  return t * 2;', '}'].join('\n');
    const oldSpans = await mutatedSpans(old);
    const newSpans = await mutatedSpans(edited);
    const match = matchNodes(old, edited, oldSpans, newSpans);
    const inA = nodeOn(old, oldSpans, 2, 't += 1');
    const inB = nodeOn(old, oldSpans, 6, 't += 1');
    expect(match[inA]).toBeUndefined();
    expect(positionOf(edited, newSpans[match[inB]!].start)).toEqual({ line: 5, column: 2 });
  });

  it('an unchanged file maps every node onto itself', async () => {
    const spans = await mutatedSpans(OLD);
    expect(matchNodes(OLD, OLD, spans, spans)).toEqual(spans.map((_, i) => i));
  });
});
