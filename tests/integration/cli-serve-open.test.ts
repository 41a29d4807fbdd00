/**
 * Review R5.5: `serve --open` handed the token URL to xdg-open, whose command line (and the
 * browser's it starts) every user of the machine reads in /proc. The opener now gets the path of
 * a page only this user can read, which sends the browser on to the token URL. A stand-in
 * xdg-open first on PATH records what it was given, as another user would read it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliArgv } from '../helpers/cli';

const REPO = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'nd-serve-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function until<T>(what: () => T | undefined, label: string, ms = 60_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const v = what();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${label}`);
}

describe.runIf(process.platform === 'linux')('serve --open (review R5.5)', () => {
  it('gives the opener a private page that redirects to the token URL, never the token itself, and removes it on stop', async () => {
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    const argsFile = join(tmp, 'opener-args');
    const copy = join(tmp, 'opened-page');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${copy}.tmp-args"\n[ -f "$1" ] && cat "$1" > "${copy}"\nmv "${copy}.tmp-args" "${argsFile}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const child = spawn(process.execPath, cliArgv('serve', '--port', '0', '--open', '--static', join(tmp, 'no-ui')), {
      cwd: REPO,
      env: { ...process.env, NEEDLEDROP_HOME: join(tmp, 'home'), PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', () => {});
    try {
      const url = await until(() => /Needledrop UI: (\S+)/.exec(out)?.[1], 'the printed URL');
      const token = new URL(url).searchParams.get('token')!;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      const args = (await until(() => (existsSync(argsFile) ? readFileSync(argsFile, 'utf8') : undefined), 'the opener')).trimEnd().split('\n');
      // What any user reads in /proc/<pid>/cmdline of the opener: no token.
      expect(args.join(' ')).not.toContain(token);
      expect(args).toHaveLength(1);
      const page = args[0];
      expect(statSync(page).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(page)).mode & 0o777).toBe(0o700);
      // The page sends the browser on to exactly the printed URL.
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(readFileSync(copy, 'utf8'))?.[1].replace(/&amp;/g, '&');
      expect(refresh).toBe(url);
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
      expect(existsSync(page)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
