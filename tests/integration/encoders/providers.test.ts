/** Execution-provider choice and fallback, against the real onnxruntime-node on this machine. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../../electron/engine/encoders/encoder';
import { encoderToOnnx } from '../../../electron/engine/encoders/onnx-export';
import { cudaProviderInstalled } from '../../../electron/engine/encoders/providers';
import { openEncoder } from '../../../electron/engine/encoders/runtime';
import { NeedledropError } from '../../../electron/engine/errors';

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
