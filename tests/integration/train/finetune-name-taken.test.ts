/**
 * A fine-tune whose version name was taken while it trained (a folder copied in by hand; session 19's
 * note: it ended on "already exists" and the run was lost) is saved beside it under the next free
 * name, as a train run is (saveTarget, review R1.12): version "ft-2", its note first, the copied
 * folder left byte for byte. Real media made here by ffmpeg (three 9 s clips, three tones), feedback
 * only, 2 steps. Truths: the copied folder's bytes, model.json read back.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';
import { splitOf, type FeedbackJudgement } from '../../../electron/engine/train/feedback-pairs';
import { finetuneOnEdits } from '../../../electron/engine/train/finetune';

const BASE = join(import.meta.dirname, '../../../models/base');
const root = mkdtempSync(join(tmpdir(), 'nd-ft-taken-'));
const home = join(root, 'home');
const models = join(home, 'models');
const ctx = contextFromEnv({}, { dataDir: home, threads: 1 });
const tracks = new Map<number, FeatureSeq>();
const rows: FeedbackJudgement[] = [];

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

/** A clip path named `stem-k.mp4` on the split asked (the rule: a hash of the path). */
function pathOn(split: 'train' | 'val', stem: string): string {
  for (let k = 0; ; k++) {
    const p = join(root, 'clips', `${stem}-${k}.mp4`);
    if (splitOf(p) === split) return p;
  }
}

const bytesOf = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

beforeAll(async () => {
  mkdirSync(join(root, 'clips'), { recursive: true });
  // Two training clips judged with different tracks (so a batch holds negatives), one held out.
  const clips = [pathOn('train', 'a'), pathOn('train', 'b'), pathOn('val', 'c')];
  for (const [k, clip] of clips.entries()) {
    ffmpeg(['-f', 'lavfi', '-i', `${['testsrc2', 'smptehdbars', 'mandelbrot'][k]}=size=96x64:rate=10`, '-t', '9', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
    const tone = join(root, `tone-${k}.wav`);
    ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${[220, 440, 660][k]}:duration=10`, '-ar', '22050', tone]);
    tracks.set(k + 1, (await extractAudioFeatures(tone)).seq);
    rows.push({ clipPath: clip, clipStart: null, clipEnd: null, trackId: k + 1, offset: 0, verdict: 'accept' });
  }
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a fine-tune whose name was taken while it trained', () => {
  it('is saved as ft-2 with a note saying so; the folder copied in as ft stays as it was', async () => {
    let copied = false;
    const job = {
      signal: new AbortController().signal,
      progress: (phase: string) => {
        if (phase !== 'train' || copied) return;
        // Once it trains (its start checks passed), the shipped base is copied in under its name.
        cpSync(BASE, join(models, 'ft'), { recursive: true });
        copied = true;
      },
    };
    const dirs = { registry: registryOptions(ctx), userModelsDir: models, checkpointsDir: join(home, 'checkpoints'), cacheDir: join(home, 'edit-features'), feedback: { rows, trackAudio: (id: number) => tracks.get(id) } };
    const out = await finetuneOnEdits({ version: 'ft', steps: 2 }, dirs, job);
    expect(copied).toBe(true);
    expect(out).toMatchObject({ version: 'ft-2', dir: join(models, 'ft-2') });
    expect(out.notes[0]).toBe(`model version "ft" was made by something else while this run trained (${join(models, 'ft')}): this run is saved as "ft-2" instead, at ${join(models, 'ft-2')}`);
    expect(JSON.parse(readFileSync(join(models, 'ft-2', 'model.json'), 'utf8'))).toMatchObject({ version: 'ft-2', parent: 'base' });
    expect(bytesOf(join(models, 'ft'))).toEqual(bytesOf(BASE));
  }, 300_000);
});
