/**
 * Messages that say what happened, through the real CLI process (review R22, R24, R20): an
 * explicit provider that cannot start here is one plain line, not onnxruntime's native error dump,
 * and names the fallback; a catalogued track whose folder is unplugged is said to be not there now
 * rather than "file not found"; files reached again through a link are counted as already
 * catalogued, not as "files that are not audio".
 */
import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { trackByPath } from '../../electron/engine/catalog/tracks';
import { cudaProviderInstalled } from '../../electron/engine/encoders/providers';
import { needledropWithEnv, REPO_ROOT, type CliResult } from '../helpers/cli';
import { movingBox, sine, tempDir, tones } from '../helpers/media';

describe('CLI messages that say what happened (review R22, R24, R20)', () => {
  let dir = '';
  let home = '';
  let lib = '';
  let clip = '';
  let away = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);
  const lines = (r: CliResult): string[] => r.stderr.split('\n').filter(Boolean);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-said-'));
    home = join(dir, 'home');
    lib = join(dir, 'lib');
    mkdirSync(home);
    mkdirSync(join(lib, 'local'), { recursive: true });
    mkdirSync(join(lib, 'nas'));
    await sine(join(lib, 'local'), { seconds: 12, freq: 440 });
    await tones(join(lib, 'local'), { seconds: 12, freqs: [220, 330, 550] });
    away = await sine(join(lib, 'nas'), { seconds: 12, freq: 660, name: 'away.wav' });
    clip = await movingBox(dir, { seconds: 6, speed: 40 });
    const r = await cli('index', lib);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => cleanup());

  it('R22: --provider dml / coreml / cuda that cannot start here: one plain line saying it fell back and why', async (ctx) => {
    if (process.platform !== 'linux' || cudaProviderInstalled()) ctx.skip('only meaningful on Linux without CUDA libraries');
    const encoder = join(REPO_ROOT, 'models', 'base', 'video.onnx');
    const why = {
      cuda: "onnxruntime-node's CUDA provider libraries are not installed (docs/models.md, Enabling CUDA on Linux)",
      dml: 'DirectML runs on Windows only',
      coreml: 'CoreML runs on macOS only',
    };
    for (const [provider, reason] of Object.entries(why)) {
      const r = await cli('match', clip, '--provider', provider, '--top', '1');
      expect(r.code, r.stderr).toBe(0);
      // Before: cuda dumped "[E:onnxruntime:… provider_bridge_ort.cc …]" in red; dml and coreml said nothing.
      expect(r.stderr, provider).not.toMatch(/onnxruntime::|\[E:onnxruntime|\x1b\[/);
      expect(lines(r).filter((l) => l.startsWith('needledrop: ')), provider).toEqual([`needledrop: encoder ${encoder}: execution provider fallback: ${provider}: ${reason} — using CPU`]);
      expect(r.stderr).toMatch(/^match: 1 clip in \S+ s \(provider cpu\)$/m);
    }
    // As asked, cpu says nothing more.
    const cpu = await cli('match', clip, '--provider', 'cpu', '--top', '1');
    expect(lines(cpu).filter((l) => l.startsWith('needledrop: '))).toEqual([]);
  }, 180_000);

  it('R20: files reached again through a link are "already catalogued under another path", not "not audio"', async () => {
    const links = join(dir, 'links');
    mkdirSync(links);
    symlinkSync(join(lib, 'local'), join(links, 'local'));
    const r = await cli('index', lib, join(links, 'local'));
    expect(r.code, r.stderr).toBe(0);
    // The two audio files under the link: before, "2 files that are not audio ignored".
    expect(lines(r).filter((l) => l.startsWith('  '))).toEqual(['  2 files already catalogued under another path']);
    expect(r.stderr).not.toMatch(/not audio/);
  }, 120_000);

  it('R24: a catalogued track kept while its folder is unplugged is "not there now", by path or id; a path never catalogued is still "file not found"', async () => {
    // The share goes down: its mount point is left empty, and the scan keeps the track as unavailable.
    renameSync(join(lib, 'nas'), join(dir, 'nas-away'));
    mkdirSync(join(lib, 'nas'));
    const scan = await cli('index', lib);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stderr).toMatch(/1 unavailable \(kept\)/);
    const notThere = `needledrop export: ${away}: the file is not there now (is its drive plugged in?); the catalog keeps its track until it is back`;
    const byPath = await cli('export', clip, away, '--out', join(dir, 'out.mp4'));
    expect([byPath.code, lines(byPath)]).toEqual([1, [notThere]]);
    const db = openCatalog(join(home, 'catalog.sqlite'), { readonly: true });
    const id = trackByPath(db, away)?.id;
    db.close();
    expect(id).toBeDefined();
    const byId = await cli('export', clip, String(id), '--out', join(dir, 'out.mp4'));
    expect([byId.code, lines(byId)]).toEqual([1, [notThere]]);
    const fit = await cli('fit', clip, away, '--out', join(dir, 'fit.wav'));
    expect([fit.code, lines(fit)]).toEqual([1, [notThere.replace('needledrop export:', 'needledrop fit:')]]);
    const never = join(lib, 'nas', 'never.wav');
    const missing = await cli('export', clip, never, '--out', join(dir, 'out.mp4'));
    expect([missing.code, lines(missing)]).toEqual([1, [`needledrop export: ${never}: file not found`]]);
  }, 180_000);
});
