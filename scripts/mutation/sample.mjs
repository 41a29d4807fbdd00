// A seeded, file-stratified random sample of the engine's mutants, for an engine-wide mutation
// score with a confidence interval (docs/mutation.md, "The engine as a whole").
//
//   node scripts/mutation/sample.mjs pick --seed 1616 --nodes 280   → scripts/mutation/engine-sample.json
//   node scripts/mutation/sample.mjs score [report.json]            → per-file table and the estimate
//   --name search --files 'electron/engine/search/**/*.ts': another sample (search-sample.json,
//   run as NEEDLEDROP_MUTATION_RUN=search-sample)
//   node scripts/mutation/sample.mjs relocate --name engine --commit SHA  → the sample moved onto the code of SHA
//
// Relocation (docs/mutation.md, session 8): positions go stale when files are edited. `relocate`
// finds each drawn node in the code of a commit by its text (scripts/mutation/relocate.mjs); a node
// whose code was deleted or edited is dropped ("deleted"), and the nodes that are new since the
// sample's base are drawn at the sample's own share (a fresh seed), so the sample stays a
// self-weighting sample of the code of that commit. The sample records the commit its positions
// refer to (`base`; `bases` per file where the draw's working tree was ahead of its commit).
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
import { matchNodes, offsetOf } from './relocate.mjs';

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

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });

/** The mutated nodes of one file's text (Stryker's own instrumenter: no tests run). Lines 1-based, columns 0-based (Stryker's mutate-range convention). */
async function fileNodes(inst, file, content) {
  const r = await inst.instrument([{ name: file, content, mutate: true }], { plugins: null, excludedMutations: [], ignorers: [] });
  const nodes = new Map();
  for (const m of r.mutants) {
    const loc = { start: { line: m.location.start.line + 1, column: m.location.start.column }, end: { line: m.location.end.line + 1, column: m.location.end.column } };
    const k = key(file, loc);
    const node = nodes.get(k) ?? { file, ...loc, mutants: 0 };
    node.mutants++;
    nodes.set(k, node);
  }
  return [...nodes.values()];
}

/** Every mutant Stryker makes in the engine's tracked .ts files, grouped by node. */
async function engineNodes(glob, exclude) {
  const files = git('ls-files', `:(glob)${glob}`, ...(exclude ? [`:(exclude,glob)${exclude}`] : [])).split('\n').filter(Boolean);
  const inst = new Instrumenter(quiet);
  const nodes = [];
  for (const file of files) nodes.push(...(await fileNodes(inst, file, readFileSync(resolve(root, file), 'utf8'))));
  return { files, nodes };
}

/** A short excerpt of a node's source, so a reader of the sample file sees what was drawn. */
function excerpt(content, node) {
  const t = content.slice(offsetOf(content, node.start), offsetOf(content, node.end)).replace(/\s+/g, ' ');
  return t.length <= 80 ? t : `${t.slice(0, 60)} … ${t.slice(-15)}`;
}

/** Randomised rounding of `share` nodes from `list`, drawn without replacement (partial Fisher–Yates). */
function draw(list, share, rand) {
  const want = list.length * share;
  const k = Math.floor(want) + (rand() < want - Math.floor(want) ? 1 : 0);
  const pool = [...list];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

const writeSample = (name, out) => writeFileSync(sampleFile(name), `${JSON.stringify(out, null, 0).replace(/\},\{"file"/g, '},\n{"file"')}\n`);

async function pick(name, glob, exclude, seed, target) {
  const { nodes } = await engineNodes(glob, exclude);
  const rand = rng(seed);
  const byFile = new Map();
  for (const n of nodes) byFile.set(n.file, [...(byFile.get(n.file) ?? []), n]);
  const share = target / nodes.length;
  const picked = [];
  for (const [, list] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) picked.push(...draw(list, share, rand));
  const dirty = git('status', '--porcelain', '--', `:(glob)${glob}`).trim();
  if (dirty) console.warn(`warning: files differ from HEAD, so the sample's base commit does not hold the drawn code:\n${dirty}`);
  for (const n of picked) n.text = excerpt(readFileSync(resolve(root, n.file), 'utf8'), n);
  const out = { seed, files: glob, ...(exclude ? { exclude } : {}), share, base: git('rev-parse', 'HEAD').trim(), population: { nodes: nodes.length, mutants: nodes.reduce((s, n) => s + n.mutants, 0), files: byFile.size }, nodes: picked };
  writeSample(name, out);
  console.log(`${picked.length} nodes (${picked.reduce((s, n) => s + n.mutants, 0)} mutants) of ${nodes.length} nodes (${out.population.mutants} mutants) in ${byFile.size} files → ${sampleFile(name)}`);
}

/** A glob as a regular expression (`**`, `*`, `{a,b}`): enough for the sample globs. */
function globRegex(glob) {
  const src = glob.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(?:.*/)?').replace(/\{([^}]*)\}/g, (_, alts) => `(?:${alts.split(',').join('|')})`);
  return new RegExp(`^${src}$`);
}

/**
 * One-off: record which commit each drawn file's positions refer to, for a sample drawn before
 * samples recorded their base (the first of `commits` where every drawn node of the file is a
 * mutated node with the same mutant count).
 */
async function anchor(name, commits) {
  const sample = JSON.parse(readFileSync(sampleFile(name), 'utf8'));
  const inst = new Instrumenter(quiet);
  const bases = {};
  for (const file of [...new Set(sample.nodes.map((n) => n.file))].sort()) {
    const drawn = sample.nodes.filter((n) => n.file === file);
    for (const commit of commits) {
      const content = git('show', `${commit}:${file}`);
      const have = new Map((await fileNodes(inst, file, content)).map((n) => [key(file, n), n.mutants]));
      if (!drawn.every((n) => have.get(key(file, n)) === n.mutants)) continue;
      if (commit !== commits[0]) bases[file] = commit;
      for (const n of drawn) n.text = excerpt(content, n);
      break;
    }
    if (!drawn[0].text) throw new Error(`${file}: no commit of ${commits.join(', ')} holds all its drawn nodes`);
  }
  writeSample(name, { ...sample, base: commits[0], bases, nodes: sample.nodes });
  console.log(`base ${commits[0]}; other bases: ${JSON.stringify(bases)}`);
}

/**
 * Move the sample onto the code of `commit`: each drawn node is found by its text, one whose code
 * was deleted or edited is dropped, and the nodes new since the base are drawn at the same share.
 */
async function relocate(name, commit, seed, exclude) {
  const sample = { ...JSON.parse(readFileSync(sampleFile(name), 'utf8')), ...(exclude ? { exclude } : {}) };
  const baseOf = (file) => sample.bases?.[file] ?? sample.base;
  if (!sample.base) throw new Error(`${sampleFile(name)} records no base commit: run anchor first`);
  const inst = new Instrumenter(quiet);
  const pattern = globRegex(sample.files);
  const left = sample.exclude ? globRegex(sample.exclude) : undefined;
  const files = git('ls-tree', '-r', '--name-only', commit).split('\n').filter((f) => pattern.test(f) && !left?.test(f));
  const rand = rng(seed);
  const kept = [];
  const added = [];
  const deleted = [];
  let moved = 0;
  let population = { nodes: 0, mutants: 0, files: files.length };
  const drawnFiles = new Set(sample.nodes.map((n) => n.file));
  for (const file of [...new Set([...files, ...drawnFiles])].sort()) {
    const drawn = sample.nodes.filter((n) => n.file === file);
    const content = files.includes(file) ? git('show', `${commit}:${file}`) : undefined;
    const now = content === undefined ? [] : await fileNodes(inst, file, content);
    population = { ...population, nodes: population.nodes + now.length, mutants: population.mutants + now.reduce((s, n) => s + n.mutants, 0) };
    let old;
    try {
      old = git('show', `${baseOf(file)}:${file}`);
    } catch {
      old = undefined; // a file new since the base: all of its nodes are new
    }
    if (old === content) {
      kept.push(...drawn);
      continue;
    }
    const before = old === undefined ? [] : await fileNodes(inst, file, old);
    const span = (text) => (n) => ({ start: offsetOf(text, n.start), end: offsetOf(text, n.end) });
    const match = content === undefined ? before.map(() => undefined) : matchNodes(old ?? '', content, before.map(span(old ?? '')), now.map(span(content)));
    const imageOf = new Map(before.map((n, i) => [key(file, n), match[i]]));
    for (const n of drawn) {
      const j = imageOf.get(key(file, n));
      if (j === undefined) {
        deleted.push({ ...n, base: baseOf(file) });
        continue;
      }
      const to = now[j];
      if (key(file, to) !== key(file, n)) moved++;
      kept.push({ ...n, start: to.start, end: to.end, mutants: to.mutants });
    }
    const matched = new Set(match.filter((j) => j !== undefined));
    const fresh = now.filter((_, j) => !matched.has(j));
    for (const n of draw(fresh, sample.share, rand)) added.push({ ...n, text: excerpt(content, n), added: commit });
  }
  const nodes = [...kept, ...added].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start.line - b.start.line || a.start.column - b.start.column));
  const relocation = { from: sample.base, to: commit, seed, kept: kept.length, moved, deleted: deleted.length, added: added.length };
  const { bases: _bases, ...rest } = sample;
  writeSample(name, { ...rest, base: commit, population, relocations: [...(sample.relocations ?? []), relocation], deleted: [...(sample.deleted ?? []), ...deleted], nodes });
  console.log(`relocated onto ${commit}: ${kept.length} kept (${moved} moved), ${deleted.length} deleted or edited, ${added.length} drawn from new code (seed ${seed}); ${nodes.length} nodes`);
  for (const d of deleted) console.log(`deleted: ${key(d.file, d)} ${d.text ?? ''}`);
  for (const a of added) console.log(`added: ${key(a.file, a)} ${a.text}`);
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
  // Relocations (above): drawn nodes whose code was deleted or edited are out of the sample of today's code.
  for (const r of sample.relocations ?? []) console.log(`relocation ${r.from.slice(0, 7)} → ${r.to.slice(0, 7)}: ${r.kept} kept (${r.moved} moved), ${r.deleted} deleted or edited, ${r.added} drawn from new code`);
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
  // Not engine code Stryker can test: the AssemblyScript source of the wasm kernel (tests run its compiled build).
  const exclude = arg('exclude', name === 'engine' ? 'electron/engine/features/wasm/assembly/**' : undefined);
  if (cmd === 'pick') await pick(name, arg('files', 'electron/engine/**/*.ts'), exclude, Number(arg('seed', '1616')), Number(arg('nodes', '280')));
  else if (cmd === 'anchor') await anchor(name, arg('commits', '').split(',').filter(Boolean));
  else if (cmd === 'relocate') {
    const commit = git('rev-parse', arg('commit', 'HEAD')).trim();
    const sample = JSON.parse(readFileSync(sampleFile(name), 'utf8'));
    // A fresh seed per relocation, so the nodes drawn from new code are independent of the first draw.
    await relocate(name, commit, Number(arg('seed', String(sample.seed + 1 + (sample.relocations?.length ?? 0)))), exclude);
  } else if (cmd === 'score') score(name, arg('report', resolve(root, `reports/mutation/mutation-${name}-sample.json`)));
  else throw new Error(`unknown command ${cmd}: pick, anchor, relocate or score`);
}
