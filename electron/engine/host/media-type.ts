/**
 * What a media answer (a track or an opened clip, by id) is sent as (review R5.4). `clip.open`
 * takes any file ffprobe finds a picture in — an SVG, an MP4 named .html — so the type comes from
 * what ffprobe says the file is, and is only ever a media type (video/*, audio/*) or
 * application/octet-stream: never a document a browser renders and runs (text/html,
 * image/svg+xml) on the UI's own origin. Every media answer also carries a sandbox CSP (no script
 * even if a browser did render it), nosniff, and a Content-Disposition naming the file.
 */
import { basename } from 'node:path';
import type { MediaInfo } from '../media/probe';
import { contentType } from './range';

/** ffprobe format names (the first of its comma list) → [type with a picture, type of sound only]. */
const CONTAINERS: Record<string, readonly [string, string]> = {
  mov: ['video/mp4', 'audio/mp4'],
  matroska: ['video/webm', 'audio/webm'],
  ogg: ['video/ogg', 'audio/ogg'],
  avi: ['video/x-msvideo', 'application/octet-stream'],
  mpegts: ['video/mp2t', 'audio/mp2t'],
  mpeg: ['video/mpeg', 'audio/mpeg'],
  mp3: ['application/octet-stream', 'audio/mpeg'],
  flac: ['application/octet-stream', 'audio/flac'],
  wav: ['application/octet-stream', 'audio/wav'],
  aac: ['application/octet-stream', 'audio/aac'],
  aiff: ['application/octet-stream', 'audio/aiff'],
};

const OCTETS = 'application/octet-stream';

/** The media type of a probed file: by its container and streams; anything else (image2, svg_pipe, png_pipe…) as bytes. */
export function probedMediaType(info: Pick<MediaInfo, 'container' | 'streams'>): string {
  const types = CONTAINERS[info.container.split(',')[0]];
  if (!types) return OCTETS;
  const picture = info.streams.some((s) => s.type === 'video' && !s.attachedPic);
  const sound = info.streams.some((s) => s.type === 'audio');
  if (picture) return types[0];
  return sound ? types[1] : OCTETS;
}

/** Where no probe is at hand (the Electron shell's main process): the extension's type, only when it is audio or video. */
export function mediaTypeByName(file: string): string {
  const t = contentType(file);
  return t.startsWith('video/') || t.startsWith('audio/') ? t : OCTETS;
}

/** The policy of every media answer: no script, no subresource, no plugin, whatever the bytes are. */
export const MEDIA_CSP = "sandbox; default-src 'none'";

/** Headers of every media answer (beside its type and Range headers). */
export function mediaHeaders(file: string): Record<string, string> {
  const name = basename(file);
  // A quoted ASCII fallback plus the exact name (RFC 6266 / 8187): no quote, backslash or control byte reaches the header.
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return {
    'Content-Security-Policy': MEDIA_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Content-Disposition': `inline; filename="${ascii}"; filename*=UTF-8''${extValue(name)}`,
  };
}

/** RFC 8187 value: percent-encoded UTF-8, also of the characters encodeURIComponent leaves ('()*!). */
function extValue(name: string): string {
  let s: string;
  try {
    s = encodeURIComponent(name);
  } catch {
    // A lone surrogate (a Windows name that is not valid UTF-16) cannot be encoded: its fallback only.
    s = encodeURIComponent(name.replace(/[\ud800-\udfff]/g, '_'));
  }
  return s.replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
