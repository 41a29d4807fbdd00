// A seeded, file-stratified random sample of the engine's mutants, for an engine-wide mutation
// score with a confidence interval (docs/mutation.md, "The engine as a whole").
//
//   node scripts/mutation/sample.mjs pick --seed 1616 --nodes 280   → scripts/mutation/engine-sample.json
//   node scripts/mutation/sample.mjs score [report.json]            → per-file table and the estimate
//   --name search --files 'electron/engine/search/**/*.ts': another sample (search-sample.json,
//   run as NEEDLEDROP_MUTATION_RUN=search-sample)
//
// The unit sampled is a mutated syntax node (Stryker puts 1.3 mutants on a node on average: `<`
// gives `<=` and `>=`), so every mutant of a sampled node is run and counted: a cluster sample.
// Nodes are drawn per file in proportion to the file's node count (randomised rounding), so the
// sample is self-weighting and every large file is in it. Stryker's `mutate` ranges select the
// sampled nodes; scripts/mutation/sample-ignorer.mjs keeps the nodes nested inside them out.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Instrumenter } from '@stryker-mutator/instrumenter';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The sample file of a sample name ('engine', 'search'). */
export const sampleFile = (name) => resolve(root, `scripts/mutation/${name}-sample.json`);

/** Mulberry32: a small seeded generator, so the sample is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quiet = { debug() {}, info() {}, trace() {}, warn: console.warn, error: console.error, isDebugEnabled: () => false, isTraceEnabled: () => false, isInfoEnabled: () => false };
const key = (file, loc) => `${file}:${loc.start.line}:${loc.start.column}-${loc.end.line}:${loc.end.column}`;

/** Every mutant Stryker makes in the engine's tracked .ts files, grouped by node. Lines 1-based, columns 0-based (Stryker's mutate-range convention). */
async function engineNodes(glob) {
  const files = execFileSync('git', ['ls-files', `:(glob)${glob}`], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  const inst = new Instrumenter(quiet);
  const nodes = new Map();
  for (const file of files) {
    const r = await inst.instrument([{ name: file, content: readFileSync(resolve(root, file), 'utf8'), mutate: true }], { plugins: null, excludedMutations: [], ignorers: [] });
    for (const m of r.mutants) {
      const loc = { start: { line: m.location.start.line + 1, column: m.location.start.column }, end: { line: m.location.end.line + 1, column: m.location.end.column } };
      const k = key(file, loc);
      const node = nodes.get(k) ?? { file, ...loc, mutants: 0 };
      node.mutants++;
      nodes.set(k, node);
    }
  }
  return { files, nodes: [...nodes.values()] };
}

async function pick(name, glob, seed, target) {
  const { nodes } = await engineNodes(glob);
  const rand = rng(seed);
  const byFile = new Map();
  for (const n of nodes) byFile.set(n.file, [...(byFile.get(n.file) ?? []), n]);
  const share = target / nodes.length;
  const picked = [];
  for (const [file, list] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const want = list.length * share;
    const k = Math.floor(want) + (rand() < want - Math.floor(want) ? 1 : 0);
    // Partial Fisher–Yates: k distinct nodes of this file.
    const pool = [...list];
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rand() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
      picked.push(pool[i]);
    }
    void file;
  }
  const out = { seed, files: glob, share, population: { nodes: nodes.length, mutants: nodes.reduce((s, n) => s + n.mutants, 0), files: byFile.size }, nodes: picked };
  writeFileSync(sampleFile(name), `${JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{')}\n`);
  console.log(`${picked.length} nodes (${picked.reduce((s, n) => s + n.mutants, 0)} mutants) of ${nodes.length} nodes (${out.population.mutants} mutants) in ${byFile.size} files → ${sampleFile(name)}`);
}

/** The sample's score from a Stryker JSON report: killed + timeout over all sampled mutants (no coverage counts as not killed). */
function score(name, reportPath) {
  const sample = JSON.parse(readFileSync(sampleFile(name), 'utf8'));
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const wanted = new Set(sample.nodes.map((n) => key(n.file, n)));
  const clusters = new Map(); // node → { killed, total, file }
  const perFile = new Map();
  const open = [];
  for (const [file, f] of Object.entries(report.files)) {
    const rel = file.replace(/^.*?(electron\/engine\/)/, '$1');
    for (const m of f.mutants) {
      // The report's columns are 1-based (mutation-testing-report-schema), the sample's 0-based.
      const k = key(rel, { start: { line: m.location.start.line, column: m.location.start.column - 1 }, end: { line: m.location.end.line, column: m.location.end.column - 1 } });
      if (!wanted.has(k) || m.status === 'Ignored') continue;
      const killed = m.status === 'Killed' || m.status === 'Timeout';
      const c = clusters.get(k) ?? { killed: 0, total: 0 };
      c.killed += killed ? 1 : 0;
      c.total++;
      clusters.set(k, c);
      const row = perFile.get(rel) ?? { mutants: 0, killed: 0, survived: 0, noCoverage: 0, other: 0 };
      row.mutants++;
      if (killed) row.killed++;
      else if (m.status === 'Survived') row.survived++;
      else if (m.status === 'NoCoverage') row.noCoverage++;
      else row.other++;
      perFile.set(rel, row);
      if (!killed) open.push({ file: rel, line: m.location.start.line, status: m.status, mutator: m.mutatorName, replacement: m.replacement });
    }
  }
  const missing = [...wanted].filter((k) => !clusters.has(k));
  const c = [...clusters.values()];
  const K = c.reduce((s, x) => s + x.killed, 0);
  const M = c.reduce((s, x) => s + x.total, 0);
  const p = K / M;
  // Ratio estimator over clusters (nodes): var(p) ≈ Σ (k_i − p m_i)² / (n (n − 1) m̄²).
  const n = c.length;
  const mbar = M / n;
  const se = Math.sqrt(c.reduce((s, x) => s + (x.killed - p * x.total) ** 2, 0) / (n * (n - 1) * mbar * mbar));
  const rows = [...perFile].sort(([a], [b]) => (a < b ? -1 : 1));
  console.log('| file | mutants | killed + timeout | survived | no cov. |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [file, r] of rows) console.log(`| \`${file.replace('electron/engine/', '')}\` | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.noCoverage}${r.other ? ` (+${r.other} other)` : ''} |`);
  const totals = rows.reduce((s, [, r]) => ({ survived: s.survived + r.survived, noCoverage: s.noCoverage + r.noCoverage }), { survived: 0, noCoverage: 0 });
  console.log(`\nnodes ${n} of ${wanted.size} (missing from the report: ${missing.length}), mutants ${M}, killed+timeout ${K}, survived ${totals.survived}, no coverage ${totals.noCoverage}`);
  console.log(`score ${(100 * p).toFixed(1)} %, 95 % interval ${(100 * (p - 1.96 * se)).toFixed(1)}–${(100 * (p + 1.96 * se)).toFixed(1)} % (cluster se ${(100 * se).toFixed(1)} points)`);
  if (missing.length) console.log('missing:', missing.slice(0, 20).join(' '));
  if (process.env.SHOW_OPEN) for (const o of open) console.log(JSON.stringify(o));
}

// Run as a script only (the ignorer imports SAMPLE_FILE from here).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, ...rest] = process.argv.slice(2);
  const arg = (name, dflt) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : dflt;
  };
  const name = arg('name', 'engine');
  if (cmd === 'pick') await pick(name, arg('files', 'electron/engine/**/*.ts'), Number(arg('seed', '1616')), Number(arg('nodes', '280')));
  else if (cmd === 'score') score(name, arg('report', resolve(root, `reports/mutation/mutation-${name}-sample.json`)));
  else throw new Error(`unknown command ${cmd}: pick or score`);
}
