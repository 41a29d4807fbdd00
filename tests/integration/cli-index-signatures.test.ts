/**
 * Review R2.5: `index --signatures` ended with "1 unreadable" and never said which track or why,
 * in text or --json. The real CLI indexes a tone and a file of digital silence (which has no
 * production signature) with --signatures: the silent file is named with its cause on stderr,
 * as the scan names its skipped files, and listed in --json.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../electron/engine/media/ffmpeg-path';
import { needledropSync } from '../helpers/cli';
import { makeAudio, tempDir } from './index/fixtures/media';

let root = '';
let silent = '';
const cli = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: join(root, 'home') }, ...args);

beforeAll(() => {
  root = tempDir('cli-signatures');
  makeAudio(join(root, 'lib', 'tone.wav'), { freq: 440, seconds: 6 });
  silent = join(root, 'lib', 'silent.wav');
  execFileSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '6', silent]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('index --signatures', () => {
  it('names each track left without a production signature and why, in text and in --json', () => {
    const text = cli('index', join(root, 'lib'), '--signatures', '--jobs', '1');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).toContain('index: production signatures: 1 computed, 1 without one\n');
    expect(text.stderr).toContain(`  no signature for ${silent}: silent: no signature\n`);
    // The silent track has none cached, so the next run tries it again: the --json lists it.
    const json = cli('index', join(root, 'lib'), '--signatures', '--json');
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ signatures: 'production signatures: 0 computed, 1 without one', withoutSignature: [{ path: silent, reason: 'silent: no signature' }] });
  }, 300_000);
});
