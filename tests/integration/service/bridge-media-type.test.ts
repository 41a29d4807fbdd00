/**
 * Review R5.4: an opened "clip" that is really an SVG (ffprobe's image2 reads it as a one-frame
 * video) or a video named .html was served by the bridge as image/svg+xml / text/html on the UI's
 * own origin, without a CSP: in Chromium the SVG's script read the token from its URL and drove the
 * engine. Media answers now carry ffprobe's media type only, a sandbox CSP, nosniff and a
 * Content-Disposition; the SVG's script never reaches the engine (checked by what the engine did,
 * not by the page).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine, startBridge, type Bridge } from '../../../electron/engine/service';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';

/** Debian's Chromium, as tests/e2e drive it. */
const tmp = mkdtempSync(join(tmpdir(), 'nd-bridge-media-'));
const SVG = join(tmp, 'poster.svg');
const PAGE = join(tmp, 'trailer.html');
/** The folder the SVG's script asks the engine to add: there only if the script reached the engine. */
const BAIT = join(tmp, 'added-by-the-svg');
let engine: Engine;
let bridge: Bridge;
let svgOpen: unknown;
let pageClip: string;

beforeAll(async () => {
  mkdirSync(join(tmp, 'site'));
  mkdirSync(BAIT);
  writeFileSync(join(tmp, 'site', 'index.html'), '<!doctype html><title>Needledrop</title>');
  writeFileSync(
    SVG,
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/><script>
const ws = new WebSocket('ws://' + location.host + '/api' + location.search);
ws.onopen = () => ws.send(JSON.stringify({ kind: 'call', id: 1, op: 'library.addFolder', req: { path: ${JSON.stringify(BAIT)} } }));
ws.onmessage = (e) => document.documentElement.setAttribute('data-pwned', e.data);
</script></svg>`,
  );
  // A real MP4 (a quarter second of test picture) named .html.
  execFileSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=0.3', '-pix_fmt', 'yuv420p', '-f', 'mp4', PAGE]);
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), confined: true }));
  bridge = await startBridge(engine, { staticDir: join(tmp, 'site') });
  // Since 7421c06 clip.open refuses a still image: the SVG never gets a media id (the first defence, tested below).
  svgOpen = await engine.call('clip.open', { path: SVG }).then((c) => c.id, (err: unknown) => err);
  pageClip = (await engine.call('clip.open', { path: PAGE })).id;
});
afterAll(async () => {
  await bridge.close();
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

function head(path: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: 'HEAD', headers: { Host: `127.0.0.1:${bridge.port}` } }, (res) => {
      res.resume();
      res.on('end', () => done(res.headers));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('bridge media answers (review R5.4)', () => {
  it('types media by what ffprobe says it is, never as a page, and sandboxes every answer', async () => {
    const page = await head(`/media/clip/${pageClip}?token=${bridge.token}`);
    // ffprobe: "mov,mp4,…" with a video stream, whatever the name says.
    expect(page['content-type']).toBe('video/mp4');
    expect(page['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
    expect(page['content-security-policy']).toContain("default-src 'none'");
    expect(page['x-content-type-options']).toBe('nosniff');
    expect(page['content-disposition']).toBe(`inline; filename="trailer.html"; filename*=UTF-8''trailer.html`);
  });

  it('an SVG is not opened as a clip, so it has no media URL to serve and its script never reaches the engine', async () => {
    expect(svgOpen).toMatchObject({ code: 'bad-input', message: expect.stringContaining('poster.svg: is an image, not a video') });
    expect((await engine.call('engine.info')).libraryFolders).not.toContain(BAIT);
  });
});
