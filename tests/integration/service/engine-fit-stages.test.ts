/**
 * The engine's fit job and fit export report their stages as progress of the 'fit' phase by their
 * place in the list: analysing 0, planning 1, rendering 2 of 4 (for an export the fourth step is
 * its own 'export' phase, 3 and 4 of 4). The job runner drops an event that follows the last one
 * too closely, so rendering (right after planning) may not show; planning follows the analysis (an
 * ffmpeg decode and beat tracking of the whole track), which takes far longer than that interval.
 * A real synthesised track (8 bars at 120 BPM with an ending) is fitted to a 12 s clip made here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../electron/contract/types';
import { withEngine } from '../../helpers/engine';
import { jobEndOf } from '../../helpers/job-end';
import { hardCuts } from '../../helpers/media';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';

const tmp = mkdtempSync(join(tmpdir(), 'nd-engine-fit-stages-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(name: string, op: 'fit' | 'export', req: (clip: string, track: string) => Record<string, unknown>): Promise<ProgressEvent[]> {
  const s = synthTrack({ bars: 8, ending: true, bpm: 120 });
  const track = join(tmp, `${name}-track.wav`);
  writeFileSync(track, wavBytes(s.pcm, s.sampleRate));
  const clip = await hardCuts(tmp, { seconds: 12, width: 160, height: 90, fps: 25, cuts: [4, 8], name: `${name}-clip.mp4` });
  return withEngine(join(tmp, name), { confined: false }, async (engine, events) => {
    if (op === 'export') await engine.call('clip.open', { path: clip });
    const { jobId } = await engine.start(op, req(clip, track) as never);
    const end = await jobEndOf(events, jobId);
    expect(end.state, JSON.stringify(end)).toBe('done');
    return events.filter((e): e is ProgressEvent => e.type === 'progress' && e.jobId === jobId);
  });
}

describe('fit stages as progress', () => {
  it('fit: analysing then planning, every stage a place in the list, then done (4 of 4)', async () => {
    const progress = await run('fit', 'fit', (clip, track) => ({ clip, track, out: join(tmp, 'fit-out.wav') }));
    const fit = progress.filter((p) => p.phase === 'fit');
    expect(fit.every((p) => p.total === 4 && [0, 1, 2, 4].includes(p.done))).toBe(true);
    expect(fit.slice(0, 2).map((p) => p.done)).toEqual([0, 1]);
    expect(fit.at(-1)?.done).toBe(4);
  });

  it('export with fit: analysing then planning (0, 1 of 4), every stage a place in the list, then the export (3, 4 of 4)', async () => {
    const progress = await run('export', 'export', (clip, track) => ({ clip, track, out: join(tmp, 'export-out.mp4'), fit: true }));
    const fit = progress.filter((p) => p.phase === 'fit');
    expect(fit.every((p) => p.total === 4 && [0, 1, 2].includes(p.done))).toBe(true);
    expect(fit.slice(0, 2).map((p) => p.done)).toEqual([0, 1]);
    expect(progress.filter((p) => p.phase === 'export').map((p) => p.done)).toEqual([3, 4]);
  });
});
