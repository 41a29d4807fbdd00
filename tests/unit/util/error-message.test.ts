import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../electron/engine/util/error-message';

describe('errorMessage', () => {
  it("is an Error's own message, without its name or stack", () => {
    expect(errorMessage(new TypeError('bad header'))).toBe('bad header');
    class CatalogGone extends Error {}
    expect(errorMessage(new CatalogGone('catalog moved'))).toBe('catalog moved');
  });

  it('is anything else thrown, as a string (a thrown string, a number, a rejection with nothing)', () => {
    expect(errorMessage('disk full')).toBe('disk full');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
    // An object that only looks like an Error is not read as one.
    expect(errorMessage({ message: 'looks like one' })).toBe('[object Object]');
  });
});
