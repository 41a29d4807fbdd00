/** Execution-provider choice and fallback, against the real onnxruntime-node on this machine. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../../electron/engine/encoders/encoder';
import { encoderToOnnx } from '../../../electron/engine/encoders/onnx-export';
import { cudaProviderInstalled } from '../../../electron/engine/encoders/providers';
import { openEncoder } from '../../../electron/engine/encoders/runtime';
import { NeedledropError } from '../../../electron/engine/errors';
import { REPO_ROOT } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'nd-providers-'));
const file = join(dir, 'video.onnx');
beforeAll(() => {
  const enc = createEncoder({ inDim: 6, window: 4, hidden: 8, outDim: 5, seed: 1 });
  writeFileSync(file, encoderToOnnx(enc.getWeights(), enc.config));
  enc.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function embedsUnitVectors(session: Awaited<ReturnType<typeof openEncoder>>): Promise<void> {
  const out = await session.embed(new Float32Array(2 * 4 * 6).fill(0.3), 2);
  expect(out.length).toBe(10);
  const norm = Math.hypot(...out.subarray(0, 5));
  expect(norm).toBeCloseTo(1, 5);
}

describe('openEncoder providers', () => {
  it('cpu is used as asked, with no fallback', async () => {
    const logs: string[] = [];
    const s = await openEncoder(file, { provider: 'cpu', log: (m) => logs.push(m) });
    expect(s.provider).toBe('cpu');
    expect(s.fallbackReason).toBeUndefined();
    expect(logs).toEqual([]);
    await embedsUnitVectors(s);
    await s.close();
  });

  // This machine has no GPU; both requests must land on CPU with the reason logged.
  for (const provider of ['cuda', 'dml'] as const) {
    it(`asking for ${provider} falls back to CPU and logs why`, async (ctx) => {
      if (provider === 'cuda' && cudaProviderInstalled()) ctx.skip('CUDA provider libraries are installed here');
      const logs: string[] = [];
      const s = await openEncoder(file, { provider, log: (m) => logs.push(m) });
      expect(s.provider).toBe('cpu');
      expect(s.fallbackReason).toMatch(new RegExp(`^${provider}: .+using CPU$`));
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain(file);
      expect(logs[0]).toContain(s.fallbackReason);
      await embedsUnitVectors(s);
      await s.close();
    });
  }

  // Review R22: a CUDA request put onnxruntime's native error on the terminal (red, a C++ source
  // line, a .so path), and DirectML / CoreML answered "backend not found". What reaches stderr now is
  // one plain line — also when the CUDA libraries are taken as installed and the load is attempted.
  it('a provider that cannot start leaves one plain line on stderr, none of onnxruntime\'s own', async (ctx) => {
    if (process.platform !== 'linux' || cudaProviderInstalled()) ctx.skip('only meaningful on Linux without CUDA libraries');
    const runtime = join(REPO_ROOT, 'electron', 'engine', 'encoders', 'runtime.ts');
    const cases = [
      { provider: 'cuda', tried: false, reason: /^cuda: onnxruntime-node's CUDA provider libraries are not installed \(docs\/models\.md, Enabling CUDA on Linux\) — using CPU$/ },
      { provider: 'cuda', tried: true, reason: /^cuda: .+ \(the NVIDIA driver, CUDA 12 and cuDNN 9 must be on the library path; `ldd .+libonnxruntime_providers_cuda\.so` names what is missing\) — using CPU$/ },
      { provider: 'dml', tried: false, reason: /^dml: DirectML runs on Windows only — using CPU$/ },
      { provider: 'coreml', tried: false, reason: /^coreml: CoreML runs on macOS only — using CPU$/ },
    ];
    for (const c of cases) {
      const code = `const { openEncoder } = await import(${JSON.stringify(runtime)});
        const s = await openEncoder(${JSON.stringify(file)}, { provider: ${JSON.stringify(c.provider)}${c.tried ? ', cudaInstalled: true' : ''} });
        process.stdout.write(JSON.stringify({ provider: s.provider, reason: s.fallbackReason }));
        await s.close();`;
      const r = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('close', (exit) => done({ code: exit, out, err }));
      });
      const label = `${c.provider}${c.tried ? ' (tried)' : ''}`;
      expect(r.code, `${label}: ${r.err}`).toBe(0);
      const { provider, reason } = JSON.parse(r.out) as { provider: string; reason: string };
      expect([label, provider]).toEqual([label, 'cpu']);
      expect(reason, label).toMatch(c.reason);
      expect(r.err.split('\n').filter(Boolean), label).toEqual([`encoder ${file}: execution provider fallback: ${reason}`]);
    }
  }, 120_000);

  it('auto on Linux without CUDA libraries goes straight to CPU without a fallback', async (ctx) => {
    if (process.platform !== 'linux' || cudaProviderInstalled()) ctx.skip('only meaningful on Linux without CUDA libraries');
    const logs: string[] = [];
    const s = await openEncoder(file, { provider: 'auto', log: (m) => logs.push(m) });
    expect([s.provider, s.fallbackReason, logs.length]).toEqual(['cpu', undefined, 0]);
    await s.close();
  });

  it('refuses a damaged or foreign file with an input error naming it', async () => {
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(file).subarray(0, 200));
    const text = join(dir, 'text.onnx');
    writeFileSync(text, 'this is not a model');
    for (const bad of [truncated, text, join(dir, 'missing.onnx')]) {
      const err = await openEncoder(bad, { provider: 'cpu' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NeedledropError);
      expect((err as NeedledropError).kind).toBe('input');
      expect((err as NeedledropError).message).toContain(bad);
    }
  });

  it('rejects a batch whose length does not match n × W × D', async () => {
    const s = await openEncoder(file, { provider: 'cpu' });
    await expect(s.embed(new Float32Array(10), 2)).rejects.toThrow(/expected 2 × 4 × 6 = 48 floats, got 10/);
    await s.close();
  });
});
