/**
 * Review R5.4: an opened "clip" that is really an SVG (ffprobe's image2 reads it as a one-frame
 * video) or a video named .html was served by the bridge as image/svg+xml / text/html on the UI's
 * own origin, without a CSP: in Chromium the SVG's script read the token from its URL and drove the
 * engine. Media answers now carry ffprobe's media type only, a sandbox CSP, nosniff and a
 * Content-Disposition; the SVG's script never reaches the engine (checked by what the engine did,
 * not by the page).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine, startBridge, type Bridge } from '../../../electron/engine/service';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';

/** Debian's Chromium, as tests/e2e drive it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'nd-bridge-media-'));
const SVG = join(tmp, 'poster.svg');
const PAGE = join(tmp, 'trailer.html');
/** The folder the SVG's script asks the engine to add: there only if the script reached the engine. */
const BAIT = join(tmp, 'added-by-the-svg');
let engine: Engine;
let bridge: Bridge;
let svgClip: string;
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
  svgClip = (await engine.call('clip.open', { path: SVG })).id;
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
    const svg = await head(`/media/clip/${svgClip}?token=${bridge.token}`);
    expect(svg['content-type']).toBe('application/octet-stream');
    const page = await head(`/media/clip/${pageClip}?token=${bridge.token}`);
    // ffprobe: "mov,mp4,…" with a video stream, whatever the name says.
    expect(page['content-type']).toBe('video/mp4');
    for (const h of [svg, page]) {
      expect(h['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
      expect(h['content-security-policy']).toContain("default-src 'none'");
      expect(h['x-content-type-options']).toBe('nosniff');
    }
    expect(svg['content-disposition']).toBe(`inline; filename="poster.svg"; filename*=UTF-8''poster.svg`);
    expect(page['content-disposition']).toBe(`inline; filename="trailer.html"; filename*=UTF-8''trailer.html`);
  });

  it.runIf(existsSync(CHROMIUM))('an SVG opened as a clip cannot drive the engine when Chromium opens its media URL', async () => {
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage({ acceptDownloads: false });
      // Served as bytes, Chromium downloads it instead of showing a document (goto then throws); served as
      // a page, its script answers by marking the document. Whichever comes first ends the wait.
      const outcome = Promise.race([
        page.waitForEvent('download').then(() => 'download'),
        page.waitForFunction(() => document.documentElement?.hasAttribute('data-pwned'), undefined, { timeout: 20_000 }).then(() => 'script ran'),
      ]);
      await page.goto(`${new URL(bridge.url).origin}/media/clip/${svgClip}?token=${bridge.token}`).catch(() => undefined);
      expect(await outcome).toBe('download');
      // What the engine did, independently of the page: the script's library.addFolder never arrived.
      expect((await engine.call('engine.info')).libraryFolders).not.toContain(BAIT);
    } finally {
      await browser.close();
    }
  });
});
