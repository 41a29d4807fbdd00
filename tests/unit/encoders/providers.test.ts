import { describe, expect, it } from 'vitest';
import { isProviderRequest, providerPlan, providerUnavailable } from '../../../electron/engine/encoders/providers';

describe('providerPlan', () => {
  it('auto tries the platform GPU provider first, CUDA only when installed', () => {
    expect(providerPlan('auto', 'linux', true)).toEqual(['cuda', 'cpu']);
    expect(providerPlan('auto', 'linux', false)).toEqual(['cpu']);
    expect(providerPlan('auto', 'win32', false)).toEqual(['dml', 'cpu']);
    expect(providerPlan('auto', 'darwin', false)).toEqual(['coreml', 'cpu']);
    expect(providerPlan('auto', 'freebsd', true)).toEqual(['cpu']);
  });

  it('an explicit provider is tried even where it cannot work, with CPU behind it', () => {
    expect(providerPlan('cuda', 'linux', false)).toEqual(['cuda', 'cpu']);
    expect(providerPlan('dml', 'linux', false)).toEqual(['dml', 'cpu']);
    expect(providerPlan('cpu', 'win32', true)).toEqual(['cpu']);
  });

  it('knows, without trying, a provider that cannot start here, and says why in plain words (review R22)', () => {
    expect(providerUnavailable('cuda', 'linux', false)).toMatch(/^onnxruntime-node's CUDA provider libraries are not installed \(docs\/models\.md/);
    expect(providerUnavailable('dml', 'linux', false)).toBe('DirectML runs on Windows only');
    expect(providerUnavailable('dml', 'darwin', false)).toBe('DirectML runs on Windows only');
    expect(providerUnavailable('coreml', 'linux', true)).toBe('CoreML runs on macOS only');
    expect(providerUnavailable('coreml', 'win32', false)).toBe('CoreML runs on macOS only');
    // Where it may work, it is tried: installed CUDA, each GPU provider on its platform, CPU always.
    expect(providerUnavailable('cuda', 'linux', true)).toBeNull();
    expect(providerUnavailable('dml', 'win32', false)).toBeNull();
    expect(providerUnavailable('coreml', 'darwin', false)).toBeNull();
    for (const platform of ['linux', 'win32', 'darwin'] as const) expect(providerUnavailable('cpu', platform, false)).toBeNull();
  });

  it('knows the valid requests', () => {
    expect(isProviderRequest('coreml')).toBe(true);
    expect(isProviderRequest('tpu')).toBe(false);
  });
});
