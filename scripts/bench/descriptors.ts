/**
 * Tempo and key against known answers, Needledrop beside essentia.js (RhythmExtractor2013 +
 * KeyExtractor, defaults). The clips come from the annotated generator in
 * tests/helpers/annotated-music (tempo = quarter-note pulse, key = the progression's), cached as
 * WAV under .cache/. essentia.js is AGPL and a devDependency: only this bench imports it.
 *
 *   npm run bench:descriptors -- [--seed S] [--count N] [--seconds S] [--no-essentia] [--no-real] [--list]
 *
 * Defaults: seed 2027, 72 clips of 30 s (tempo and key were tuned on seed 1). --list prints every
 * clip's answers on stderr. essentia's answers are cached beside the WAVs (it takes ~25 s a clip
 * on a loaded 2-core machine).
 *
 * Prints Acc1 (±4 %), Acc2 (×2, ×3, ×½, ⅓ also right), octave errors, Acc1 by tempo band, the
 * MIREX weighted key score, exact / major / minor, seconds per clip (one process, decoding
 * included) and how well each confidence tells right from wrong (ROC AUC; null answers count as
 * wrong with confidence 0). Then the real recordings in ../shared/media/music.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { extractAudioFeatures } from '../../electron/engine/features/audio';
import { decodeAudio } from '../../electron/engine/media/decode';
import { annotatedSet, NOTE_NAMES, writeClip, type ClipSpec } from '../../tests/helpers/annotated-music/set';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '2027' },
    count: { type: 'string', default: '72' },
    seconds: { type: 'string', default: '30' },
    'no-essentia': { type: 'boolean', default: false },
    'no-real': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RATE = 44100;

interface Answer {
  bpm: number | null;
  tempoConfidence: number;
  tonic: number | null;
  mode: 'major' | 'minor' | null;
  keyConfidence: number;
  seconds: number;
}

async function needledrop(file: string): Promise<Answer> {
  const t0 = performance.now();
  const { summary } = await extractAudioFeatures(file);
  const seconds = (performance.now() - t0) / 1000;
  const key = summary.key;
  return {
    bpm: summary.tempo?.bpm ?? null,
    tempoConfidence: summary.tempo?.confidence ?? 0,
    tonic: key ? NOTE_NAMES.indexOf(key.tonic) : null,
    mode: key?.mode ?? null,
    keyConfidence: key?.confidence ?? 0,
    seconds,
  };
}

interface EssentiaApi {
  arrayToVector(a: Float32Array): unknown;
  RhythmExtractor2013(v: unknown): { bpm: number; confidence: number };
  KeyExtractor(v: unknown): { key: string; scale: string; strength: number };
}

let essentiaApi: EssentiaApi | undefined;
function essentia(): EssentiaApi {
  if (!essentiaApi) {
    const require = createRequire(import.meta.url);
    const { Essentia, EssentiaWASM } = require('essentia.js') as { Essentia: new (w: unknown) => EssentiaApi; EssentiaWASM: unknown };
    essentiaApi = new Essentia(EssentiaWASM);
  }
  return essentiaApi;
}

/** essentia's names: sharps, and flats for some keys. */
const ESSENTIA_PC: Record<string, number> = { Db: 1, Eb: 3, Gb: 6, Ab: 8, Bb: 10 };

async function essentiaAnswer(file: string): Promise<Answer> {
  const t0 = performance.now();
  const chunks: Float32Array[] = [];
  for await (const c of decodeAudio(file, { sampleRate: RATE })) chunks.push(c.slice());
  const pcm = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    pcm.set(c, o);
    o += c.length;
  }
  const e = essentia();
  const r = e.RhythmExtractor2013(e.arrayToVector(pcm));
  const k = e.KeyExtractor(e.arrayToVector(pcm));
  const seconds = (performance.now() - t0) / 1000;
  const tonic = ESSENTIA_PC[k.key] ?? NOTE_NAMES.indexOf(k.key as (typeof NOTE_NAMES)[number]);
  return { bpm: r.bpm, tempoConfidence: r.confidence, tonic, mode: k.scale === 'minor' ? 'minor' : 'major', keyConfidence: k.strength, seconds };
}

/** Answers cached per clip file (essentia is slow; the clips are deterministic). */
async function cached(cacheFile: string, fn: () => Promise<Answer>): Promise<Answer> {
  if (existsSync(cacheFile)) return JSON.parse(await readFile(cacheFile, 'utf8')) as Answer;
  const a = await fn();
  await writeFile(cacheFile, JSON.stringify(a));
  return a;
}

const within = (est: number, ref: number, tol = 0.04): boolean => Math.abs(est - ref) <= tol * ref;

function tempoVerdict(est: number | null, ref: number): { acc1: boolean; acc2: boolean; double: boolean; half: boolean } {
  if (est === null) return { acc1: false, acc2: false, double: false, half: false };
  const double = within(est, 2 * ref);
  const half = within(est, ref / 2);
  const acc1 = within(est, ref);
  return { acc1, acc2: acc1 || double || half || within(est, 3 * ref) || within(est, ref / 3), double, half };
}

/** MIREX key score (as mir_eval's weighted_score): fifth above 0.5, relative 0.3, parallel 0.2. */
function mirexKeyScore(estTonic: number | null, estMode: string | null, refTonic: number, refMode: string): number {
  if (estTonic === null || estMode === null) return 0;
  const d = (estTonic - refTonic + 12) % 12;
  if (estMode === refMode) return d === 0 ? 1 : d === 7 ? 0.5 : 0;
  if (refMode === 'major' && d === 9) return 0.3;
  if (refMode === 'minor' && d === 3) return 0.3;
  return d === 0 ? 0.2 : 0;
}

/** ROC AUC of `score` for telling `right` from wrong (ties count half); NaN when one class is empty. */
function rocAuc(score: number[], right: boolean[]): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < score.length; i++) {
    if (!right[i]) continue;
    for (let j = 0; j < score.length; j++) {
      if (right[j]) continue;
      pairs++;
      wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return pairs ? wins / pairs : NaN;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const f3 = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(3));
const f2 = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(2));

interface Column {
  name: string;
  answers: Answer[];
}

function report(specs: ClipSpec[], cols: Column[]): void {
  const rows: [string, ...string[]][] = [];
  const row = (label: string, f: (a: Answer[]) => string): void => {
    rows.push([label, ...cols.map((c) => f(c.answers))]);
  };
  const verdicts = (a: Answer[]) => a.map((x, i) => tempoVerdict(x.bpm, specs[i].bpm));
  const band = (lo: number, hi: number) => (a: Answer[]): string => {
    const v = verdicts(a).filter((_, i) => specs[i].bpm >= lo && specs[i].bpm < hi);
    return `${f2(mean(v.map((x) => +x.acc1)))} (${v.length})`;
  };
  row('tempo Acc1 (±4 %)', (a) => f3(mean(verdicts(a).map((v) => +v.acc1))));
  row('tempo Acc2 (×2, ×3, ×½, ×⅓)', (a) => f3(mean(verdicts(a).map((v) => +v.acc2))));
  row('octave errors: doubled / halved', (a) => `${verdicts(a).filter((v) => v.double).length} / ${verdicts(a).filter((v) => v.half).length}`);
  row('tempo unknown (null)', (a) => String(a.filter((x) => x.bpm === null).length));
  row('Acc1 below 90 BPM', band(0, 90));
  row('Acc1 90–130', band(90, 130));
  row('Acc1 130–180', band(130, 180));
  row('Acc1 180 and above', band(180, 1000));
  row('tempo confidence ROC AUC', (a) => f3(rocAuc(a.map((x) => x.tempoConfidence), verdicts(a).map((v) => v.acc1))));
  const keyScores = (a: Answer[]) => a.map((x, i) => mirexKeyScore(x.tonic, x.mode, specs[i].tonic, specs[i].mode));
  row('key MIREX weighted', (a) => f3(mean(keyScores(a))));
  row('key exact', (a) => f3(mean(keyScores(a).map((s) => +(s === 1)))));
  row('key weighted, major / minor', (a) => {
    const s = keyScores(a);
    return `${f2(mean(s.filter((_, i) => specs[i].mode === 'major')))} / ${f2(mean(s.filter((_, i) => specs[i].mode === 'minor')))}`;
  });
  row('key weighted, clean / noisy', (a) => {
    const s = keyScores(a);
    return `${f2(mean(s.filter((_, i) => specs[i].snrDb === null)))} / ${f2(mean(s.filter((_, i) => specs[i].snrDb !== null)))}`;
  });
  row('key unknown (null)', (a) => String(a.filter((x) => x.tonic === null).length));
  row('key confidence ROC AUC', (a) => f3(rocAuc(a.map((x) => x.keyConfidence), keyScores(a).map((s) => s === 1))));
  row('seconds per clip', (a) => f3(mean(a.map((x) => x.seconds))));
  printTable(['', ...cols.map((c) => c.name)], rows);
}

function printTable(head: string[], rows: string[][]): void {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  console.log(line(head));
  console.log(line(head.map(() => '---')));
  for (const r of rows) console.log(line(r));
}

const keyName = (a: Answer): string => (a.tonic === null ? 'unknown' : `${NOTE_NAMES[a.tonic]} ${a.mode}`);
const bpmName = (a: Answer): string => (a.bpm === null ? 'unknown' : `${a.bpm.toFixed(1)} (${a.tempoConfidence.toFixed(2)})`);

/** Reference tempi as cited in issue 14 (essentia's reading, checked by ear) and keys from the titles. */
const REAL: Record<string, { bpm?: number; key?: string }> = {
  'Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg': { bpm: 90, key: 'F# minor' },
  'Karissa_Hobbs_-_Lets_Go_Fishin.ogg': { bpm: 88 },
  'Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy.ogg': { bpm: 109, key: 'E minor' },
  'sorohanro_-_solo-trumpet-06.ogg': { bpm: 90 },
  // essentia (129.9, 136.0) and librosa's method (129.2, 136.0) agree; docs/features.md "Octave errors on real recordings".
  'Kevin_MacLeod_-_Vibe_Ace.ogg': { bpm: 130 },
  'admiralbob77_-_Choice_-_Drum-bass.ogg': { bpm: 136 },
};

async function main(): Promise<void> {
  const seed = Number(values.seed);
  const count = Number(values.count);
  const seconds = Number(values.seconds);
  const specs = annotatedSet(seed, count, seconds);
  const dir = join(ROOT, '.cache', 'descriptors-bench', `seed${seed}-${count}x${seconds}s`);
  await mkdir(dir, { recursive: true });
  const nd: Answer[] = [];
  const es: Answer[] = [];
  for (const [i, spec] of specs.entries()) {
    const file = join(dir, `${spec.id}.wav`);
    if (!existsSync(file)) await writeClip(dir, spec, RATE);
    nd.push(await needledrop(file));
    if (!values['no-essentia']) es.push(await cached(`${file}.essentia.json`, () => essentiaAnswer(file)));
    process.stderr.write(`\r${i + 1}/${specs.length}`);
    if (values.list) {
      const e = es[i];
      process.stderr.write(`\t${spec.id}\t${spec.progression}\tND ${bpmName(nd[i])} ${keyName(nd[i])}${e ? `\tES ${bpmName(e)} ${keyName(e)}` : ''}\n`);
    }
  }
  process.stderr.write('\n');
  console.log(`\n${count} generated clips of ${seconds} s (seed ${seed}), 40–240 BPM, all 12 tonics × major/minor, ${specs.filter((s) => s.snrDb !== null).length} with noise at 12–22 dB SNR\n`);
  report(specs, [{ name: 'Needledrop', answers: nd }, ...(es.length ? [{ name: 'essentia.js 0.1.3', answers: es }] : [])]);
  if (values['no-real']) return;
  const music = resolve(ROOT, '..', 'shared', 'media', 'music');
  if (!existsSync(music)) return;
  console.log('\nReal recordings (../shared/media/music); reference tempo/key where known\n');
  const rows: string[][] = [];
  for (const [name, ref] of Object.entries(REAL)) {
    const file = join(music, name);
    if (!existsSync(file)) continue;
    const a = await needledrop(file);
    const cacheDir = join(ROOT, '.cache', 'descriptors-bench', 'real');
    await mkdir(cacheDir, { recursive: true });
    const e = values['no-essentia'] ? undefined : await cached(join(cacheDir, `${basename(file)}.essentia.json`), () => essentiaAnswer(file));
    rows.push([name.replace(/\.ogg$/, '').slice(0, 48), ref.bpm ? String(ref.bpm) : '?', ref.key ?? '?', bpmName(a), keyName(a), e ? bpmName(e) : '', e ? keyName(e) : '']);
  }
  printTable(['recording', 'ref BPM', 'ref key', 'Needledrop BPM (conf)', 'Needledrop key', 'essentia BPM (conf)', 'essentia key'], rows);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
