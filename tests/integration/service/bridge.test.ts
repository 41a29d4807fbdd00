/**
 * The browser bridge's gate: loopback only, nothing without the token, no foreign Origin or Host,
 * the CSP on pages, media by id with Range, and the engine over the WebSocket once admitted.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contextFromEnv, Engine, startBridge, type Bridge } from '../../../electron/engine/service';
import { sharedMediaDir } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-bridge-'));
const site = join(tmp, 'site');
// The shared media as every other test finds it (NEEDLEDROP_SHARED_MEDIA in mutation sandboxes).
const CLIP = join((await sharedMediaDir()) ?? resolve(import.meta.dirname, '../../../../shared/media'), 'video', 'chaplin.mp4');
const ASSET = 'console.log("the renderer");';
let engine: Engine;
let bridge: Bridge;

beforeAll(async () => {
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Needledrop</title>');
  mkdirSync(join(site, 'assets'));
  writeFileSync(join(site, 'assets', 'app.js'), ASSET);
  writeFileSync(join(site, 'assets', 'notes.txt'), 'Needledrop notes');
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), confined: true }));
  bridge = await startBridge(engine, { staticDir: site });
});
afterAll(async () => {
  await bridge.close();
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
function get(path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({ host, port: bridge.port, path, headers: { Host: `127.0.0.1:${bridge.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('latin1')));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

function socket(query: string, origin?: string, cookie?: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((done) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api${query}`, { ...(origin ? { origin } : {}), ...(cookie ? { headers: { Cookie: cookie } } : {}) });
    ws.on('open', () => done({ ws }));
    ws.on('unexpected-response', (_req, res) => done({ status: res.statusCode }));
    ws.on('error', () => done({}));
  });
}

describe('needledrop serve (the bridge)', () => {
  it('listens on loopback only', async () => {
    expect(bridge.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/\\?token=[0-9a-f]{64}$`));
    const outside = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (outside) await expect(get(`/?token=${bridge.token}`, {}, outside.address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('answers nothing without the right token, and admits with it with the CSP', async () => {
    // One hex digit off (a token ending in 0 once made "…0" the right token: a 1-in-16 flake).
    const offByOne = bridge.token.slice(0, -1) + (bridge.token.endsWith('0') ? '1' : '0');
    for (const path of ['/', '/index.html', '/?token=wrong', '/media/track/1', `/?token=${offByOne}`, '/assets/', '/assets/notes.txt']) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('Needledrop');
    }
    const page = await get(`/?token=${bridge.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Needledrop</title>');
    expect(String(page.headers['content-security-policy'])).toMatch(/default-src 'self'.*script-src 'self'/);
  });

  it('sets no cookie and takes none: the token never travels to another port (review R1.16)', async () => {
    // Cookies are shared by every port of 127.0.0.1: a token in one would reach any local server the browser visits.
    const page = await get(`/?token=${bridge.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    // The cookie the bridge once set is no key: neither to the page, nor media, nor the engine's socket.
    const cookie = { Cookie: `needledrop_token=${bridge.token}` };
    expect((await get('/index.html', cookie)).status).toBe(401);
    expect((await get('/media/track/1', cookie)).status).toBe(401);
    expect((await socket('', undefined, cookie.Cookie)).status).toBe(401);
    // The renderer's own scripts and styles load without it (they are the page's, and hold nothing secret).
    const script = await get('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.body).toBe(ASSET);
    expect((await get('/assets/app.js', { Host: `evil.example:${bridge.port}` })).status).toBe(421);
    expect((await get('/assets/app.js', { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('refuses a foreign Origin and a foreign Host even with the token', async () => {
    expect((await get(`/?token=${bridge.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${bridge.token}`, { Origin: `http://127.0.0.1:${bridge.port}` })).status).toBe(200);
    expect((await get(`/?token=${bridge.token}`, { Host: `evil.example:${bridge.port}` })).status).toBe(421);
  });

  it('on port 80 prints the address without ":80" and admits the Host a client sends for it (review R2.9)', async (ctx) => {
    let on80: Bridge;
    try {
      on80 = await startBridge(engine, { staticDir: site, port: 80 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EADDRINUSE') return ctx.skip();
      throw err;
    }
    try {
      expect(on80.url).toBe(`http://127.0.0.1/?token=${on80.token}`);
      // What curl and browsers send for that address: Host without the default port.
      const status = await new Promise<number>((done, fail) => {
        request(on80.url, (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        })
          .on('error', fail)
          .end();
      });
      expect(status).toBe(200);
    } finally {
      await on80.close();
    }
  });

  it('opens the engine socket only with the token and our Origin', async () => {
    expect((await socket('')).status).toBe(401);
    expect((await socket(`?token=${bridge.token}`, 'http://evil.example')).status).toBe(403);
    const { ws } = await socket(`?token=${bridge.token}`, `http://127.0.0.1:${bridge.port}`);
    expect(ws).toBeDefined();
    const reply = await new Promise<{ ok: boolean; value?: { dataDir: string } }>((done) => {
      ws!.on('message', (d: Buffer) => {
        const m = JSON.parse(d.toString()) as { kind: string; ok: boolean; value?: { dataDir: string } };
        if (m.kind === 'reply') done(m);
      });
      ws!.send(JSON.stringify({ kind: 'call', id: 1, op: 'engine.info' }));
    });
    expect(reply.ok).toBe(true);
    expect(reply.value?.dataDir).toBe(join(tmp, 'data'));
    ws!.close();
  });

  it('serves an opened clip by id with Range, and nothing by path', async () => {
    const clip = await engine.call('clip.open', { path: CLIP });
    const size = statSync(CLIP).size;
    const t = `?token=${bridge.token}`;
    const part = await get(`/media/clip/${clip.id}${t}`, { Range: `bytes=${size - 100}-` });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    expect(part.body.length).toBe(100);
    expect((await get(`/media/clip/${clip.id}${t}`, { Range: `bytes=${size}-` })).status).toBe(416);
    expect((await get(`/media/clip/${encodeURIComponent(CLIP)}${t}`)).status).toBe(404);
    expect((await get(`/media/clip/00000000-0000-0000-0000-000000000000${t}`)).status).toBe(404);
    expect((await get(`/..%2f..%2fetc%2fpasswd${t}`)).status).toBe(404);
  });
});
