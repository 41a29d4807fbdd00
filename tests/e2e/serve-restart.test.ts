/**
 * `needledrop serve` in Chromium, the token's reach: the page loads with the token in its address
 * alone and leaves nothing (no cookie) that another server on 127.0.0.1 would receive (review
 * R1.16); and a tab left open across a restart of serve on the same port, whose token the new
 * server refuses, stops retrying and says where the way back in is (review R1.13).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, hasChromium, openApp, startServe, type Served, type Session } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-restart-'));
const home = join(root, 'home');
let served: Served | undefined;
let session: Session | undefined;
let other: Server | undefined;

describe.skipIf(!hasChromium)('needledrop serve: the token stays with its port, and a restart is said', () => {
  afterAll(async () => {
    await session?.browser.close();
    await served?.stop();
    other?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends no token to another local server, then says so when serve was restarted', { timeout: 300_000 }, async () => {
    ensureRendererBuilt();
    served = await startServe(home);
    session = await openApp(served.url);
    const { page } = session;
    const port = Number(new URL(served.url).port);

    // Another web server on 127.0.0.1 (a dev server, a notebook), visited in the same browser.
    const seen: IncomingHttpHeaders[] = [];
    other = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>other</title>');
    });
    await new Promise<void>((ok) => other!.listen(0, '127.0.0.1', ok));
    // The same tab goes there (the harness's page has a context of its own), then back to the app.
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    await page.goto(served.url);
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
    expect(seen.length).toBeGreaterThan(0);
    for (const headers of seen) {
      expect(headers.cookie ?? '').not.toContain(served.token);
      expect(JSON.stringify(headers)).not.toContain(served.token);
    }
    const cookies = await page.context().cookies();
    expect(cookies.filter((c) => c.value.includes(served!.token))).toEqual([]);

    // serve stopped and started again on the same port: a new token.
    await served.stop();
    await page.locator('.conn[data-status="down"]').waitFor({ timeout: 30_000 });
    served = await startServe(home, { port });
    expect(Number(new URL(served.url).port)).toBe(port);
    const said = page.locator('[data-testid="restarted"]');
    await said.waitFor({ timeout: 60_000 });
    expect(await said.textContent()).toBe(`Needledrop was restarted: open the address it printed (http://127.0.0.1:${port}/?token=…)`);
    expect(await page.locator('.conn').getAttribute('data-status')).toBe('refused');
    expect(await page.locator('.banner', { hasText: 'Reconnecting' }).count()).toBe(0);

    // The address it printed gets back in.
    await page.goto(served.url);
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
    expect(session.problems.filter((p) => !/401|Failed to load resource|WebSocket/.test(p))).toEqual([]);
  });
});
