/**
 * `needledrop eval-similar DIR`: album retrieval (MAP@R, R-precision, P@1; album = first folder
 * under DIR) for the descriptor statistics, the mood space, the learned music space, their
 * combination, and chance. Indexes DIR first into a temporary catalog, removed afterwards, so an
 * evaluation never adds its albums to the user's library and its scores depend on DIR alone; with
 * `--db PATH` into that catalog (incremental: nothing to do when DIR is catalogued there, so
 * reruns are quick). Then computes the tracks' production signatures (in the music-space folder
 * beside that catalog, as the app does; `--no-production` leaves them out).
 * `--labels FILE` (JSON: track path relative to DIR → label) replaces the album folders as the labels:
 * album-set's composer-labels.json counts a track of another album by the same composer as a hit.
 * A development evaluation (like the corpus and the demo): it measures engine modules directly,
 * so it lives in the development wing, outside the fronts' import rule.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openCatalog } from '../../electron/engine/catalog/db';
import { indexLibrary } from '../../electron/engine/library/indexer';
import { useBackend, type BackendName } from '../../electron/engine/metric/backend';
import { isLossName } from '../../electron/engine/metric/losses';
import { activeModel } from '../../electron/engine/models/registry';
import { evaluateSimilarity, type SimilarityScores, type SpaceScores } from '../../electron/engine/similarity/evaluate';
import { updateProductionSignatures } from '../../electron/engine/similarity/music-space';
import { num, parse, printJson } from '../cli/args';
import { usageError } from '../cli/errors';
import { interruptSignal, phaseStatus } from '../cli/status';
import { errorMessage } from '../../electron/engine/util/error-message';

export const usage =
  'needledrop eval-similar DIR [--db PATH] [--model V] [--steps N] [--loss L] [--music-weight W] [--labels FILE] [--no-halves] [--no-production] [--backend wasm|cpu] [--jobs N] [--json]';
export const example = 'needledrop eval-similar .cache/albums/set --db .cache/albums/catalog.sqlite --json';

const ROWS: Array<[keyof SpaceScores, string]> = [
  ['chance', 'chance'],
  ['mfccStats', 'MFCC 1–19 mean+std (z, Euclidean)'],
  ['descriptorStats', 'descriptor stats (+Δ, z, family-w, cos; before)'],
  ['profileStored', 'profile, stored features only'],
  ['profileStoredReranked', 'profile, stored features, diffusion'],
  ['profileProduction', 'profile + production, not re-ranked'],
  ['profileNeighbours', 'profile + production, DBA (playlists, map)'],
  ['profile', 'profile + production, diffusion (similar)'],
  ['mood', 'mood space (cross-modal audio encoder)'],
  ['statsPlusMood', 'profile DBA 0.8 + mood 0.2 (more-like)'],
  ['learned', 'learned music space'],
  ['learnedPlusMood', 'learned + mood'],
  ['learnedPlusStats', 'learned + served profile'],
];

/** The scores as a table whose number columns line up whatever the labels (review S12.13: long labels pushed them out). */
export function table(title: string, s: SpaceScores): string {
  const f = (x: number): string => x.toFixed(3);
  const rows = ROWS.flatMap(([key, label]) => {
    const v = s[key] as SimilarityScores | undefined;
    return v && typeof v === 'object' ? [[label, v] as const] : [];
  });
  const width = Math.max('space'.length, ...rows.map(([label]) => label.length));
  const lines = [`${title} — ${s.tracks} tracks, ${s.albums} albums`, `  ${'space'.padEnd(width)} MAP@R  R-prec  P@1`];
  for (const [label, v] of rows) lines.push(`  ${label.padEnd(width)} ${f(v.mapAtR)}  ${f(v.rPrecision)}  ${f(v.precisionAt1)}`);
  return lines.join('\n');
}

/** `--labels FILE`: a JSON object, track path relative to DIR → label (album-set's composer-labels.json), in place of the album folders. */
function readLabels(file: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw usageError(`--labels ${file}: ${errorMessage(e)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string'))
    throw usageError(`--labels ${file}: must be a JSON object of track path (relative to DIR) → label`);
  return new Map(Object.entries(parsed as Record<string, string>));
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' },
    model: { type: 'string' },
    steps: { type: 'string' },
    loss: { type: 'string' },
    'music-weight': { type: 'string' },
    labels: { type: 'string' },
    'no-halves': { type: 'boolean', default: false },
    'no-production': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    jobs: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw usageError('give exactly one folder (albums as its sub-folders)');
  const steps = num(values.steps, 'steps', { min: 1, int: true });
  const musicWeight = num(values['music-weight'], 'music-weight', { min: 0 });
  if (musicWeight !== undefined && musicWeight > 1) throw usageError('--music-weight must be in [0, 1]');
  const jobs = num(values.jobs, 'jobs', { min: 1, int: true });
  if (values.loss !== undefined && !isLossName(values.loss)) throw usageError(`unknown loss "${values.loss}"`);
  const dir = resolve(positionals[0]);
  const labels = values.labels === undefined ? undefined : readLabels(values.labels);
  const signal = interruptSignal();

  // Never the user's catalog (review S10: its other tracks changed the scores, and DIR joined the library).
  const scratch = values.db === undefined ? mkdtempSync(join(tmpdir(), 'needledrop-eval-similar-')) : null;
  const catalogFile = scratch ? join(scratch, 'catalog.sqlite') : resolve(values.db as string);
  const db = openCatalog(catalogFile);
  try {
    // Each phase ends on its final count, rate and time, in a pipe too (phaseStatus).
    const line = phaseStatus('eval-similar');
    const report = await indexLibrary(db, [dir], {
      signal,
      ...(jobs ? { jobs } : {}),
      onProgress: (p) => line.update(p.phase, p.snapshot.done, p.snapshot.total),
    });
    if (report.failed.length) for (const f of report.failed) process.stderr.write(`eval-similar: skipped ${f.path}: ${f.reason}\n`);
    const productionDir = join(dirname(catalogFile), 'music-space');
    if (!values['no-production']) {
      const prod = await updateProductionSignatures(db, productionDir, { signal, onProgress: (done, total) => line.update('production', done, total) });
      for (const f of prod.failed) process.stderr.write(`eval-similar: no production signature for ${f.path}: ${f.reason}\n`);
    }
    await useBackend(values.backend as BackendName);
    const moodVersion = values.model ?? (await activeModel());
    const result = await evaluateSimilarity(db, dir, {
      moodVersion,
      ...(values['no-production'] ? {} : { productionDir }),
      ...(labels ? { labels } : {}),
      signal,
      halves: !values['no-halves'],
      ...(musicWeight !== undefined ? { musicWeight } : {}),
      config: { ...(steps ? { steps } : {}), ...(values.loss && isLossName(values.loss) ? { loss: values.loss } : {}) },
      onProgress: (p) => line.update(p.stage, p.step, p.steps, { extra: p.loss !== undefined ? ` loss ${p.loss.toFixed(3)}` : '' }),
    });
    line.done();
    if (values.json) printJson({ catalog: scratch ? null : catalogFile, moodModel: moodVersion, ...result });
    else {
      const out = [table('trained on all albums (no labels), evaluated on all', result.all)];
      if (result.halves) {
        out.push(table(`trained on ${result.halves.trainAlbums.join(', ')}; evaluated on ${result.halves.testAlbums.join(', ')}`, result.halves.test));
        out.push(table(`same model, evaluated on the albums it trained on (${result.halves.trainAlbums.join(', ')}; the half choices were tuned on)`, result.halves.train));
        out.push(table('same model, evaluated on all albums', result.halves.all));
      }
      process.stdout.write(out.join('\n\n') + '\n');
    }
    return 0;
  } finally {
    db.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
