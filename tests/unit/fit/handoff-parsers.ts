/**
 * Readers for the hand-off formats, written from the formats' definitions (not from our
 * writers): CMX 3600 EDL (fixed columns, NDF timecode), FCPXML's element nesting and required
 * attributes from its DTD, RFC 4180 CSV. Strict: anything a strict reader would refuse throws.
 */
import { DOMParser } from '@xmldom/xmldom';

export type XmlElement = Element;

// ---- CMX 3600, strict -------------------------------------------------------------------------

export interface EdlEvent {
  num: number;
  reel: string;
  channel: string;
  transition: string;
  src: [number, number];
  rec: [number, number];
  comments: string[];
}

/** Frames of an NDF timecode at `base` frames per second; throws on a malformed field. */
export function tcFrames(tc: string, base: number): number {
  const m = /^(\d\d):(\d\d):(\d\d):(\d\d)$/.exec(tc);
  if (!m) throw new Error(`bad timecode ${tc}`);
  const [h, mi, s, f] = m.slice(1).map(Number);
  if (mi > 59 || s > 59 || f >= base) throw new Error(`timecode out of range ${tc}`);
  return ((h * 60 + mi) * 60 + s) * base + f;
}

/** CMX 3600: TITLE, FCM, then events "NNN  REEL(8) CH(5) TRANS(8) SRCIN SRCOUT RECIN RECOUT" and "* " comments. */
export function parseCmx3600(text: string, base: number): { title: string; fcm: string; events: EdlEvent[] } {
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

export const elements = (e: XmlElement): XmlElement[] => Array.from(e.childNodes as unknown as ArrayLike<XmlElement>).filter((n) => n.nodeType === 1);

export function rational(v: string): { n: number; d: number } {
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

export function parseFcpxml(text: string): XmlElement {
  const errors: string[] = [];
  const note = (level: string) => (msg: string) => errors.push(`${level}: ${msg}`);
  const doc = new DOMParser({ errorHandler: { warning: note('warning'), error: note('error'), fatalError: note('fatal') } }).parseFromString(text, 'text/xml');
  if (errors.length) throw new Error(errors.join('; '));
  const root = doc.documentElement as unknown as XmlElement;
  if (root.tagName !== 'fcpxml') throw new Error('root is not <fcpxml>');
  checkStructure(root);
  return root;
}

export const all = (root: XmlElement, tag: string): XmlElement[] => Array.from(root.getElementsByTagName(tag) as unknown as ArrayLike<XmlElement>);

// ---- CSV (RFC 4180) ---------------------------------------------------------------------------

export function parseCsv(text: string): string[][] {
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

