/**
 * A write into a folder the user chose leaves the user's own files alone (review R5.1): the first
 * write into a folder removed every `*.<digits>.<digits>.tmp` whose "pid" was not running, so a
 * plan saved beside `thesis.2023.1.tmp` deleted it. Through a confined Engine's fit.savePlan, the
 * request the Match screen sends (its writer is the one M3U and hand-off files use too).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { hardCuts, musicLike } from '../../helpers/media';
import { deadPid } from '../../helpers/pids';

const tmp = mkdtempSync(join(tmpdir(), 'nd-user-temps-'));
const docs = join(tmp, 'userdocs');
let engine: Engine;
let song: string;
let clip: string;

beforeAll(async () => {
  for (const d of [docs, join(tmp, 'library'), join(tmp, 'clips')]) mkdirSync(d, { recursive: true });
  song = await musicLike(join(tmp, 'library'), { seconds: 4, bpm: 120, name: 'song.wav' });
  clip = await hardCuts(join(tmp, 'clips'), { seconds: 2, cuts: [1], fps: 25, width: 64, height: 36 });
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), confined: true }));
  await engine.call('library.addFolder', { path: join(tmp, 'library') });
  await engine.call('clip.open', { path: clip });
}, 60_000);
afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('temporary files of a write into a user folder (review R5.1)', () => {
  it("keeps the user's *.<n>.<n>.tmp files and removes only a dead Needledrop writer's", async () => {
    const users = { 'thesis.2023.1.tmp': 'my draft\n', [`report.${deadPid()}.7.tmp`]: 'other\n', 'backup.2024.12.tmp': 'backup\n' };
    for (const [name, text] of Object.entries(users)) writeFileSync(join(docs, name), text);
    const orphan = `.clip-plan.json.needledrop-${deadPid()}-3.tmp`; // what a killed Needledrop leaves
    writeFileSync(join(docs, orphan), '{"half');
    const out = join(docs, 'clip-plan.json');
    expect((await engine.call('fit.savePlan', { out, plan: { ranges: [{ sourceStart: 0, sourceEnd: 2 }] }, clip, track: song })).out).toBe(out);
    expect(readdirSync(docs).sort()).toEqual(['clip-plan.json', ...Object.keys(users)].sort());
    for (const [name, text] of Object.entries(users)) expect(readFileSync(join(docs, name), 'utf8')).toBe(text);
  });
});
