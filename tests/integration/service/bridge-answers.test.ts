/**
 * What the browser bridge answers besides the page: refusals carry the security headers and say
 * why in plain text, the root serves index.html with the CSP naming the bridge's own port, other
 * static files come without a CSP, and paths outside the renderer folder are not found.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine, startBridge, type Bridge } from '../../../electron/engine/service';

const tmp = mkdtempSync(join(tmpdir(), 'nd-bridge-answers-'));
const site = join(tmp, 'site');
const TOKEN = 'f'.repeat(64);
let engine: Engine;
let bridge: Bridge;

beforeAll(async () => {
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Needledrop</title>');
  writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmp, 'secret.txt'), 'outside the renderer');
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), confined: true }));
  bridge = await startBridge(engine, { staticDir: site, token: TOKEN });
});
afterAll(async () => {
  await bridge.close();
  await engine.close();
  rmSync(tmp, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: { Host: `127.0.0.1:${bridge.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the bridge answers', () => {
  it('refuses in plain text with the security headers and the reason', async () => {
    for (const [path, headers, status, message] of [
      ['/', {}, 401, 'token required'],
      [`/?token=${TOKEN}`, { Origin: 'http://evil.example' }, 403, 'foreign origin'],
      [`/?token=${TOKEN}`, { Host: 'evil.example' }, 421, 'wrong host'],
    ] as const) {
      const r = await get(path, headers);
      expect(r.status, message).toBe(status);
      expect(r.body).toBe(message);
      expect(r.headers['content-type']).toBe('text/plain');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it("serves index.html at the root with a CSP allowing only its own port's socket; assets without a CSP", async () => {
    const root = await get(`/?token=${TOKEN}`);
    expect(root.status).toBe(200);
    expect(root.body).toBe('<!doctype html><title>Needledrop</title>');
    const csp = String(root.headers['content-security-policy']);
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${bridge.port} ws://localhost:${bridge.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    const asset = await get(`/assets/app.js?token=${TOKEN}`);
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['content-security-policy']).toBeUndefined();
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
  });

  it('finds nothing outside the renderer folder, nor a folder, and rejects a malformed escape', async () => {
    expect((await get(`/%2e%2e/secret.txt?token=${TOKEN}`)).status).toBe(404);
    expect((await get(`/assets?token=${TOKEN}`)).status).toBe(404);
    expect((await get(`/missing.js?token=${TOKEN}`)).status).toBe(404);
    expect((await get(`/%E0%A4%A?token=${TOKEN}`)).status).toBe(400);
  });
});
