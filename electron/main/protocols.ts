/**
 * The shell's two protocol handlers, as plain Request → Response functions (main.ts hands them
 * to protocol.handle; tests call them directly with real files):
 *   app://needledrop/…      the built renderer, with the CSP and security headers;
 *   media://track/<id>      a catalog track, media://clip/<id> an opened clip: resolved by id
 *                           through the engine (never a path from the page), answering Range
 *                           itself (206 / 416) so <video> and <audio> can seek.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { answerRange, contentType, mediaHeaders, mediaTypeByName, rangeHeaders } from '../engine/service/index';
import { APP_HEADERS, APP_HOST, APP_ORIGIN, MEDIA_SCHEME } from './security';

/** The parts of a fetch Request the handlers read. */
export type RequestLike = Pick<Request, 'url' | 'method' | 'headers'>;

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
const refuse = (status: number, message: string): Response => new Response(message, { status, headers: TEXT });

/** A file with Range: 200 whole, 206 one range, 416 unsatisfiable; HEAD without a body. */
export async function fileResponse(file: string, request: RequestLike, extra: Record<string, string> = {}, type = contentType(file)): Promise<Response> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) return refuse(404, 'not found');
    size = st.size;
  } catch {
    return refuse(404, 'not found');
  }
  const answer = answerRange(request.headers.get('range'), size);
  const headers = { ...extra, ...rangeHeaders(answer, size, type) };
  if (answer.status === 416 || request.method === 'HEAD' || size === 0) return new Response(null, { status: answer.status, headers });
  const stream = createReadStream(file, { start: answer.start, end: answer.end });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: answer.status, headers });
}

export type MediaKind = 'track' | 'clip';
/** The file behind a media id, or null when there is none (engine: media.resolve). */
export type ResolveMedia = (kind: MediaKind, id: number | string) => Promise<string | null>;

/** Parse media://track/12 or media://clip/<uuid>; null for anything else. */
export function parseMediaUrl(url: string): { kind: MediaKind; id: number | string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${MEDIA_SCHEME}:` || u.search !== '' || u.username !== '' || u.password !== '') return null;
  const id = u.pathname.replace(/^\/+/, '');
  if (u.hostname === 'track' && /^[1-9]\d{0,11}$/.test(id)) return { kind: 'track', id: Number(id) };
  if (u.hostname === 'clip' && /^[0-9a-f-]{36}$/.test(id)) return { kind: 'clip', id };
  return null;
}

export function mediaHandler(resolveMedia: ResolveMedia): (request: RequestLike) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method not allowed');
    const media = parseMediaUrl(request.url);
    if (!media) return refuse(404, 'no such media');
    let file: string | null;
    try {
      file = await resolveMedia(media.kind, media.id);
    } catch {
      file = null;
    }
    if (!file) return refuse(404, 'no such media');
    // The app page may draw frames of a clip (thumbnails): it reads media with CORS. Only a media
    // type, sandboxed, whatever the file is (review R5.4: an opened "clip" may be an SVG); main has
    // no ffprobe, so by name here, but never a document type (the bridge types by ffprobe).
    return fileResponse(file, request, { 'Access-Control-Allow-Origin': APP_ORIGIN, ...mediaHeaders(file) }, mediaTypeByName(file));
  };
}

/** app://needledrop/<path> from the built renderer folder; nothing outside it, and only that host. */
export function appHandler(rendererDir: string): (request: RequestLike) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method not allowed');
    let u: URL;
    try {
      u = new URL(request.url);
    } catch {
      return refuse(400, 'bad request');
    }
    if (u.host !== APP_HOST) return refuse(404, 'not found');
    let rel: string;
    try {
      rel = u.pathname === '/' ? 'index.html' : decodeURIComponent(u.pathname).replace(/^\/+/, '');
    } catch {
      return refuse(400, 'bad request');
    }
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return refuse(404, 'not found');
    // Pages and workers alike get the CSP (a worker script's own response sets its policy).
    return fileResponse(file, request, { ...APP_HEADERS });
  };
}
