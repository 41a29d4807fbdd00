/**
 * Review R18: the built engine carries one copy of the error class per bundle (a worker and the
 * components it loads), so `instanceof` against the other copy failed and every input error
 * crossed the worker boundary as "internal error". Two module instances of errors.ts stand for
 * the two bundles here.
 */
import { describe, expect, it, vi } from 'vitest';
import * as first from '../../../electron/engine/errors';
import { toWire } from '../../../electron/engine/jobs/worker-protocol';

describe('NeedledropError across copies of its module', () => {
  it('is an engine error to every copy, keeps its kind through the worker wire, and nothing else is one', async () => {
    vi.resetModules();
    const second = await import('../../../electron/engine/errors');
    expect(second.NeedledropError).not.toBe(first.NeedledropError);
    const fromOther = second.inputError('/m/empty.mp3', 'empty file (0 bytes)');
    expect(fromOther instanceof first.NeedledropError).toBe(true);
    expect(first.isCancelled(new second.NeedledropError('cancelled', 'stopped'))).toBe(true);
    expect(toWire(fromOther)).toEqual({ kind: 'input', message: '/m/empty.mp3: empty file (0 bytes)', file: '/m/empty.mp3' });
    for (const other of [new Error('x'), Object.assign(new Error('y'), { name: 'NeedledropError', kind: 'input' }), { kind: 'input' }, null, 'input']) {
      expect(other instanceof first.NeedledropError).toBe(false);
    }
    // The brand does not show: the error compares and serialises as before.
    const symbols = Object.getOwnPropertySymbols(fromOther);
    expect(symbols).toHaveLength(1);
    expect(Object.prototype.propertyIsEnumerable.call(fromOther, symbols[0])).toBe(false);
    expect(JSON.parse(JSON.stringify(fromOther))).toEqual({ name: 'NeedledropError', kind: 'input', file: '/m/empty.mp3' });
  });
});
