/**
 * The browser bridge from outside: thousands of seeded hostile HTTP requests (path traversal as
 * ../, %2e%2e, %2f, backslashes and absolute paths; malformed percent-escapes; media ids that
 * are paths, negative, huge or unknown; broken Range headers; wrong Host, foreign Origin, no
 * token) against a real bridge on loopback. Every request is answered, the server stays up, and
 * no byte of a file outside the served folder (or a symlink out of it) ever comes back.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../../electron/engine/host/bridge';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { createRng, type Rng } from '../../../electron/engine/util/prng';

const REQUESTS = 3000;
const SECRET = 'SECRET-4f1c9b2e-not-for-the-bridge';
const tmp = mkdtempSync(join(tmpdir(), 'nd-bridge-fuzz-'));
const site = join(tmp, 'site');
let engine: Engine;
let bridge: Bridge;

beforeAll(async () => {
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmp, 'secret.txt'), SECRET);
  symlinkSync(join(tmp, 'secret.txt'), join(site, 'assets', 'escape.js'));
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), threads: 1 }));
  bridge = await startBridge(engine, { staticDir: site, token: 't0ken' });
});

afterAll(async () => {
  await bridge?.close();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: -1, body }));
    });
    req.on('error', () => resolve({ status: -1, body: '' }));
    // No answer in 10 s is a hang (the server threw instead of answering).
    req.setTimeout(10_000, () => {
      req.destroy();
      resolve({ status: -2, body: '' });
    });
    req.end();
  });
}

const TRAVERSALS = [
  '/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..\\secret.txt',
  '/assets/%2e%2e/%2e%2e/secret.txt', `/${tmp}/secret.txt`, `/${encodeURIComponent(join(tmp, 'secret.txt'))}`, '/assets/escape.js',
  '/%252e%252e/secret.txt', '/....//secret.txt', '/assets/../../secret.txt', '//etc/passwd', '/%00/index.html', '/index.html%00.js',
];
const BAD_ESCAPES = ['/%', '/%E0%A4%A', '/%zz', '/%C0%AF', '/%ED%A0%80', '/assets/%'];
const MEDIA = ['/media/track/0', '/media/track/-1', '/media/track/99999999999999', '/media/track/1e3', '/media/track/..%2f..%2fsecret.txt',
  `/media/track/${encodeURIComponent(join(tmp, 'secret.txt'))}`, '/media/clip/00000000-0000-0000-0000-000000000000', '/media/clip/..', '/media/clip/%2e%2e%2fsecret.txt', '/media/x/1'];
const RANGES = ['bytes=0-', 'bytes=-5', 'bytes=5-1', 'bytes=0-1,3-4', 'bytes=abc', 'bytes=99999999999999999999-', 'items=0-1', ''];

function path(rng: Rng): string {
  const r = rng.int(5);
  if (r === 0) return TRAVERSALS[rng.int(TRAVERSALS.length)];
  if (r === 1) return BAD_ESCAPES[rng.int(BAD_ESCAPES.length)];
  if (r === 2) return MEDIA[rng.int(MEDIA.length)];
  if (r === 3) return `/${'a/'.repeat(rng.int(2000))}x`;
  return `/${Array.from({ length: 1 + rng.int(6) }, () => ['..', '.', '%2e%2e', 'assets', '%2f', '\\', 'secret.txt', '%00'][rng.int(8)]).join('/')}`;
}

it(`answers ${REQUESTS} hostile requests, stays up, and never serves a byte from outside its folder`, { timeout: 600_000 }, async () => {
  const rng = createRng(77);
  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const headers: Record<string, string> = { Host: `127.0.0.1:${bridge.port}` };
    const who = rng.int(10);
    if (who === 0) headers.Host = 'evil.example:80';
    if (who === 1) headers.Origin = 'http://evil.example';
    if (rng.int(3) === 0) headers.Range = RANGES[rng.int(RANGES.length)];
    const reqPath = path(rng) + (who === 2 ? '' : `?token=${bridge.token}`);
    const res = await get(reqPath, headers);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    expect(res.status, `request ${i}: ${reqPath} ${JSON.stringify(headers)}`).toBeGreaterThan(0);
    expect(res.body, `request ${i}: ${reqPath}`).not.toContain(SECRET);
  }
  // Still serving: the page itself comes back.
  const page = await get(`/index.html?token=${bridge.token}`, { Host: `127.0.0.1:${bridge.port}` });
  expect(page.status).toBe(200);
  console.log(`bridge fuzz: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
});
