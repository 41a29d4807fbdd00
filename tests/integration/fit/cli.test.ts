/**
 * `needledrop fit` end to end: a generated track with a known grid and ending under a generated
 * clip with hard cuts at known times. With --hits the cuts land on downbeats where the plain fit
 * misses them; the remix lasts the clip; the hand-off files (FCPXML, EDL, CSV) read back with
 * strict parsers and carry the remix's times. Bad input exits 1 naming the file.
 */
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrack } from '../../../electron/engine/fit/analyse';
import type { FitResult } from '../../../electron/engine/fit/fit';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';
import { needledrop, REPO_ROOT } from '../../helpers/cli';
import { hardCuts, sharedMediaDir, tempDir, textFile } from '../../helpers/media';
import { all, parseCmx3600, parseCsv, parseFcpxml, rational } from '../../unit/fit/handoff-parsers';
import { synthTrack, wavBytes } from '../../unit/fit/synth-track';



describe('needledrop fit', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let track: string;
  let clip: string;
  const s = synthTrack({ bars: 24 });
  const T = 30;
  // The plain fit ends on the ending, so its downbeats fall at T − (ring-out) − k bars: odd
  // half-seconds here (the ring-out after the last detected beat is ≈ 2.5 s + a beat). Cuts one
  // beat later, on whole seconds, are all misses for it (and sit on the 10 fps analysis grid).
  const cuts = [4, 6, 8, 10];
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-fit-cli-'));
    track = join(dir, 'synth.wav');
    await writeFile(track, wavBytes(s.pcm, s.sampleRate));
    clip = await hardCuts(dir, { seconds: T, cuts, fps: 25, width: 160, height: 90 });
  });
  afterAll(() => cleanup());

  it('puts more shot cuts on downbeats with --hits and hands off FCPXML, EDL and CSV with the remix’s times', async () => {
    const out = join(dir, 'handoff');
    const r = await needledrop('fit', clip, track, '--hits', '--handoff', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as FitResult;
    expect(res.target).toBeCloseTo(T, 3);
    expect(res.hits!.cuts).toHaveLength(cuts.length);
    res.hits!.cuts.forEach((c, i) => expect(Math.abs(c - cuts[i])).toBeLessThanOrEqual(0.1));
    expect(res.hits!.before).toBeLessThanOrEqual(1);
    expect(res.hits!.after).toBeGreaterThanOrEqual(res.hits!.before + 2);
    // Independently: the reported downbeats of the chosen plan sit on the cuts.
    const onCut = res.hits!.cuts.filter((c) => res.plan.downbeats.some((d) => Math.abs(d - c) <= 0.05)).length;
    expect(onCut).toBe(res.hits!.after);
    expect(r.stderr).toMatch(/cuts on downbeats \(±50 ms\): \d → \d of 4/);

    // The remix: exactly the clip's length (to a video frame), ending as the track ends.
    const remix = res.handoff!.remix;
    const pcm = await decodeTrack(remix);
    expect(Math.abs(pcm.length / AUDIO_SPEC.sampleRate - T)).toBeLessThanOrEqual(1 / 25);
    const last = res.plan.ranges[res.plan.ranges.length - 1];
    expect(last.sourceEnd).toBeCloseTo(res.grid.end, 3);

    // EDL: A2 events are the kept ranges at the right record and source frames.
    const doc = parseCmx3600(await readFile(res.handoff!.edl, 'utf8'), 25);
    const a2 = doc.events.filter((e) => e.channel === 'A2');
    expect(a2).toHaveLength(res.plan.ranges.length);
    a2.forEach((e, i) => {
      expect(Math.abs(e.rec[0] - 3600 * 25 - res.plan.ranges[i].outputStart * 25)).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(Math.abs(e.src[0] - res.plan.ranges[i].sourceStart * 25)).toBeLessThanOrEqual(0.5 + 1e-6);
    });
    const remixEvent = doc.events.find((e) => e.channel === 'A')!;
    expect(remixEvent.rec[1] - remixEvent.rec[0]).toBe(T * 25);
    expect(remixEvent.comments).toContain(`SOURCE FILE: ${basename(remix)}`);

    // FCPXML: the sequence lasts the remix; the remix asset's URL is the file we decoded.
    const x = parseFcpxml(await readFile(res.handoff!.fcpxml, 'utf8'));
    const seq = all(x, 'sequence')[0];
    const d = rational(seq.getAttribute('duration')!);
    expect(d.n / d.d).toBeCloseTo(T, 6);
    const srcs = all(x, 'media-rep').map((m) => fileURLToPath(m.getAttribute('src')!));
    expect(srcs).toContain(resolve(remix));
    for (const p of srcs) expect(existsSync(p)).toBe(true);
    const cutMarkers = all(x, 'marker').filter((m) => m.getAttribute('value')!.startsWith('Shot'));
    expect(cutMarkers).toHaveLength(cuts.length);

    // CSV: the splice rows are the plan's splices.
    const rows = parseCsv(await readFile(res.handoff!.csv, 'utf8')).slice(1);
    expect(rows.filter((row) => row[0] === 'splice').map((row) => Number(row[1]))).toEqual(res.plan.splices.map((sp) => expect.closeTo(sp.time, 4)));
    expect(rows.filter((row) => row[0] === 'cut').length).toBe(cuts.length);
  });

  it('hands off absolute, percent-encoded file URLs and a one-line-per-field EDL for relative paths with non-ASCII names', async () => {
    // Relative to the CLI's working folder (the repo root), as a user types them.
    const named = join(dir, 'Café 日本 #1 — a clip name well over forty characters.mp4');
    await copyFile(clip, named);
    const rel = (p: string): string => relative(REPO_ROOT, p);
    const out = join(dir, 'handoff-relative');
    const r = await needledrop('fit', rel(named), rel(track), '--handoff', rel(out), '--json');
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as FitResult;
    const x = parseFcpxml(await readFile(res.handoff!.fcpxml, 'utf8'));
    const srcs = all(x, 'media-rep').map((m) => m.getAttribute('src')!);
    for (const src of srcs) expect(src).toMatch(/^file:\/\/\/[\x21-\x7e]+$/);
    // The clip's URL names the very file: same bytes as the one we wrote.
    const clipSrc = srcs.find((src) => fileURLToPath(src) === named);
    expect(clipSrc, srcs.join(' ')).toBeDefined();
    expect((await readFile(fileURLToPath(clipSrc!))).equals(await readFile(clip))).toBe(true);
    const doc = parseCmx3600(await readFile(res.handoff!.edl, 'utf8'), 25);
    expect(doc.title).toMatch(/^[\x20-\x7e]+$/);
    expect(doc.events[0].comments).toContain(`FROM CLIP NAME: ${basename(named)}`);
  });

  it('writes FLAC with --out and keeps the plain plan without --hits', async () => {
    const out = join(dir, 'remix.flac');
    const r = await needledrop('fit', clip, track, '--out', out, '--start', '2', '--end', '23.6', '--end-on-phrase', '--json');
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as FitResult;
    expect(res.plan.endMode).toBe('phrase');
    expect(res.hits).toBeUndefined();
    const pcm = await decodeTrack(out);
    expect(Math.abs(pcm.length / AUDIO_SPEC.sampleRate - 21.6)).toBeLessThanOrEqual(1 / 25);
    expect((await readFile(out)).subarray(0, 4).toString()).toBe('fLaC');
  });

  it('exits 1 naming the file for a track it cannot fit or a remix it cannot write, 2 for bad usage', async () => {
    const text = await textFile(dir);
    const bad = await needledrop('fit', clip, text);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(text);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
    const media = await sharedMediaDir();
    if (media) {
      const trumpet = join(media, 'music', 'sorohanro_-_solo-trumpet-06.ogg');
      const r = await needledrop('fit', clip, trumpet);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${trumpet}: no steady beat`);
    }
    expect((await needledrop('fit', clip, track, '--end-on-ending', '--end-on-phrase')).code).toBe(2);
    expect((await needledrop('fit', clip)).code).toBe(2);
    // A remix name fit cannot write is a value, not the command line's shape: 1, naming it (6cebc2a's rule).
    const mp3 = join(dir, 'x.mp3');
    const wrongRemix = await needledrop('fit', clip, track, '--out', mp3);
    expect(wrongRemix.code).toBe(1);
    expect(wrongRemix.stderr).toContain(`${mp3}: the remix must end in .wav or .flac`);
    expect(wrongRemix.stderr).not.toMatch(/usage:/);
    // Five CLI starts through tsx: minutes on a loaded two-core machine.
  }, 300_000);

  it('renders an edited plan from --plan as it is, and refuses one that misses the clip length, naming the track', async () => {
    const first = await needledrop('fit', clip, track, '--json');
    expect(first.code, first.stderr).toBe(0);
    const planned = JSON.parse(first.stdout) as FitResult;
    const ranges = planned.plan.ranges.map(({ sourceStart, sourceEnd }) => ({ sourceStart, sourceEnd }));
    // The user's edit, made here by hand on the generator's own grid: the last splice one beat
    // later in the track, so the range before it grows by a beat and the one after shrinks by one.
    const beat = 60 / s.bpm;
    const k = ranges.length - 1;
    expect(k, 'a 48 s track under a 30 s clip needs a splice').toBeGreaterThan(0);
    const edited = ranges.map((r, i) => (i === k - 1 ? { ...r, sourceEnd: r.sourceEnd + beat } : i === k ? { ...r, sourceStart: r.sourceStart + beat } : r));
    const planFile = join(dir, 'edited-plan.json');
    await writeFile(planFile, JSON.stringify({ ...planned, plan: { ...planned.plan, ranges: edited } }));
    const out = join(dir, 'edited.wav');
    const r = await needledrop('fit', clip, track, '--plan', planFile, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as FitResult;
    expect(res.plan.ranges.map((g) => [g.sourceStart, g.sourceEnd])).toEqual(edited.map((g) => [expect.closeTo(g.sourceStart, 3), expect.closeTo(g.sourceEnd, 3)]));
    const pcm = await decodeTrack(out);
    expect(Math.abs(pcm.length / AUDIO_SPEC.sampleRate - T)).toBeLessThanOrEqual(1 / 25);

    // Two seconds short of the clip: refused with the track and the cause, nothing written.
    const short = ranges.map((g, i) => (i === 0 ? { ...g, sourceStart: g.sourceStart + 4 * beat } : g));
    const badPlan = join(dir, 'short-plan.json');
    await writeFile(badPlan, JSON.stringify({ ranges: short }));
    const badOut = join(dir, 'short.wav');
    const bad = await needledrop('fit', clip, track, '--plan', badPlan, '--out', badOut);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(track);
    expect(existsSync(badOut)).toBe(false);
    const notJson = await textFile(dir);
    const nj = await needledrop('export', clip, track, '--plan', notJson, '--out', join(dir, 'z.mp4'));
    expect(nj.code).toBe(1);
    expect(nj.stderr).toContain(notJson);
  }, 300_000);

  it('export --fit muxes a remix of exactly the clip length and reports the fit', async () => {
    const out = join(dir, 'fitted.mp4');
    const r = await needledrop('export', clip, track, '--fit', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { duration: number; fit: FitResult };
    expect(result.fit.target).toBeCloseTo(result.duration, 1);
    expect(result.fit.plan.ranges.length).toBeGreaterThan(0);
    expect(existsSync(out)).toBe(true);
    expect(r.stderr).toMatch(/fit: .* → /);
    expect((await needledrop('export', clip, track, '--hits', '--out', join(dir, 'y.mp4'))).code).toBe(2);
  }, 300_000);
});
