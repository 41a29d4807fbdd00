/**
 * The CLI's one number parser (review R15): plain decimal notation only (Number() took '' as 0
 * and '0x10' as 16), limits read from the contract's request schemas and said in the CLI's
 * words, and a negative value after an option reaching it instead of node's "ambiguous" text.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { schemas } from '../../../electron/contract/operations';
import { bounds, num, parse } from '../../../scripts/cli/args';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('num', () => {
  it('takes decimal notation and nothing else', () => {
    expect(num('12.5', 'offset')).toBe(12.5);
    expect(num('-14', 'loudness')).toBe(-14);
    expect(num('1e3', 'steps')).toBe(1000);
    expect(num('.5', 'fade')).toBe(0.5);
    expect(num(undefined, 'offset')).toBeUndefined();
    for (const bad of ['', ' ', '0x10', '0b1', '0o7', 'Infinity', '1_000', '12s', '1,5', 'NaN', '--1']) {
      expect(message(() => num(bad, 'offset', { min: 0, unit: 's' }))).toBe(`--offset expects a number ≥ 0 s, got "${bad}"`);
    }
  });

  it('says the limit in its unit, and seconds also in whole days, hours or minutes', () => {
    expect(message(() => num('1000000000', 'offset', { min: 0, max: 604_800, unit: 's' }))).toBe('--offset must be at most 604800 s (7 days), got 1000000000');
    expect(message(() => num('700', 'clip-seconds', { min: 0.5, max: 600, unit: 's' }))).toBe('--clip-seconds must be at most 600 s (10 minutes), got 700');
    expect(message(() => num('61', 'fade', { min: 0, max: 60, unit: 's' }))).toBe('--fade must be at most 60 s, got 61');
    expect(message(() => num('1000', 'jobs', { min: 1, max: 64, int: true }))).toBe('--jobs must be at most 64, got 1000');
    expect(message(() => num('2.5', 'jobs', { min: 1, max: 64, int: true }))).toBe('--jobs expects an integer ≥ 1, got "2.5"');
    expect(num('64', 'jobs', { min: 1, max: 64, int: true })).toBe(64);
  });
});

describe('bounds', () => {
  it('reads the limits the engine enforces', () => {
    expect(bounds('export', 'offset', 's')).toEqual({ min: 0, max: 604_800, unit: 's' });
    expect(bounds('library.scan', 'jobs')).toEqual({ min: 1, max: 64, int: true });
    // No section shorter than the shortest range the model judges (contract/clip-range.ts).
    expect(bounds('match', 'minSection', 's')).toEqual({ min: 2.25, max: 604_800, unit: 's' });
    expect(bounds('export', 'loudness', 'LUFS')).toEqual({ min: -70, max: 0, unit: 'LUFS' });
    expect(bounds('corpus', 'seed')).toEqual({ int: true });
  });

  // Independently of how bounds reads the schema: valibot itself accepts the limits and refuses just past them.
  it.each([
    ['export', 'offset'],
    ['export', 'fade'],
    ['export', 'loudness'],
    ['fit', 'end'],
    ['match', 'minSection'],
    ['match', 'top'],
    ['similar', 'top'],
    ['library.scan', 'jobs'],
    ['playlist.build', 'length'],
    ['corpus', 'clipSeconds'],
    ['train', 'batch'],
    ['finetune', 'hop'],
  ] as const)('%s.%s agrees with the schema', (op, field) => {
    const b = bounds(op, field as never);
    const root = schemas[op] as unknown as { entries?: Record<string, v.GenericSchema>; wrapped?: { entries: Record<string, v.GenericSchema> } };
    const schema = (root.entries ?? root.wrapped!.entries)[field];
    const ok = (n: number): boolean => v.safeParse(schema, n).success;
    expect(b.min).toBeDefined();
    expect(b.max).toBeDefined();
    expect([ok(b.min!), ok(b.max!)]).toEqual([true, true]);
    const step = b.int ? 1 : 1e-6;
    expect([ok(b.min! - step), ok(b.max! + step)]).toEqual([false, false]);
    if (b.int) expect(ok(b.min! + 0.5)).toBe(false);
    else expect(ok(b.min! + 0.5)).toBe(true);
  });
});

describe('parse', () => {
  it('hands a negative value after a valued option to the command', () => {
    const opts = { jobs: { type: 'string' }, loudness: { type: 'string' }, json: { type: 'boolean' } } as const;
    expect(parse(['--jobs', '-1', 'DIR'], opts).values.jobs).toBe('-1');
    expect(parse(['--loudness', '-.5'], opts).values.loudness).toBe('-.5');
    // A boolean option does not take it: "-1" stays an unknown option.
    expect(message(() => parse(['--json', '-1'], opts))).toMatch(/Unknown option '-1'/);
  });
});
