/**
 * What a confined front may replace as a playlist (review R1.9's rule, own-output.ts): a plain M3U
 * has no header, so an existing text file named .m3u8/.m3u is a playlist and may be replaced after
 * the user's Overwrite (the e2e's "my own list" was refused when #EXTM3U was required); a binary
 * file of that name, a text file of another name and a link are not.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notOwnOutput, OUTPUT_KINDS } from '../../../electron/engine/service/own-output';

const dir = mkdtempSync(join(tmpdir(), 'nd-own-m3u-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('an existing playlist file a confined request may replace', () => {
  it('replaces an extended or a plain M3U (text) named .m3u8 or .m3u, and a missing file', async () => {
    expect(await notOwnOutput(file('ext.m3u8', '#EXTM3U\n#EXTINF:3,a\na.mp3\n'), OUTPUT_KINDS.m3u)).toBeNull();
    expect(await notOwnOutput(file('plain.m3u8', 'my own list\n'), OUTPUT_KINDS.m3u)).toBeNull();
    expect(await notOwnOutput(file('PLAIN.M3U', 'a.mp3\r\nb.mp3\r\n'), OUTPUT_KINDS.m3u)).toBeNull();
    expect(await notOwnOutput(join(dir, 'new.m3u8'), OUTPUT_KINDS.m3u)).toBeNull();
  });

  it('refuses a binary file of that name, a text file of another name, and a link', async () => {
    const binary = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(16), Buffer.from('audio')]);
    expect(await notOwnOutput(file('song.m3u8', binary), OUTPUT_KINDS.m3u)).toMatch(/exists and is not an M3U playlist/);
    expect(await notOwnOutput(file('config.json', '{"a":1}\n'), OUTPUT_KINDS.m3u)).toMatch(/exists and is not an M3U playlist/);
    const target = file('target.m3u8', '#EXTM3U\n');
    const link = join(dir, 'link.m3u8');
    symlinkSync(target, link);
    expect(await notOwnOutput(link, OUTPUT_KINDS.m3u)).toMatch(/symbolic link/);
  });
});
