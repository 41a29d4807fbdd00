/** Resolving a file's range probes it under the caller's signal: a cancelled request is cancelled, not probed. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCancelled } from '../../../electron/engine/errors';
import { resolveRange } from '../../../electron/engine/features/range';
import { sine } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-range-cancel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('resolveRange', () => {
  it('with a signal already aborted: cancelled; without: the file\'s range', async () => {
    const file = await sine(tmp, { seconds: 1, freq: 440, name: 'a.wav' });
    const ctl = new AbortController();
    ctl.abort();
    const err = await resolveRange(file, { signal: ctl.signal }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    const r = await resolveRange(file, { signal: new AbortController().signal });
    expect(r.start).toBe(0);
    expect(r.expected).toBeCloseTo(1, 2);
  });
});
