/**
 * The saved fit plan's command and document (electron/engine/fit/plan-file.ts planDocument,
 * shellWord): each word comes back whole from a POSIX shell, whatever it holds; a plain path is
 * written as it is; a range's In or Out point appears exactly when it was given (0 included).
 * Truths: /bin/sh itself splitting the command (printf prints each word it receives on a line).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planDocument, savePlan, shellWord } from '../../../electron/engine/fit/plan-file';

const tmp = mkdtempSync(join(tmpdir(), 'nd-plan-words-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The words /bin/sh makes of `line` (none may hold a line break). */
const shellSplit = (line: string): string[] => spawnSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' }).stdout.split('\n').slice(0, -1);

const plan = { ranges: [{ sourceStart: 0, sourceEnd: 10, outputStart: 0 }] };

describe('shellWord', () => {
  it('every word comes back whole from sh, whatever shell characters it holds', () => {
    const words = ['plain', 'a b', "it's", "''", 'a"b', '$HOME', '`id`', 'a;b', 'a&b', 'a|b', '*', '?', '~', '#x', 'a\\b', '(x)', '<x>', '!x', '{a,b}', 'a\tb', '-', 'x y z'];
    const line = words.map(shellWord).join(' ');
    expect(shellSplit(line)).toEqual(words);
  });

  it('an empty word is one empty word, not none', () => {
    expect(shellSplit(`a ${shellWord('')} b`)).toEqual(['a', '', 'b']);
  });

  it('a word of path characters only is written as it is', () => {
    for (const w of ['/music/x.flac', 'a_b-c.d', 'user@host:/p', '100%', 'a+b=c', 'a,b', '--start', '25.8']) expect(shellWord(w)).toBe(w);
  });

  it('a word with anything else is quoted (a space at either end too)', () => {
    for (const w of [' lead', 'trail ', 'mid dle', 'a*b', 'é']) {
      expect(shellWord(w)).not.toBe(w);
      expect(shellSplit(shellWord(w))).toEqual([w]);
    }
  });
});

describe('planDocument', () => {
  it('no range: neither --start nor --end, and no start or end in the document', () => {
    const doc = planDocument({ clip: '/c.mp4', track: '/t.wav', plan }, '/p/x-plan.json');
    expect(doc.command).toBe('needledrop fit /c.mp4 /t.wav --plan /p/x-plan.json --handoff FOLDER');
    expect(Object.keys(doc).sort()).toEqual(['clip', 'command', 'plan', 'track']);
    expect(doc.plan).toBe(plan);
  });

  it('an In point at 0 is said; an Out point alone is said alone', () => {
    const fromZero = planDocument({ clip: '/c.mp4', track: '/t.wav', start: 0, plan }, '/p.json');
    expect(shellSplit(fromZero.command)).toEqual(['needledrop', 'fit', '/c.mp4', '/t.wav', '--start', '0', '--plan', '/p.json', '--handoff', 'FOLDER']);
    expect([fromZero.start, 'end' in fromZero]).toEqual([0, false]);
    const outOnly = planDocument({ clip: '/c.mp4', track: '/t.wav', end: 7.5, plan }, '/p.json');
    expect(shellSplit(outOnly.command)).toEqual(['needledrop', 'fit', '/c.mp4', '/t.wav', '--end', '7.5', '--plan', '/p.json', '--handoff', 'FOLDER']);
    expect(['start' in outOnly, outOnly.end]).toEqual([false, 7.5]);
  });
});

describe('savePlan', () => {
  it('takes a .json name in any case; the file ends with a line break', async () => {
    const file = join(tmp, 'Clip-Plan.JSON');
    expect(await savePlan(file, { clip: '/c.mp4', track: '/t.wav', plan }, false)).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ clip: '/c.mp4', track: '/t.wav', plan, command: `needledrop fit /c.mp4 /t.wav --plan ${file} --handoff FOLDER` });
  });

  it('refuses a name with no extension, naming the file', async () => {
    await expect(savePlan(join(tmp, 'plan'), { clip: '/c.mp4', track: '/t.wav', plan }, false)).rejects.toThrow(/plan: a fit plan is saved as \.json: name the file …-plan\.json/);
  });
});
