/**
 * CMX 3600 EDL: the clip on V, the remix on A, and the track's kept ranges on A2 (each splice a
 * cut, so an editor can re-cut from the original). Timecode is non-drop-frame at the clip's rate,
 * the record side starting at 01:00:00:00 as editors expect. Reel names are at most 8
 * characters; the files go in "* FROM CLIP NAME:" and "* SOURCE FILE:" comments (relative paths).
 */
import { timecode, toFrames } from './timecode';
import type { HandoffTimeline } from './timeline';

export const RECORD_START_HOURS = 1;

interface Event {
  reel: string;
  channel: 'V' | 'A' | 'A2';
  srcIn: number;
  srcOut: number;
  recIn: number;
  recOut: number;
  file: string;
  name: string;
}

/** Event lines in the fixed CMX 3600 columns: "NNN  REEL____ CH___ C        SRCIN SRCOUT RECIN RECOUT". */
function line(n: number, e: Event, tc: (f: number) => string): string {
  return `${String(n).padStart(3, '0')}  ${e.reel.padEnd(8)} ${e.channel.padEnd(5)} ${'C'.padEnd(8)} ${tc(e.srcIn)} ${tc(e.srcOut)} ${tc(e.recIn)} ${tc(e.recOut)}`;
}

export function edl(t: HandoffTimeline): string {
  const r = t.rate;
  const f = (s: number): number => toFrames(s, r);
  const rec0 = RECORD_START_HOURS * 3600 * Math.round(r.num / r.den);
  const total = f(t.plan.duration);
  const events: Event[] = [
    { reel: 'CLIP', channel: 'V', srcIn: f(t.clip.in), srcOut: f(t.clip.in) + total, recIn: rec0, recOut: rec0 + total, file: t.clip.path, name: t.clip.name },
    { reel: 'REMIX', channel: 'A', srcIn: 0, srcOut: total, recIn: rec0, recOut: rec0 + total, file: t.remix.path, name: t.remix.name },
  ];
  // Record boundaries rounded once, so the A2 events tile the record side without gaps.
  const ratio = t.plan.tempoRatio;
  const ranges = t.plan.ranges;
  ranges.forEach((g, i) => {
    const recIn = f(g.outputStart);
    const recOut = i + 1 < ranges.length ? f(ranges[i + 1].outputStart) : total;
    if (recOut <= recIn) return;
    const srcIn = f(g.sourceStart);
    // Source frames played = record frames × tempo ratio; at ratio 1 they are equal.
    const srcOut = srcIn + Math.round((recOut - recIn) * ratio);
    events.push({ reel: 'TRACK', channel: 'A2', srcIn, srcOut, recIn: rec0 + recIn, recOut: rec0 + recOut, file: t.track.path, name: t.track.name });
  });
  const tc = (n: number): string => timecode(n, r);
  const out = [`TITLE: ${t.title.replace(/[\r\n]/g, ' ').slice(0, 70)}`, 'FCM: NON-DROP FRAME', ''];
  events.forEach((e, i) => {
    out.push(line(i + 1, e, tc), `* FROM CLIP NAME: ${e.name}`, `* SOURCE FILE: ${e.file}`, '');
  });
  return out.join('\n');
}
