/**
 * Engine errors as the contract's error data: a stated code the contract knows is kept, an unknown
 * or absent one falls back to the error kind's code; the file and the cause's message go along.
 */
import { describe, expect, it } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import { toErrorData } from '../../../electron/engine/service/errors';

describe('toErrorData', () => {
  it("keeps a known code, falls back to the kind's code for an unknown or absent one", () => {
    expect(toErrorData(new NeedledropError('input', 'x.mp3: not indexed', { file: 'x.mp3', code: 'not-indexed' }))).toEqual({ code: 'not-indexed', message: 'x.mp3: not indexed', file: 'x.mp3' });
    expect(toErrorData(new NeedledropError('environment', 'ffmpeg missing', { code: 'no-ffmpeg' })).code).toBe('no-ffmpeg');
    expect(toErrorData(new NeedledropError('input', 'x.mp3: odd', { file: 'x.mp3', code: 'made-up-code' })).code).toBe('bad-input');
    expect(toErrorData(new NeedledropError('usage', 'bad flag')).code).toBe('invalid-request');
    const cause = new Error('EACCES: permission denied');
    expect(toErrorData(new NeedledropError('internal', 'write failed', { cause }))).toEqual({ code: 'internal', message: 'write failed', detail: 'EACCES: permission denied' });
  });
});
