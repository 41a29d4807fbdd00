/**
 * A model version that cannot be deleted because a job uses it says what to do itself; the app's
 * generic "busy" hint ("Another job is using the catalog") would say something untrue under it.
 * The message is the engine's own (models/registry.ts deletableVersion).
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { readable } from '../../../renderer/lib/errors';

describe('the busy hint', () => {
  it('a model version in use: its message alone, no catalog hint', () => {
    const message = 'model version "p1" is in use: training "child" as its child is running (pid 42); delete it when that has ended, or cancel it';
    const r = readable(new EngineError({ code: 'busy', message }));
    expect(r.title).toBe(message);
    expect(r.detail).toBeUndefined();
  });
  it('a catalog being scanned: the catalog hint stays', () => {
    const r = readable(new EngineError({ code: 'busy', message: 'a scan of the catalog is running: remove /m with its tracks when the scan has finished' }));
    expect(r.detail).toMatch(/using the catalog/);
  });
});
