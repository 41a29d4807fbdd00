/**
 * The hand-off formats read back by parsers written here from the formats' definitions: FCPXML
 * (well-formed XML with the DTD's element nesting and required attributes, rational times on
 * the frame grid), CMX 3600 EDL (fixed columns, valid timecode, contiguous record side) and the
 * markers CSV (RFC 4180), each checked against the plan's times.
 */
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { gridFromPcm } from '../../../electron/engine/fit/analyse';
import { markersCsv } from '../../../electron/engine/fit/handoff/csv';
import { edl } from '../../../electron/engine/fit/handoff/edl';
import { fcpxml } from '../../../electron/engine/fit/handoff/fcpxml';
import { frameRateOf, type FrameRate } from '../../../electron/engine/fit/handoff/timecode';
import type { HandoffTimeline } from '../../../electron/engine/fit/handoff/timeline';
import { planFit } from '../../../electron/engine/fit/plan';
import { scoreSplices } from '../../../electron/engine/fit/splices';
import type { FitPlan } from '../../../electron/engine/fit/types';
import { synthTrack } from './synth-track';

type XmlElement = Element;

// ---- CMX 3600, strict -------------------------------------------------------------------------

interface EdlEvent {
  num: number;
  reel: string;
  channel: string;
  transition: string;
  src: [number, number];
  rec: [number, number];
  comments: string[];
}

/** Frames of an NDF timecode at `base` frames per second; throws on a malformed field. */
function tcFrames(tc: string, base: number): number {
  const m = /^(\d\d):(\d\d):(\d\d):(\d\d)$/.exec(tc);
  if (!m) throw new Error(`bad timecode ${tc}`);
  const [h, mi, s, f] = m.slice(1).map(Number);
  if (mi > 59 || s > 59 || f >= base) throw new Error(`timecode out of range ${tc}`);
  return ((h * 60 + mi) * 60 + s) * base + f;
}

/** CMX 3600: TITLE, FCM, then events "NNN  REEL(8) CH(5) TRANS(8) SRCIN SRCOUT RECIN RECOUT" and "* " comments. */
function parseCmx3600(text: string, base: number): { title: string; fcm: string; events: EdlEvent[] } {
  const lines = text.split('\n');
  const title = /^TITLE: (.{1,70})$/.exec(lines[0] ?? '');
  if (!title) throw new Error(`line 1 must be "TITLE: …": ${lines[0]}`);
  const fcm = /^FCM: (NON-DROP FRAME|DROP FRAME)$/.exec(lines[1] ?? '');
  if (!fcm) throw new Error(`line 2 must be "FCM: …": ${lines[1]}`);
  const events: EdlEvent[] = [];
  const ev = /^(\d{3}) {2}([A-Z0-9_ ]{8}) (V {4}|A {4}|A2 {3}|AA {3}|B {4}|AA\/V ) (C {7}|D {4}\d{3}|W\d{3} {4}) (\S{11}) (\S{11}) (\S{11}) (\S{11})$/;
  for (let i = 2; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    if (l.startsWith('* ')) {
      if (!events.length) throw new Error(`comment before any event: ${l}`);
      events[events.length - 1].comments.push(l.slice(2));
      continue;
    }
    const m = ev.exec(l);
    if (!m) throw new Error(`line ${i + 1} is not a CMX 3600 event: "${l}"`);
    const reel = m[2].trimEnd();
    if (!/^[A-Z0-9_]{1,8}$/.test(reel)) throw new Error(`bad reel "${m[2]}"`);
    const [si, so, ri, ro] = [m[5], m[6], m[7], m[8]].map((tc) => tcFrames(tc, base));
    if (so <= si || ro <= ri) throw new Error(`event ${m[1]} runs backwards`);
    events.push({ num: Number(m[1]), reel, channel: m[3].trim(), transition: m[4].trim(), src: [si, so], rec: [ri, ro], comments: [] });
  }
  events.forEach((e, i) => {
    if (e.num !== i + 1) throw new Error(`event ${e.num} out of sequence`);
    if (e.transition === 'C' && e.src[1] - e.src[0] !== e.rec[1] - e.rec[0]) throw new Error(`event ${e.num}: a cut's source and record lengths differ`);
  });
  return { title: title[1], fcm: fcm[1], events };
}

// ---- FCPXML, its document structure ----------------------------------------------------------

const CHILDREN: Record<string, string[]> = {
  fcpxml: ['resources', 'library'],
  resources: ['format', 'asset'],
  format: [],
  asset: ['media-rep'],
  'media-rep': [],
  library: ['event'],
  event: ['project'],
  project: ['sequence'],
  sequence: ['spine'],
  spine: ['asset-clip'],
  'asset-clip': ['marker', 'asset-clip'],
  marker: [],
};
const REQUIRED: Record<string, string[]> = {
  fcpxml: ['version'],
  format: ['id', 'frameDuration'],
  asset: ['id', 'start', 'duration'],
  'media-rep': ['kind', 'src'],
  project: ['name'],
  sequence: ['format', 'duration'],
  'asset-clip': ['ref', 'offset', 'duration'],
  marker: ['start', 'value'],
};
const TIME_ATTRS = ['offset', 'start', 'duration', 'frameDuration', 'tcStart'];

const elements = (e: XmlElement): XmlElement[] => Array.from(e.childNodes as unknown as ArrayLike<XmlElement>).filter((n) => n.nodeType === 1);

function rational(v: string): { n: number; d: number } {
  const m = /^(\d+)(?:\/(\d+))?s$/.exec(v);
  if (!m) throw new Error(`not an FCPXML time: ${v}`);
  return { n: Number(m[1]), d: Number(m[2] ?? 1) };
}

function checkStructure(e: XmlElement): void {
  for (const a of REQUIRED[e.tagName] ?? []) if (!e.hasAttribute(a)) throw new Error(`<${e.tagName}> lacks ${a}`);
  for (const a of TIME_ATTRS) if (e.hasAttribute(a)) rational(e.getAttribute(a)!);
  for (const c of elements(e)) {
    if (!(CHILDREN[e.tagName] ?? []).includes(c.tagName)) throw new Error(`<${c.tagName}> may not be inside <${e.tagName}>`);
    checkStructure(c);
  }
}

function parseFcpxml(text: string): XmlElement {
  const errors: string[] = [];
  const note = (level: string) => (msg: string) => errors.push(`${level}: ${msg}`);
  const doc = new DOMParser({ errorHandler: { warning: note('warning'), error: note('error'), fatalError: note('fatal') } }).parseFromString(text, 'text/xml');
  if (errors.length) throw new Error(errors.join('; '));
  const root = doc.documentElement as unknown as XmlElement;
  if (root.tagName !== 'fcpxml') throw new Error('root is not <fcpxml>');
  checkStructure(root);
  return root;
}

const all = (root: XmlElement, tag: string): XmlElement[] => Array.from(root.getElementsByTagName(tag) as unknown as ArrayLike<XmlElement>);

// ---- CSV (RFC 4180) ---------------------------------------------------------------------------

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 1];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') [row, field] = [[...row, field], ''];
    else if (ch === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      [row, field, i] = [[], '', i + 1];
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

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
