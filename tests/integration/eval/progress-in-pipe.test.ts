/**
 * Progress in a pipe (review T3): with stderr not a terminal, `eval` and `train` throttle their status
 * line to one line every few seconds, so a quick phase printed its first count ("Computing features
 * 1/48") and nothing after. Each phase's last count (N/N in m:ss) is now always printed, as index's is.
 * The real CLI, stderr piped, on a generated corpus with the shipped base.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phaseName } from '../../../electron/contract/wording';
import { cliArgv, REPO_ROOT } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/media';

const hasBase = existsSync(join(REPO_ROOT, 'models/base/model.json'));

/** Every "LABEL: <phase> done/total…" line of stderr for the phase, in order. */
function counts(stderr: string, label: string, phase: string): Array<{ done: number; total: number; line: string }> {
  const prefix = `${label}: ${phaseName(phase)} `;
  return stderr
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => {
      const m = /^(\d+)\/(\d+)/.exec(line.slice(prefix.length));
      if (!m) throw new Error(`no count in the status line "${line}"`);
      return { done: Number(m[1]), total: Number(m[2]), line };
    });
}

describe.skipIf(!hasBase)('status lines in a pipe', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let corpus: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-progress-pipe-'));
    corpus = join(dir, 'corpus');
    await tinyCorpus(corpus, 7);
  }, 120_000);
  afterAll(() => cleanup?.());

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, cliArgv(...args), {
      cwd: REPO_ROOT,
      env: { ...process.env, NEEDLEDROP_HOME: join(dir, 'home') },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 240_000,
    });

  it('eval ends its features phase on N/N with the time it took', () => {
    const r = cli('eval', '--corpus', corpus, '--model', 'base', '--provider', 'cpu', '--split', 'test');
    expect(r.status, r.stderr).toBe(0);
    const seen = counts(r.stderr, 'eval', 'features');
    expect(seen.length, r.stderr).toBeGreaterThan(0);
    const last = seen[seen.length - 1];
    expect(last.done, last.line).toBe(last.total);
    expect(last.line).toMatch(/ in \d+:\d\d/);
  }, 240_000);

  it('train ends its features phase on N/N with the time it took', () => {
    const r = cli('train', '--corpus', corpus, '--version', 'pipe-1', '--steps', '2', '--out', join(dir, 'models'));
    expect(r.status, r.stderr).toBe(0);
    const seen = counts(r.stderr, 'train', 'features');
    expect(seen.length, r.stderr).toBeGreaterThan(0);
    const last = seen[seen.length - 1];
    expect(last.done, last.line).toBe(last.total);
    expect(last.line).toMatch(/ in \d+:\d\d/);
  }, 240_000);
});
