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
let engine: Engine;
let bridge: Bridge;

beforeAll(async () => {
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Needledrop</title>');
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

function socket(query: string, origin?: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((done) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api${query}`, origin ? { origin } : {});
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

  it('answers nothing without the right token, and admits with it (then by cookie) with the CSP', async () => {
    // One hex digit off (a token ending in 0 once made "…0" the right token: a 1-in-16 flake).
    const offByOne = bridge.token.slice(0, -1) + (bridge.token.endsWith('0') ? '1' : '0');
    for (const path of ['/', '/index.html', '/?token=wrong', '/media/track/1', `/?token=${offByOne}`]) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('Needledrop');
    }
    const page = await get(`/?token=${bridge.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Needledrop</title>');
    expect(String(page.headers['content-security-policy'])).toMatch(/default-src 'self'.*script-src 'self'/);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(cookie).toBe(`needledrop_token=${bridge.token}`);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await get('/index.html', { Cookie: cookie })).status).toBe(200);
  });

  it('refuses a foreign Origin and a foreign Host even with the token', async () => {
    expect((await get(`/?token=${bridge.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${bridge.token}`, { Origin: `http://127.0.0.1:${bridge.port}` })).status).toBe(200);
    expect((await get(`/?token=${bridge.token}`, { Host: `evil.example:${bridge.port}` })).status).toBe(421);
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
    const auth = { Cookie: `needledrop_token=${bridge.token}` };
    const part = await get(`/media/clip/${clip.id}`, { ...auth, Range: `bytes=${size - 100}-` });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    expect(part.body.length).toBe(100);
    expect((await get(`/media/clip/${clip.id}`, { ...auth, Range: `bytes=${size}-` })).status).toBe(416);
    expect((await get(`/media/clip/${encodeURIComponent(CLIP)}`, auth)).status).toBe(404);
    expect((await get('/media/clip/00000000-0000-0000-0000-000000000000', auth)).status).toBe(404);
    expect((await get('/..%2f..%2fetc%2fpasswd', auth)).status).toBe(404);
  });
});
