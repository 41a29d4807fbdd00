/**
 * `needledrop demo` in a pipe (CI, `| tee`): its status lines printed "generate 3/3" and nothing of
 * the time or rate, and only the scan's analysis phase, while the CLI's own jobs end each phase on
 * "N/N in m:ss (rate)". The demo (and train-base, the dev scripts) now print through the same status
 * printer (scripts/cli/status.ts phaseStatus, timed by the engine's PhaseClock): each phase's last
 * line is its final count with the time it took. The real CLI, stderr piped, on 3 generated pairs
 * and no real recordings, so every phase counts 3 items (3 pairs rendered, 3 tracks read and
 * analysed, 3 clips matched).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phaseName } from '../../../electron/contract/wording';
import { cliArgv, REPO_ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';

const hasBase = existsSync(join(REPO_ROOT, 'models/base/model.json'));
const PAIRS = 3;

describe.skipIf(!hasBase)('demo status lines in a pipe', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-demo-pipe-'));
  });
  afterAll(() => cleanup?.());

  it('every phase ends on its final count (the number of items) with the time it took', () => {
    const r = spawnSync(process.execPath, cliArgv('demo', '--pairs', String(PAIRS), '--no-real-music', '--provider', 'cpu'), {
      cwd: REPO_ROOT,
      env: { ...process.env, NEEDLEDROP_HOME: join(dir, 'home') },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    for (const phase of ['corpus', 'hash', 'analyze', 'match']) {
      const prefix = `demo: ${phaseName(phase)} `;
      const mine = lines.filter((l) => l.startsWith(prefix));
      expect(mine.length, `${phase} in:\n${r.stderr}`).toBeGreaterThan(0);
      const last = mine[mine.length - 1];
      // "3/3 in 0:02", with "(85.3/min)" once a rate means something (3 items over 2 s).
      expect(last.slice(prefix.length), last).toMatch(new RegExp(`^${PAIRS}/${PAIRS} in \\d+:\\d\\d( \\(\\d+\\.\\d/min\\))?$`));
    }
  }, 300_000);
});
