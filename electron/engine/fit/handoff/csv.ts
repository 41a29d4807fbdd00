/** Markers as CSV (RFC 4180): kind, output seconds, timecode and frame at the clip's rate, label. */
import { timecode, toFrames } from './timecode';
import { markers, type HandoffTimeline } from './timeline';

const field = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function markersCsv(t: HandoffTimeline): string {
  const rows = ['kind,seconds,timecode,frame,label'];
  for (const m of markers(t)) {
    const frame = toFrames(m.time, t.rate);
    rows.push([m.kind, m.time.toFixed(4), timecode(frame, t.rate), String(frame), field(m.label)].join(','));
  }
  return rows.join('\r\n') + '\r\n';
}
