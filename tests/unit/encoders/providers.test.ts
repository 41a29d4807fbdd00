import { describe, expect, it } from 'vitest';
import { isProviderRequest, providerPlan } from '../../../electron/engine/encoders/providers';

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

  it('knows the valid requests', () => {
    expect(isProviderRequest('coreml')).toBe(true);
    expect(isProviderRequest('tpu')).toBe(false);
  });
});
