/**
 * The shell's protocol handlers on real files: media:// answers Range itself (what lets a
 * <video> seek; forwarding to file:// does not), by id only; app:// serves the built renderer
 * with the CSP and nothing outside it. Expected bytes are sliced from the file read whole.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appHandler, mediaHandler, parseMediaUrl, type MediaKind } from '../../../electron/main/protocols';
import { APP_ORIGIN, CSP } from '../../../electron/main/security';

const VIDEO = resolve(import.meta.dirname, '../../../../shared/media/video/chaplin.mp4');
const AUDIO = resolve(import.meta.dirname, '../../../../shared/media/music/Kevin_MacLeod_-_Vibe_Ace.ogg');
const CLIP_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
/** An opened "clip" that is an SVG with a script (review R5.4: ffprobe takes it as a one-frame video). */
const SVG_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const SVG_DIR = mkdtempSync(join(tmpdir(), 'nd-media-svg-'));
const SVG = join(SVG_DIR, 'poster.svg');
writeFileSync(SVG, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
afterAll(() => rmSync(SVG_DIR, { recursive: true, force: true }));

const whole = readFileSync(VIDEO);
const size = whole.length;
const asked: Array<[MediaKind, number | string]> = [];
const media = mediaHandler(async (kind, id) => {
  asked.push([kind, id]);
  if (kind === 'track' && id === 7) return AUDIO;
  if (kind === 'clip' && id === CLIP_ID) return VIDEO;
  if (kind === 'clip' && id === SVG_ID) return SVG;
  return null;
});

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => media({ url, method, headers: new Headers(headers) });
const bytes = async (r: Response): Promise<Buffer> => Buffer.from(await r.arrayBuffer());

describe('media:// Range', () => {
  it('no Range: 200 with the whole file and Accept-Ranges', async () => {
    const r = await get(`media://clip/${CLIP_ID}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(r.headers.get('content-length')).toBe(String(size));
    expect(r.headers.get('content-type')).toBe('video/mp4');
    expect((await bytes(r)).equals(whole)).toBe(true);
  });

  it('a valid range: 206 with Content-Range and exactly those bytes', async () => {
    const r = await get(`media://clip/${CLIP_ID}`, { Range: 'bytes=1000-1999' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes 1000-1999/${size}`);
    expect(r.headers.get('content-length')).toBe('1000');
    expect((await bytes(r)).equals(whole.subarray(1000, 2000))).toBe(true);
  });

  it('an open-ended range near the end (a seek to the last second): 206 to the last byte', async () => {
    const start = size - 4321;
    const r = await get(`media://clip/${CLIP_ID}`, { Range: `bytes=${start}-` });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes ${start}-${size - 1}/${size}`);
    expect((await bytes(r)).equals(whole.subarray(start))).toBe(true);
  });

  it('a suffix range: the last N bytes', async () => {
    const r = await get(`media://clip/${CLIP_ID}`, { Range: 'bytes=-500' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes ${size - 500}-${size - 1}/${size}`);
    expect((await bytes(r)).equals(whole.subarray(size - 500))).toBe(true);
  });

  it('an end past the file is clipped to the last byte', async () => {
    const r = await get(`media://clip/${CLIP_ID}`, { Range: `bytes=${size - 10}-${size + 1000}` });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect((await bytes(r)).equals(whole.subarray(size - 10))).toBe(true);
  });

  it('unsatisfiable (starts at or past the end, or an empty suffix): 416 with bytes */size and no body', async () => {
    for (const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, 'bytes=-0']) {
      const r = await get(`media://clip/${CLIP_ID}`, { Range: range });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('content-range'), range).toBe(`bytes */${size}`);
      expect((await bytes(r)).length, range).toBe(0);
    }
  });

  it('several ranges: the whole file with 200 (the RFC allows ignoring Range; players ask for one)', async () => {
    const r = await get(`media://clip/${CLIP_ID}`, { Range: 'bytes=0-9,100-199' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-range')).toBeNull();
    expect((await bytes(r)).equals(whole)).toBe(true);
  });

  it('HEAD: the headers without a body', async () => {
    const r = await get(`media://clip/${CLIP_ID}`, { Range: 'bytes=0-99' }, 'HEAD');
    expect(r.status).toBe(206);
    expect(r.headers.get('content-length')).toBe('100');
    expect((await bytes(r)).length).toBe(0);
  });

  it('serves a catalog track by id, readable by the app page (CORS for drawing frames)', async () => {
    const r = await get('media://track/7', { Range: 'bytes=0-3' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-type')).toBe('audio/ogg');
    expect(r.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect((await bytes(r)).toString('latin1')).toBe('OggS');
  });

  it('media answers are media or bytes, sandboxed: never a document (review R5.4)', async () => {
    const svg = await get(`media://clip/${SVG_ID}`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('application/octet-stream');
    const video = await get(`media://clip/${CLIP_ID}`, { Range: 'bytes=0-3' });
    for (const r of [svg, video]) {
      expect(r.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(svg.headers.get('content-disposition')).toBe(`inline; filename="poster.svg"; filename*=UTF-8''poster.svg`);
    expect(video.headers.get('content-disposition')).toBe(`inline; filename="chaplin.mp4"; filename*=UTF-8''chaplin.mp4`);
  });
});

describe('media:// by id only', () => {
  it('unknown ids are 404', async () => {
    expect((await get('media://track/8')).status).toBe(404);
    expect((await get('media://clip/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('paths, odd ids and other kinds never reach the resolver', async () => {
    asked.length = 0;
    for (const url of [
      'media://track/..%2F..%2Fetc%2Fpasswd',
      'media://track/0',
      'media://track/1.5',
      'media://track/7?x=1',
      'media://clip/..%2Fsecret',
      'media://clip/%2Fetc%2Fpasswd',
      'media://file/etc/passwd',
      'media://track/7/extra',
      'app://track/7',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect(asked).toEqual([]);
    expect(parseMediaUrl('media://track/12')).toEqual({ kind: 'track', id: 12 });
    expect(parseMediaUrl(`media://clip/${CLIP_ID}`)).toEqual({ kind: 'clip', id: CLIP_ID });
  });

  it('only GET and HEAD', async () => {
    expect((await get(`media://clip/${CLIP_ID}`, {}, 'POST')).status).toBe(405);
  });
});

describe('app://needledrop', () => {
  let root: string;
  let app: ReturnType<typeof appHandler>;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-app-'));
    root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Needledrop</title>');
    writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
    app = appHandler(root);
  });
  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));
  const fetchApp = (url: string) => app({ url, method: 'GET', headers: new Headers() });

  it('the page and its assets, each with the CSP header', async () => {
    for (const url of ['app://needledrop/', 'app://needledrop/index.html']) {
      const r = await fetchApp(url);
      expect(r.status, url).toBe(200);
      expect(r.headers.get('content-security-policy')).toBe(CSP);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await r.text()).toContain('<title>Needledrop</title>');
    }
    const js = await fetchApp('app://needledrop/assets/main.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CSP);
  });

  it('nothing outside the renderer folder, and no other host', async () => {
    for (const url of ['app://needledrop/..%2Fsecret.txt', 'app://needledrop/%2E%2E/secret.txt', 'app://needledrop/assets/..%2F..%2Fsecret.txt', 'app://other/index.html', 'app://needledrop/missing.js']) {
      const r = await fetchApp(url);
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('outside the renderer');
    }
  });
});
