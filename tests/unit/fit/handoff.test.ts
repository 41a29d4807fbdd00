/**
 * The hand-off formats read back by parsers written here from the formats' definitions: FCPXML
 * (well-formed XML with the DTD's element nesting and required attributes, rational times on
 * the frame grid), CMX 3600 EDL (fixed columns, valid timecode, contiguous record side) and the
 * markers CSV (RFC 4180), each checked against the plan's times.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gridFromPcm } from '../../../electron/engine/fit/analyse';
import { markersCsv } from '../../../electron/engine/fit/handoff/csv';
import { asciiFold, edl } from '../../../electron/engine/fit/handoff/edl';
import { fcpxml } from '../../../electron/engine/fit/handoff/fcpxml';
import { frameRateOf, type FrameRate } from '../../../electron/engine/fit/handoff/timecode';
import type { HandoffTimeline } from '../../../electron/engine/fit/handoff/timeline';
import { planFit } from '../../../electron/engine/fit/plan';
import { scoreSplices } from '../../../electron/engine/fit/splices';
import type { FitPlan } from '../../../electron/engine/fit/types';
import { all, elements, parseCmx3600, parseCsv, parseFcpxml, rational } from './handoff-parsers';
import { synthTrack } from './synth-track';

// ---- the tests --------------------------------------------------------------------------------

describe('fit hand-off formats', () => {
  let plan: FitPlan;
  const cuts = [3.3, 7.9, 12.45];
  const timeline = (rate: FrameRate): HandoffTimeline => ({
    title: 'clip.mp4 — song "one" & two',
    rate,
    clip: { path: '../clips/clip.mp4', absolute: '/work/clips/clip.mp4', name: 'clip.mp4', in: 2, fileDuration: 40, width: 1920, height: 1080 },
    remix: { path: 'clip-fit.wav', absolute: '/work/out/clip-fit.wav', name: 'clip-fit.wav', sampleRate: 44100, channels: 2 },
    track: { path: '../music/song.flac', absolute: '/work/music/song.flac', name: 'song.flac' },
    plan,
    cuts,
  });
  beforeAll(() => {
    const s = synthTrack({ bars: 24 });
    const g = gridFromPcm('song.flac', s.pcm);
    plan = planFit(g, scoreSplices(g), { target: 21.37 })!;
    expect(plan.splices.length).toBeGreaterThan(0);
  });

  for (const fps of [25, 30000 / 1001]) {
    it(`writes a strict CMX 3600 EDL whose events match the plan (${fps.toFixed(3)} fps)`, () => {
      const rate = frameRateOf(fps);
      const base = Math.round(fps);
      const doc = parseCmx3600(edl(timeline(rate)), base);
      expect(doc.fcm).toBe('NON-DROP FRAME');
      const total = Math.round(plan.duration * fps);
      const rec0 = 3600 * base;
      const v = doc.events.filter((e) => e.channel === 'V');
      expect(v).toHaveLength(1);
      expect(v[0].rec).toEqual([rec0, rec0 + total]);
      expect(v[0].src).toEqual([Math.round(2 * fps), Math.round(2 * fps) + total]);
      const track = doc.events.filter((e) => e.channel === 'A2');
      expect(track).toHaveLength(plan.ranges.length);
      // The record side tiles the output; each event starts where its range does (to a frame).
      expect(track[0].rec[0]).toBe(rec0);
      expect(track[track.length - 1].rec[1]).toBe(rec0 + total);
      track.forEach((e, i) => {
        if (i > 0) expect(e.rec[0]).toBe(track[i - 1].rec[1]);
        expect(Math.abs(e.rec[0] - rec0 - plan.ranges[i].outputStart * fps)).toBeLessThanOrEqual(0.5 + 1e-6);
        expect(Math.abs(e.src[0] - plan.ranges[i].sourceStart * fps)).toBeLessThanOrEqual(0.5 + 1e-6);
        expect(e.comments).toContain('SOURCE FILE: ../music/song.flac');
      });
      // Splices sit at the A2 event boundaries.
      plan.splices.forEach((sp, i) => expect(Math.abs(track[i + 1].rec[0] - rec0 - sp.time * fps)).toBeLessThanOrEqual(0.5 + 1e-6));
    });

    it(`writes FCPXML 1.10 with the DTD's structure, on-grid times and the plan's markers (${fps.toFixed(3)} fps)`, () => {
      const rate = frameRateOf(fps);
      const root = parseFcpxml(fcpxml(timeline(rate)));
      expect(root.getAttribute('version')).toBe('1.10');
      const format = all(root, 'format')[0];
      const frame = rational(format.getAttribute('frameDuration')!);
      expect(frame.n / frame.d).toBeCloseTo(1 / fps, 9);
      // Every time is a whole number of frames.
      const onGrid = (v: string): boolean => {
        const t = rational(v);
        const frames = (t.n * frame.d) / (t.d * frame.n);
        return Math.abs(frames - Math.round(frames)) < 1e-9;
      };
      for (const e of [...all(root, 'asset-clip'), ...all(root, 'marker'), ...all(root, 'sequence')]) {
        for (const a of ['offset', 'start', 'duration']) if (e.hasAttribute(a)) expect(onGrid(e.getAttribute(a)!), `${e.tagName} ${a}`).toBe(true);
      }
      const ids = new Set(all(root, 'asset').map((a) => a.getAttribute('id')));
      for (const c of all(root, 'asset-clip')) expect(ids.has(c.getAttribute('ref'))).toBe(true);
      for (const r of all(root, 'media-rep')) expect(r.getAttribute('src')).toMatch(/^file:\/\/\//);
      const seconds = (v: string): number => rational(v).n / rational(v).d;
      const seq = all(root, 'sequence')[0];
      expect(Math.abs(seconds(seq.getAttribute('duration')!) - plan.duration)).toBeLessThanOrEqual(0.5 / fps + 1e-9);
      const [clip, music] = all(root, 'asset-clip');
      expect(music.getAttribute('lane')).toBe('-1');
      const inPoint = seconds(clip.getAttribute('start')!);
      expect(Math.abs(inPoint - 2)).toBeLessThanOrEqual(0.5 / fps + 1e-9);
      // Shot cuts on the clip, in its own time (from the in point), each to the nearest frame.
      const clipMarkers = elements(clip).filter((e) => e.tagName === 'marker');
      expect(clipMarkers).toHaveLength(cuts.length);
      clipMarkers.forEach((m, i) => expect(Math.abs(seconds(m.getAttribute('start')!) - (2 + cuts[i]))).toBeLessThanOrEqual(0.5 / fps + 1e-9));
      // Downbeats, beats and splices on the music.
      const musicMarkers = elements(music).filter((e) => e.tagName === 'marker');
      const bars = musicMarkers.filter((m) => /^Bar \d+$/.test(m.getAttribute('value')!)).map((m) => seconds(m.getAttribute('start')!));
      const heard = plan.downbeats.filter((d) => d < plan.duration);
      expect(bars).toHaveLength(heard.length);
      bars.forEach((b, i) => expect(Math.abs(b - heard[i])).toBeLessThanOrEqual(0.5 / fps + 1e-9));
      const splices = musicMarkers.filter((m) => m.getAttribute('value')!.startsWith('Splice'));
      expect(splices).toHaveLength(plan.splices.length);
      // Names are escaped, not broken.
      expect(all(root, 'project')[0].getAttribute('name')).toBe('clip.mp4 — song "one" & two');
    });
  }

  it('writes a markers CSV whose rows are the plan’s beats, splices and cuts', () => {
    const rows = parseCsv(markersCsv(timeline(frameRateOf(25))));
    expect(rows[0]).toEqual(['kind', 'seconds', 'timecode', 'frame', 'label']);
    const body = rows.slice(1);
    for (const r of body) expect(r).toHaveLength(5);
    const of = (kind: string): number[] => body.filter((r) => r[0] === kind).map((r) => Number(r[1]));
    expect(of('cut')).toEqual(cuts);
    expect(of('splice')).toEqual(plan.splices.map((s) => expect.closeTo(s.time, 4)));
    expect(of('downbeat').length + of('beat').length).toBe(plan.beats.filter((b) => b < plan.duration).length);
    for (const r of body) expect(Number(r[3])).toBe(Math.round(Number(r[1]) * 25));
    const times = body.map((r) => Number(r[1]));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('keeps the EDL a strict CMX 3600 list whatever the names: non-ASCII, long, or holding a line break', () => {
    const injected = `clip\n005  EVIL     V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00.mp4`;
    const longName = `Été 東京 — ${'x'.repeat(40)}.flac`;
    const base = timeline(frameRateOf(25));
    const t: HandoffTimeline = {
      ...base,
      title: `${injected} — ${longName}`,
      clip: { ...base.clip, name: injected, path: `../${injected}` },
      track: { ...base.track, name: longName, path: `../music/${longName}` },
    };
    const text = edl(t);
    const doc = parseCmx3600(text, 25);
    // The plan's events and no other: the clip, the remix, one per kept range; none named EVIL.
    expect(doc.events.map((e) => e.reel)).toEqual(['CLIP', 'REMIX', ...plan.ranges.map(() => 'TRACK')]);
    // The title field is printable ASCII within its 70 characters; accents folded, not dropped.
    expect(doc.title).toMatch(/^[\x20-\x7e]{1,70}$/);
    expect(doc.title.startsWith('clip 005  EVIL')).toBe(true);
    expect(asciiFold(longName)).toBe(`Ete __ - ${'x'.repeat(40)}.flac`);
    // The comments keep each name exactly (editors relink by it), the line break as a space.
    // The name comes back exactly from the comment (second review T7: the line break was a space, naming no file).
    expect(doc.events[0].comments).toEqual([`FROM CLIP NAME: ${injected.replace('\n', '%0A')}`, `SOURCE FILE: ../${injected.replace('\n', '%0A')}`]);
    expect(decodeURIComponent(doc.events[0].comments[1].slice('SOURCE FILE: '.length))).toBe(`../${injected}`);
    expect(doc.events[2].comments).toEqual([`FROM CLIP NAME: ${longName}`, `SOURCE FILE: ../music/${longName}`]);
    // Every line of the file is one the parser placed: 2 header lines, and per event its line, 2 comments, a blank.
    expect(text.split('\n')).toHaveLength(3 + doc.events.length * 4);
  });

  it('rejects what a strict reader would (the parsers are not lenient)', () => {
    const good = edl(timeline(frameRateOf(25)));
    expect(() => parseCmx3600(good.replace('FCM: NON-DROP FRAME', 'FCM: NDF'), 25)).toThrow(/FCM/);
    expect(() => parseCmx3600(good.replace(/01:00:00:00/, '01:00:00:25'), 25)).toThrow(/range/);
    expect(() => parseCmx3600(good.replace('002  REMIX ', '002  REMIX'), 25)).toThrow(/not a CMX 3600 event/);
    expect(() => parseFcpxml(fcpxml(timeline(frameRateOf(25))).replace('<spine>', '<spine><marker start="0s" value="x"/>'))).toThrow(/may not be inside/);
    expect(() => parseFcpxml(fcpxml(timeline(frameRateOf(25))).replace('</spine>', ''))).toThrow();
    expect(() => parseFcpxml(fcpxml(timeline(frameRateOf(25))).replace('duration="1/25s"', 'duration="0.04s"'))).toThrow(/not an FCPXML time/);
  });
});
