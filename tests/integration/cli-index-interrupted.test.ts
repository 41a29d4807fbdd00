/**
 * Review R4.9: a first `needledrop index DIR` stopped by Ctrl-C kept the tracks it had analysed but never
 * made DIR a library folder (that came after a finished scan), so the app showed them "not in a library
 * folder" with Scan disabled; and the CLI said "library.scan cancelled", the operation's internal name.
 * Through the real CLI, SIGINT at its first progress line; truth: the app engine's view of the same data folder.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine } from '../../electron/engine/service';
import { cliArgv, REPO_ROOT } from '../helpers/cli';
import { sharedMediaDir } from '../helpers/media';

const media = await sharedMediaDir();
const tmp = mkdtempSync(join(tmpdir(), 'nd-index-interrupted-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The CLI, sent SIGINT at its first progress line on stderr. */
function indexInterrupted(home: string, dir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, cliArgv('index', dir, '--jobs', '1'), {
      cwd: REPO_ROOT,
      env: { ...process.env, NEEDLEDROP_HOME: home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /^(hashing|analy[sz]e)\b/m.test(stderr)) {
        sent = true;
        p.kill('SIGINT');
      }
    });
    p.on('close', (code) => done({ code, stderr }));
  });
}

describe.skipIf(!media)('a first index stopped by Ctrl-C', () => {
  it('has already made the folder a library folder, and says "indexing cancelled"', async () => {
    const home = join(tmp, 'home');
    const music = join(tmp, 'music');
    mkdirSync(music);
    const oggs = readdirSync(join(media ?? '', 'music')).filter((f) => f.endsWith('.ogg')).slice(0, 4);
    for (const f of oggs) copyFileSync(join(media ?? '', 'music', f), join(music, f));

    const r = await indexInterrupted(home, music);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('needledrop index: indexing cancelled');
    expect(r.stderr).not.toContain('library.scan');

    const engine = new Engine(contextFromEnv({}, { dataDir: home }));
    try {
      expect((await engine.call('engine.info')).libraryFolders).toEqual([music]);
      expect((await engine.call('tracks.list', { outside: true })).total).toBe(0);
    } finally {
      await engine.close();
    }
  }, 180_000);
});
