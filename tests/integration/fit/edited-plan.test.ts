/**
 * An edited fit through the Engine's operations, as the app drives them: `fit` plans, `fit.replan`
 * moves a splice, `fit` with the edited `plan` renders exactly it (the remix decoded lasts the
 * clip, and after the moved splice it is the track at the moved in point); bad plans are refused
 * by the contract (shape) or the engine (off the beat, wrong length) with the cause.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import type { FitPlanView } from '../../../electron/contract/types';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { decodeMono, solidVideo, tempDir } from '../../helpers/media';
import { correlationAt } from '../../helpers/signal';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';

const SR = 22050;
const BEAT = 0.6;
const s = synthTrack({ bars: 16, bpm: 100, ending: true, sampleRate: SR });
const TARGET = 20;

let dir: string;
let cleanup: () => Promise<void>;
let engine: Engine;
let track: string;
let clip: string;

const explicit = (p: FitPlanView) => ({ ranges: p.ranges.map((r) => ({ ...r })), endMode: p.endMode, tempoRatio: p.tempoRatio });

async function refusal(req: unknown): Promise<EngineError> {
  try {
    await runJob(engine, 'fit', req as never);
  } catch (err) {
    return err as EngineError;
  }
  throw new Error('the plan was accepted');
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-fit-edit-'));
  track = join(dir, 'synth-100.wav');
  await writeFile(track, wavBytes(s.pcm, SR));
  clip = await solidVideo(dir, { seconds: TARGET, color: 'navy', fps: 25, width: 160, height: 90 });
  engine = new Engine(contextFromEnv({}, { dataDir: join(dir, 'data'), threads: 1 }));
});
afterAll(async () => {
  await engine.close();
  await cleanup();
});

describe('an edited fit through the engine', () => {
  it('re-plans a moved splice and renders exactly the edited plan', async () => {
    const planned = (await runJob(engine, 'fit', { clip, track })).plan;
    expect(planned.splices.length).toBeGreaterThanOrEqual(1);
    const sp = planned.splices[0];
    const last = planned.ranges[planned.ranges.length - 1];
    const edited = await engine.call('fit.replan', {
      track,
      target: planned.duration,
      end: last.sourceEnd,
      endMode: planned.endMode,
      tempoRatio: planned.tempoRatio,
      splices: planned.splices.map((x, i) => (i === 0 ? { from: x.from + BEAT, to: x.to + BEAT } : { from: x.from, to: x.to })),
    });
    // One true beat later on both sides; the length unchanged.
    expect(Math.abs(edited.splices[0].from - sp.from - BEAT)).toBeLessThan(0.02);
    expect(Math.abs(edited.splices[0].time - sp.time - BEAT)).toBeLessThan(0.02);
    const length = edited.ranges.reduce((a, r) => a + r.sourceEnd - r.sourceStart, 0) / edited.tempoRatio;
    expect(Math.abs(length - TARGET)).toBeLessThan(1e-6);

    const out = join(dir, 'edited.wav');
    const r = await runJob(engine, 'fit', { clip, track, plan: explicit(edited), out });
    expect(r.plan.ranges.map((x) => x.sourceStart)).toEqual(edited.ranges.map((x) => x.sourceStart));
    const pcm = await decodeMono(out, SR);
    expect(Math.abs(pcm.length / SR - TARGET)).toBeLessThanOrEqual(1 / 25);
    const n = Math.round(0.3 * SR);
    const at = Math.round((edited.splices[0].time + 0.02) * SR);
    const moved = correlationAt(pcm, at, s.pcm, Math.round((edited.splices[0].to + 0.02) * SR), n, 40);
    const unmoved = correlationAt(pcm, at, s.pcm, Math.round((sp.to + 0.02) * SR), n, 40);
    expect(moved).toBeGreaterThan(0.98);
    expect(moved).toBeGreaterThan(unmoved + 0.05);
  }, 300_000);

  it('refuses a malformed plan, a splice off the beat and a plan of the wrong length, with the cause', async () => {
    const planned = (await runJob(engine, 'fit', { clip, track })).plan;
    const shape = await refusal({ clip, track, plan: { ranges: [{ sourceStart: 5, sourceEnd: 3 }] } });
    expect(shape.code).toBe('invalid-request');
    expect(shape.message).toMatch(/each range must end after it starts/);

    const off = explicit(planned);
    // 30 ms late in, 30 ms earlier start: the length (and, within a frame, the output starts) still fit.
    off.ranges[1].sourceStart += 0.03;
    off.ranges[0].sourceStart -= 0.03;
    const offBeat = await refusal({ clip, track, plan: off });
    expect(offBeat.code).toBe('bad-input');
    expect(offBeat.message).toContain(track);
    expect(offBeat.message).toMatch(/splice 1's in point .* 30 ms from the nearest beat/);

    const long = { ...explicit(planned), ranges: planned.ranges.map((r) => ({ sourceStart: r.sourceStart, sourceEnd: r.sourceEnd })) };
    long.ranges[0].sourceStart -= 0.2;
    expect((await refusal({ clip, track, plan: long })).message).toMatch(/lasts 20\.200 s but the clip needs 20\.000 s/);
  }, 300_000);
});
