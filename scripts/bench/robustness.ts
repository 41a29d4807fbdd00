/**
 * Robustness over hostile media (tests/helpers/hostile-media.ts): index the hostile library,
 * match every hostile clip, export every hostile clip with a good track and a good clip with
 * every hostile track. Each attempt ends as ok, a clear error (an input/usage error naming the
 * file), a crash (anything else: an internal error, a stack, a non-finite number in a result) or a
 * hang (no answer within --timeout). Prints per kind, then the totals, and any ffmpeg left running.
 *
 * Run: npx tsx scripts/bench/robustness.ts [--seed N] [--timeout S] [--quick] [--keep DIR]
 *   --quick leaves out the hour of silence and the 4000×4000 video.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { openMatchSession, matchClip } from '../../electron/engine/app/match';
import { openCatalog } from '../../electron/engine/catalog/db';
import { findNonFinite } from '../../electron/engine/catalog/finite';
import { listTracks } from '../../electron/engine/catalog/tracks';
import { NeedledropError } from '../../electron/engine/errors';
import { DEFAULT_COMPONENTS } from '../../electron/engine/library/default-components';
import { indexLibrary } from '../../electron/engine/library/indexer';
import { exportClipWithTrack } from '../../electron/engine/media/export';
import { HOSTILE_KINDS, makeHostileMedia, type HostileItem } from '../../tests/helpers/hostile-media';

const { values } = parseArgs({
  options: { seed: { type: 'string' }, timeout: { type: 'string' }, quick: { type: 'boolean' }, keep: { type: 'string' }, model: { type: 'string' } },
});
const SEED = Number(values.seed ?? 13);
const TIMEOUT_MS = Number(values.timeout ?? 300) * 1000;
const MODEL = values.model ?? 'base';

type Outcome = 'ok' | 'clear error' | 'crash' | 'hang';
interface Attempt {
  kind: string;
  op: 'index' | 'match' | 'export';
  outcome: Outcome;
  detail: string;
}

const attempts: Attempt[] = [];

/** Run `op`, classify how it ended; `check` may turn a success with bad content into a crash. */
async function attempt(kind: string, op: Attempt['op'], file: string, run: (signal: AbortSignal) => Promise<unknown>, check?: (r: unknown) => string | null): Promise<void> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((r) => {
    timer = setTimeout(() => r('hang'), TIMEOUT_MS);
  });
  let outcome: Outcome;
  let detail = '';
  try {
    const r = await Promise.race([run(ctl.signal), hang]);
    if (r === 'hang') {
      ctl.abort();
      outcome = 'hang';
      detail = `no answer in ${TIMEOUT_MS / 1000} s`;
    } else {
      const bad = check?.(r) ?? null;
      outcome = bad ? 'crash' : 'ok';
      detail = bad ?? '';
    }
  } catch (err) {
    const named = err instanceof NeedledropError && (err.kind === 'input' || err.kind === 'usage') && (err.message.includes(file) || err.message.includes(basename(file)));
    outcome = named ? 'clear error' : 'crash';
    detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  } finally {
    clearTimeout(timer);
  }
  attempts.push({ kind, op, outcome, detail });
}

function leftoverFfmpeg(): string[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-a'], { encoding: 'utf8' }).split('\n').filter((l) => /ffmpeg|ffprobe/.test(l));
  } catch {
    return [];
  }
}

const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'needledrop-robustness-'));
mkdirSync(dir, { recursive: true });
const t0 = performance.now();
const set = await makeHostileMedia(dir, { seed: SEED, ...(values.quick ? { skip: ['one hour of silence', '4000×4000 frames'] } : {}) });
const made = (performance.now() - t0) / 1000;
const goodClip = set.items.find((i) => i.kind === 'good clip (mp4)')!.path;
const goodTrack = set.items.find((i) => i.kind === 'good music (ogg)')!.path;
const audioItems = set.items.filter((i) => i.role === 'audio');
const clipItems = set.items.filter((i) => i.role === 'clip');
process.stderr.write(`made ${set.items.length} hostile files (${HOSTILE_KINDS.length} kinds known) in ${made.toFixed(1)} s under ${dir}\n`);

// Index: one run over the whole library; each audio item is indexed, reported, or silently dropped (a crash).
const db = openCatalog(join(dir, 'catalog.sqlite'));
const growing = set.items.find((i) => i.grow);
const stopGrowing = growing?.grow?.();
const ti = performance.now();
let indexed = new Set<string>();
let reported = new Map<string, string>();
try {
  const report = await indexLibrary(db, [set.library], { jobs: 2, components: { ...DEFAULT_COMPONENTS, options: { model: MODEL } } });
  indexed = new Set(listTracks(db).map((t) => t.path));
  reported = new Map([...report.failed, ...report.ignored].map((f) => [f.path, f.reason]));
} catch (err) {
  process.stderr.write(`index crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
} finally {
  await stopGrowing?.();
}
const indexSeconds = (performance.now() - ti) / 1000;
for (const it of audioItems) {
  const reason = reported.get(it.path);
  const track = indexed.has(it.path) ? listTracks(db).find((t) => t.path === it.path) : undefined;
  const bad = track ? findNonFinite({ d: track.duration, s: track.summary }, 'track') : null;
  attempts.push({
    kind: it.kind,
    op: 'index',
    outcome: track ? (bad ? 'crash' : 'ok') : reason ? 'clear error' : 'crash',
    detail: track ? (bad ? `non-finite at ${bad}` : `indexed${track.summary.partial ? ' (partial)' : ''}${track.summary.nearSilent ? ' (near-silent)' : ''}`) : (reason ?? 'dropped without a report'),
  });
}
const integrity = db.pragma('integrity_check', { simple: true });

// Match every clip (and the good one) against the library.
const session = await openMatchSession(db, { version: MODEL });
const finiteScores = (r: unknown): string | null => {
  const m = r as { results: Array<{ score: number; offset: number }> };
  return findNonFinite(m.results.map((x) => [x.score, x.offset]), 'results');
};
for (const it of clipItems) await attempt(it.kind, 'match', it.path, (signal) => matchClip(session, it.path, { topK: 5, signal }), finiteScores);
await session.close();
db.close();

// Export: each clip with the good track, the good clip with each track.
const outDir = join(dir, 'out');
mkdirSync(outDir, { recursive: true });
let n = 0;
const exportWith = (it: HostileItem, clip: string, track: string): Promise<void> =>
  attempt(it.kind, 'export', it.path, (signal) => exportClipWithTrack({ clip, track, out: join(outDir, `out-${n++}.mkv`), offset: 0.5, signal }));
for (const it of clipItems) await exportWith(it, it.path, goodTrack);
for (const it of audioItems) if (it.path !== goodTrack) await exportWith(it, goodClip, it.path);

const left = leftoverFfmpeg();
const count = (f: (a: Attempt) => boolean): number => attempts.filter(f).length;
const pad = (s: string, w: number): string => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
console.log(`\n${pad('kind', 34)} ${pad('op', 7)} ${pad('outcome', 12)} detail`);
for (const a of attempts) console.log(`${pad(a.kind, 34)} ${pad(a.op, 7)} ${pad(a.outcome, 12)} ${a.detail.replace(/\s+/g, ' ').slice(0, 110)}`);
console.log('\n| measure | value |\n| --- | --- |');
const kindsTried = new Set(set.items.map((i) => i.kind)).size;
console.log(`| kinds tried | ${kindsTried} (${audioItems.length} library files, ${clipItems.length} clips) |`);
console.log(`| attempts (index + match + export) | ${attempts.length} |`);
console.log(`| crashes | ${count((a) => a.outcome === 'crash')} |`);
console.log(`| hangs (> ${TIMEOUT_MS / 1000} s) | ${count((a) => a.outcome === 'hang')} |`);
console.log(`| clear errors | ${count((a) => a.outcome === 'clear error')} |`);
console.log(`| ok | ${count((a) => a.outcome === 'ok')} |`);
console.log(`| files indexed | ${count((a) => a.op === 'index' && a.outcome === 'ok')} (of ${audioItems.length}; ${count((a) => a.op === 'index' && a.detail.includes('partial'))} flagged partial) |`);
console.log(`| files reported | ${count((a) => a.op === 'index' && a.outcome === 'clear error')} |`);
console.log(`| index wall time | ${indexSeconds.toFixed(1)} s |`);
console.log(`| catalog integrity_check | ${String(integrity)} |`);
console.log(`| ffmpeg left running | ${left.length} |`);
for (const a of attempts.filter((x) => x.outcome === 'crash' || x.outcome === 'hang')) console.log(`  ${a.outcome}: ${a.kind} (${a.op}): ${a.detail}`);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
