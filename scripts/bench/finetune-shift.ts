/**
 * The shifted-taste experiment: an editor who puts calm music under fast pictures. From a corpus
 * made by `needledrop corpus`, every train/val video is re-muxed with the music of the pair whose
 * arousal is nearest 1 − its own (the corpus's test pairs are left out, so the base benchmark on
 * them stays unseen). The active model is fine-tuned on these "edits"; printed: held-out
 * video→music Recall@10 of the parent and the new version on the same held-out windows, and the
 * base benchmark (the corpus's test split) before and after, to show what was forgotten.
 *
 *   npx tsx scripts/bench/finetune-shift.ts --corpus /tmp/corpus --out /tmp/shift [--steps 300] [--heads-only|--all-layers] [--anchor λ]
 *
 * --anchor: L2-SP strength (pull to the parent's weights) against forgetting; 0 = off.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runJob } from '../../electron/contract/api';
import { contextFromEnv, Engine } from '../../electron/engine/service';

interface Pair {
  id: string;
  split: string;
  latent: { arousal: number };
  video: string;
  music: string;
}

const { values } = parseArgs({
  options: { corpus: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string', default: '300' }, 'heads-only': { type: 'boolean' }, 'all-layers': { type: 'boolean' }, anchor: { type: 'string' } },
});
if (!values.corpus || !values.out) throw new Error('usage: --corpus DIR --out DIR [--steps N] [--heads-only|--all-layers]');
const corpus = resolve(values.corpus);
const out = resolve(values.out);
const edits = join(out, 'edits');
mkdirSync(edits, { recursive: true });
const pairs = (JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { pairs: Pair[] }).pairs;
const pool = pairs.filter((p) => p.split !== 'test');
for (const p of pool) {
  const file = join(edits, `${p.id}.mp4`);
  if (existsSync(file)) continue;
  const partner = pool.filter((q) => q.id !== p.id).reduce((a, b) => (Math.abs(b.latent.arousal - (1 - p.latent.arousal)) < Math.abs(a.latent.arousal - (1 - p.latent.arousal)) ? b : a));
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(corpus, p.video), '-i', join(corpus, partner.music), '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'aac', '-shortest', file]);
  if (r.status !== 0) throw new Error(`${file}: ffmpeg failed: ${r.stderr.toString()}`);
}

const engine = new Engine(contextFromEnv({}, { dataDir: join(out, 'home'), threads: 1 }));
type Direction = { recall1: number; recall10: number; mapAtR: number };
const v2m = (rep: unknown): Direction => (rep as { videoToMusic: Direction }).videoToMusic;
const version = `shifted-${Date.now().toString(36)}`;
try {
  const t0 = performance.now();
  const baseBefore = await runJob(engine, 'evaluate', { corpus, model: 'base' });
  const ft = await runJob(engine, 'finetune', {
    videos: edits,
    version,
    steps: Number(values.steps),
    ...(values.anchor !== undefined ? { anchor: Number(values.anchor) } : {}),
    ...(values['heads-only'] ? { headsOnly: true } : values['all-layers'] ? { headsOnly: false } : {}),
  });
  const baseAfter = await runJob(engine, 'evaluate', { corpus, model: version });
  const cells = (d: Direction): string => `${d.recall1.toFixed(3)} / ${d.recall10.toFixed(3)} / ${d.mapAtR.toFixed(3)}`;
  const row = (name: string, before: unknown, after: unknown): string => `| ${name} | ${cells(v2m(before))} | ${cells(v2m(after))} |`;
  console.log(`shifted-taste: ${pool.length} edits (${ft.pairs.train} train / ${ft.pairs.val} held-out windows), ${ft.headsOnly ? 'heads only' : 'all layers'}, anchor ${values.anchor ?? 'default'}, ${ft.stepsRun} steps (best ${ft.bestStep}), ${ft.seconds.toFixed(0)} s training, ${((performance.now() - t0) / 1000).toFixed(0)} s total, ${cpus().length} cores, TF.js wasm`);
  console.log('| v→m R@1 / R@10 / MAP@R | base | fine-tuned |\n| --- | --- | --- |');
  if (ft.heldOut.reason === null) console.log(row(`held-out edits (${ft.pairs.val} windows, same queries)`, ft.heldOut.before, ft.heldOut.after));
  else console.log(`| held-out edits | ${ft.heldOut.reason} | |`);
  console.log(row(`base benchmark (corpus test split, ${baseBefore.pairs} pairs)`, baseBefore.reports[0], baseAfter.reports[0]));
  if (ft.base) console.log(row('base benchmark inside the finetune job (fixed 24-pair corpus)', ft.base.before, ft.base.after));
} finally {
  await engine.close();
}
