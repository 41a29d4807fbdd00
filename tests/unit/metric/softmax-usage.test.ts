// The margin-softmax losses refuse what the CLI could pass them by mistake, naming it.
import { expect, it } from 'vitest';
import { MarginSoftmaxLoss } from '../../../electron/engine/metric/losses/margin-softmax';

it('a softmax loss of unknown name or a fractional multiplicative margin is a usage error naming it', () => {
  const opts = { embeddingSize: 4, numClasses: 3 };
  expect(() => new MarginSoftmaxLoss('soft-max' as never, opts)).toThrow('unknown softmax loss "soft-max"');
  expect(() => new MarginSoftmaxLoss('sphereface', { ...opts, margin: 1.5 })).toThrow('sphereface: margin must be an integer ≥ 1');
  expect(() => new MarginSoftmaxLoss('large-margin-softmax', { ...opts, margin: 0 })).toThrow('large-margin-softmax: margin must be an integer ≥ 1');
  expect(new MarginSoftmaxLoss('cosface', { ...opts, margin: 0.35 }).margin).toBe(0.35); // additive: any margin
});
