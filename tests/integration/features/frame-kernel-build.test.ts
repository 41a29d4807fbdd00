/**
 * The committed kernel bytes (electron/engine/features/wasm/frame-kernel-wasm.ts) are what the
 * committed AssemblyScript source compiles to: nobody edits one without the other.
 */
import { describe, expect, it } from 'vitest';
import { FRAME_KERNEL_WASM } from '../../../electron/engine/features/wasm/frame-kernel-wasm';
import { compileKernel, kernelModuleText } from '../../../scripts/build-wasm';

describe('frame kernel build', () => {
  it('rebuilding the AssemblyScript source gives exactly the committed bytes (else: npm run build:wasm)', async () => {
    const wasm = await compileKernel();
    expect(Buffer.from(wasm).equals(Buffer.from(FRAME_KERNEL_WASM, 'base64'))).toBe(true);
    // And the module text round-trips the bytes.
    const text = kernelModuleText(wasm);
    const b64 = [...text.matchAll(/'([A-Za-z0-9+/=]+)'/g)].map((m) => m[1]).join('');
    expect(Buffer.from(b64, 'base64').equals(Buffer.from(wasm))).toBe(true);
  }, 240_000);
});
