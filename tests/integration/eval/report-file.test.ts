/**
 * `eval --report FILE` (review S17): it wrote over any file without a word (a catalog copy became
 * Markdown, a video 640 bytes of text) and put a second file beside it. Now only a .md name is taken
 * (another is exit 1 naming it, as any output the command does not write: review R2.4), an existing
 * report or its .json is refused without --force (exit 1, naming the file) before the run, and with
 * --force both are replaced whole. The real CLI on a generated corpus with the shipped base.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../electron/engine/corpus';
import { cliArgv, REPO_ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';

const hasBase = existsSync(join(REPO_ROOT, 'models/base/model.json'));

describe.skipIf(!hasBase)('needledrop eval --report', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let corpus: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-eval-report-'));
    corpus = join(dir, 'corpus');
    await generateCorpus({ outDir: corpus, pairs: 12, seed: 7, jobs: 1, clipSeconds: 4, trackSeconds: 8 });
  }, 120_000);
  afterAll(() => cleanup?.());

  const run = (...args: string[]) =>
    spawnSync(process.execPath, cliArgv('eval', '--corpus', corpus, '--model', 'base', '--provider', 'cpu', '--split', 'test', ...args), {
      cwd: REPO_ROOT,
      env: { ...process.env, NEEDLEDROP_HOME: join(dir, 'home') },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('refuses a name that is not .md, exit 1 naming the file (a file it does not write, review R2.4): the file and no sibling are written', () => {
    const video = join(dir, 'vid.mp4');
    const bytes = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]);
    writeFileSync(video, bytes);
    const r = run('--report', video);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(`needledrop eval: ${video}: a report must be named .md (its JSON is written beside it as .json)\n`);
    expect(readFileSync(video)).toEqual(bytes);
    expect(existsSync(`${video}.json`)).toBe(false);
  }, 60_000);

  it('refuses an existing report, or its .json, without --force, naming it; both files stay as they were', () => {
    const md = join(dir, 'precious.md');
    writeFileSync(md, 'precious\n');
    let r = run('--report', md);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${md}: already exists (pass --force to overwrite it)`);
    expect(readFileSync(md, 'utf8')).toBe('precious\n');
    expect(existsSync(join(dir, 'precious.json'))).toBe(false);

    const json = join(dir, 'other.json');
    writeFileSync(json, '{"mine":1}');
    r = run('--report', join(dir, 'other.md'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${json}: already exists`);
    expect(readFileSync(json, 'utf8')).toBe('{"mine":1}');
    expect(existsSync(join(dir, 'other.md'))).toBe(false);
  }, 60_000);

  it('writes a new report as .md and .json, and replaces both whole with --force', () => {
    const out = join(dir, 'reports');
    const md = join(out, 'r.md');
    let r = run('--report', md);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(/^# Evaluation on corpus seed 7 \(test split, \d+ pairs\)/);
    const doc = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as { seed: number; reports: unknown[] };
    expect(doc.seed).toBe(7);
    expect(doc.reports.length).toBeGreaterThan(0);

    writeFileSync(md, 'old\n');
    writeFileSync(join(out, 'r.json'), 'old');
    r = run('--report', md, '--force');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(/^# Evaluation on corpus seed 7/);
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'))).toMatchObject({ seed: 7 });
    expect(readdirSync(out).sort()).toEqual(['r.json', 'r.md']); // no temporary file left behind
  }, 240_000);
});
