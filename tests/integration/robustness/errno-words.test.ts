/**
 * Review S12.15: an fs error read as its errno code in some messages and as words in others —
 * `index` said "skipped …/unread.ogg: cannot read (EACCES)" and `export` "cannot write in … (EACCES)"
 * where match and probe said "permission denied". Every engine message now words it through one
 * helper (util/errno). The reviewer's two cases, through the real CLI as a user whose file modes
 * apply (nobody, under root), on real recordings from shared/media.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ROOT, canDropRoot, needledropUnprivileged } from '../../helpers/cli';
import { sharedMediaDir, tempDir } from '../../helpers/media';

const media = await sharedMediaDir();
let tmp: { dir: string; cleanup: () => Promise<void> };
let home: string;
const env = () => ({ NEEDLEDROP_HOME: home });

describe.skipIf(!media || !canDropRoot() || process.platform === 'win32')('fs errors in words', () => {
  beforeAll(async () => {
    tmp = await tempDir('needledrop-errno-words-');
    chmodSync(tmp.dir, 0o755);
    home = join(tmp.dir, 'home');
    mkdirSync(join(tmp.dir, 'lib'));
    mkdirSync(home);
    copyFileSync(join(media!, 'music', 'sorohanro_-_solo-trumpet-06.ogg'), join(tmp.dir, 'lib', 'trumpet.ogg'));
    copyFileSync(join(media!, 'music', 'admiralbob77_-_Choice_-_Drum-bass.ogg'), join(tmp.dir, 'lib', 'unread.ogg'));
    chmodSync(join(tmp.dir, 'lib', 'trumpet.ogg'), 0o644);
    chmodSync(join(tmp.dir, 'lib', 'unread.ogg'), 0o000);
    mkdirSync(join(tmp.dir, 'ro'), { mode: 0o555 });
    chmodSync(join(tmp.dir, 'ro'), 0o555);
    if (AS_ROOT) execFileSync('chown', ['nobody:nogroup', home]);
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it('index: a file it may not read is skipped with "permission denied", in the report and the text', async () => {
    const lib = join(tmp.dir, 'lib');
    const json = await needledropUnprivileged(env(), 'index', lib, '--jobs', '1', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { failed: unknown[] }).failed).toEqual([{ path: join(lib, 'unread.ogg'), reason: 'cannot read (permission denied)' }]);
    const text = await needledropUnprivileged(env(), 'index', lib, '--jobs', '1');
    expect(text.stdout + text.stderr).toContain(`skipped ${join(lib, 'unread.ogg')}: cannot read (permission denied)`);
    expect(text.stdout + text.stderr).not.toMatch(/\bE[A-Z]{3,}\b/);
  }, 180_000);

  it('export into a folder it may not write: "permission denied", naming the folder; nothing written', async () => {
    const out = join(tmp.dir, 'ro', 'x.mp4');
    const r = await needledropUnprivileged(env(), 'export', join(media!, 'video', 'fire2.mp4'), join(tmp.dir, 'lib', 'trumpet.ogg'), '--offset', '0', '--out', out);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${out}: cannot write in ${join(tmp.dir, 'ro')} (permission denied)`);
    expect(existsSync(out)).toBe(false);
  }, 180_000);
});
