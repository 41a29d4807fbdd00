/**
 * The Fit panel's "Save plan" file (review R2.11): what the CLI's --plan reads back from it is the
 * plan given, its command names the clip, track, range and file as a shell reads them (a folder with
 * a space and a quote), and it refuses what export refuses (an existing file without force, a name
 * that is not .json).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { savePlan } from '../../../electron/engine/fit/plan-file';
import { readPlanFile } from '../../../scripts/cli/options';

const tmp = mkdtempSync(join(tmpdir(), 'nd-plan-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plan = {
  ranges: [
    { sourceStart: 1.5, sourceEnd: 13.4, outputStart: 0 },
    { sourceStart: 3.8, sourceEnd: 21.9, outputStart: 11.9 },
  ],
  endMode: 'ending' as const,
  tempoRatio: 1,
};

describe('savePlan', () => {
  it('writes what readPlanFile reads as the plan, and a command a shell splits back into its words', async () => {
    const dir = join(tmp, "it's a folder");
    mkdirSync(dir);
    const file = join(dir, 'clip-fit-plan.json');
    const clip = join(dir, 'clip one.mp4');
    expect(await savePlan(file, { clip, track: '/music/x.flac', start: 2, end: 25.8, plan }, false)).toBe(file);
    expect(readPlanFile(file)).toEqual(plan);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { clip: string; track: string; start: number; end: number; command: string };
    expect([doc.clip, doc.track, doc.start, doc.end]).toEqual([clip, '/music/x.flac', 2, 25.8]);
    const words = spawnSync('sh', ['-c', `printf '%s\\n' ${doc.command}`], { encoding: 'utf8' }).stdout.trimEnd().split('\n');
    expect(words).toEqual(['needledrop', 'fit', clip, '/music/x.flac', '--start', '2', '--end', '25.8', '--plan', file, '--handoff', 'FOLDER']);
  });

  it('refuses an existing file without force and a name that is not .json', async () => {
    const file = join(tmp, 'again-plan.json');
    await savePlan(file, { clip: '/c.mp4', track: '/t.wav', plan }, false);
    await expect(savePlan(file, { clip: '/c.mp4', track: '/t.wav', plan }, false)).rejects.toMatchObject({ code: 'exists', file });
    await expect(savePlan(file, { clip: '/c.mp4', track: '/t.wav', plan: { ...plan, tempoRatio: 1.01 } }, true)).resolves.toBe(file);
    expect(readPlanFile(file).tempoRatio).toBe(1.01);
    await expect(savePlan(join(tmp, 'plan.txt'), { clip: '/c.mp4', track: '/t.wav', plan }, false)).rejects.toThrow(/plan\.txt: a fit plan is saved as \.json/);
  });
});
