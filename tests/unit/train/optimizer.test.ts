import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { createRng } from '../../../electron/engine/util/prng';
import { AdamW, type AdamWOptions } from '../../../electron/engine/train/optimizer';

beforeAll(async () => {
  await useBackend('cpu');
});

const SHAPES: number[][] = [[3, 4], [4], [2, 3, 2]];

interface Ref {
  params: Float64Array[];
  m: Float64Array[];
  v: Float64Array[];
  t: number;
}

/** AdamW by the formulas, in float64: bias-corrected moments, decay on the old weights of ≥2-D variables. */
function refStep(ref: Ref, grads: Float64Array[], lr: number, o: Required<Omit<AdamWOptions, 'noDecay'>>): number {
  ref.t += 1;
  const norm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0));
  const scale = o.clipNorm > 0 && norm > o.clipNorm ? o.clipNorm / norm : 1;
  ref.params.forEach((p, k) => {
    const decay = SHAPES[k].length > 1 ? o.weightDecay : 0;
    for (let i = 0; i < p.length; i++) {
      const g = grads[k][i] * scale;
      ref.m[k][i] = o.beta1 * ref.m[k][i] + (1 - o.beta1) * g;
      ref.v[k][i] = o.beta2 * ref.v[k][i] + (1 - o.beta2) * g * g;
      const mHat = ref.m[k][i] / (1 - o.beta1 ** ref.t);
      const vHat = ref.v[k][i] / (1 - o.beta2 ** ref.t);
      p[i] = p[i] - lr * (mHat / (Math.sqrt(vHat) + o.eps)) - lr * decay * p[i];
    }
  });
  return norm;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function setup(seed: number): { vars: tf.Variable[]; ref: Ref } {
  const rng = createRng(seed);
  const init = SHAPES.map((s) => Float64Array.from({ length: size(s) }, () => rng.next() * 2 - 1));
  const vars = SHAPES.map((s, k) => tf.variable(tf.tensor(Float32Array.from(init[k]), s)));
  // The reference starts from the float32-rounded values the variables hold.
  const params = init.map((p) => Float64Array.from(Float32Array.from(p)));
  return { vars, ref: { params, m: params.map((p) => new Float64Array(p.length)), v: params.map((p) => new Float64Array(p.length)), t: 0 } };
}

/** Gradients of a given global norm, from a seeded stream. */
function gradients(seed: number, norm: number): Float64Array[] {
  const rng = createRng(seed);
  const g = SHAPES.map((s) => Float64Array.from({ length: size(s) }, () => rng.next() * 2 - 1));
  const n = Math.sqrt(g.reduce((s, x) => s + x.reduce((a, y) => a + y * y, 0), 0));
  return g.map((x) => x.map((y) => (y * norm) / n));
}

const asTensors = (vars: tf.Variable[], g: Float64Array[]): Record<string, tf.Tensor> =>
  Object.fromEntries(vars.map((v, k) => [v.name, tf.tensor(Float32Array.from(g[k]), SHAPES[k])]));

function maxRelDiff(vars: tf.Variable[], ref: Ref): number {
  let worst = 0;
  vars.forEach((v, k) => {
    const got = v.dataSync();
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref.params[k][i]) / Math.max(1e-3, Math.abs(ref.params[k][i])));
  });
  return worst;
}

const OPTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, clipNorm: 0 };
const LRS = [0.01, 0.02, 0.005, 0.03, 0.01, 0.015];

describe('AdamW', () => {
  it('one step and several steps match the float64 AdamW formulas', () => {
    const { vars, ref } = setup(1);
    const before = vars.map((v) => Float32Array.from(v.dataSync()));
    const opt = new AdamW(OPTS);
    LRS.forEach((lr, s) => {
      const g = gradients(100 + s, 0.5 + s);
      opt.apply(asTensors(vars, g), vars, lr);
      refStep(ref, g, lr, OPTS);
      expect(opt.step).toBe(s + 1);
      expect(maxRelDiff(vars, ref)).toBeLessThan(1e-5);
    });
    // The variables did move (the comparison is not against an unchanged start).
    expect(Math.abs(vars[0].dataSync()[0] - before[0][0])).toBeGreaterThan(1e-3);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('decays ≥2-D variables only (biases and scales are exempt)', () => {
    const { vars } = setup(2);
    const start = vars.map((v) => Float32Array.from(v.dataSync()));
    // Zero gradients: the Adam part is 0, so only decoupled weight decay can move a variable.
    const opt = new AdamW({ ...OPTS, weightDecay: 0.1 });
    opt.apply(asTensors(vars, SHAPES.map((s) => new Float64Array(size(s)))), vars, 0.5);
    expect(Array.from(vars[1].dataSync())).toEqual(Array.from(start[1]));
    for (const k of [0, 2]) {
      const got = vars[k].dataSync();
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(start[k][i] * (1 - 0.5 * 0.1), 6);
    }
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('clips the update when the global norm exceeds clipNorm and reports the pre-clip norm', () => {
    const clipped = { ...OPTS, clipNorm: 1 };
    const { vars, ref } = setup(3);
    const unclipped = setup(3).ref;
    const opt = new AdamW(clipped);
    // Adam is scale-free on one step, so clipping shows from the second step on: a small then a large gradient.
    for (const [s, norm] of [0.5, 10, 4].entries()) {
      const g = gradients(200 + s, norm);
      opt.apply(asTensors(vars, g), vars, 0.05);
      expect(refStep(ref, g, 0.05, clipped)).toBeCloseTo(norm, 9);
      refStep(unclipped, g, 0.05, OPTS);
      expect(opt.lastGradNorm).toBeCloseTo(norm, 4);
    }
    expect(maxRelDiff(vars, ref)).toBeLessThan(1e-5);
    // Without clipping the weights would be elsewhere: the comparison above can tell.
    expect(maxRelDiff(vars, unclipped)).toBeGreaterThan(1e-3);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('getState/setState (through JSON, onto new variables as a resumed run has) gives identical later updates', () => {
    const a = setup(4);
    const optA = new AdamW(OPTS);
    for (let s = 0; s < 3; s++) optA.apply(asTensors(a.vars, gradients(300 + s, 1)), a.vars, 0.01);
    const state = JSON.parse(JSON.stringify(optA.getState(a.vars))) as ReturnType<AdamW['getState']>;
    // A resumed run: fresh variables (new tf names) holding the checkpointed values.
    const bVars = a.vars.map((v) => tf.variable(v.clone()));
    const optB = new AdamW(OPTS);
    optB.setState(state, bVars);
    expect(optB.step).toBe(3);
    // And a run that forgot the state, to show the check can fail.
    const cVars = a.vars.map((v) => tf.variable(v.clone()));
    const optC = new AdamW(OPTS);
    for (let s = 3; s < 6; s++) {
      const g = gradients(300 + s, 1);
      optA.apply(asTensors(a.vars, g), a.vars, 0.01);
      optB.apply(asTensors(bVars, g), bVars, 0.01);
      optC.apply(asTensors(cVars, g), cVars, 0.01);
    }
    a.vars.forEach((v, k) => expect(Array.from(bVars[k].dataSync())).toEqual(Array.from(v.dataSync())));
    expect(Array.from(cVars[0].dataSync())).not.toEqual(Array.from(a.vars[0].dataSync()));
    for (const o of [optA, optB, optC]) o.dispose();
    [...a.vars, ...bVars, ...cVars].forEach((v) => v.dispose());
  });

  it('skips a variable that got no gradient instead of failing', () => {
    const { vars } = setup(5);
    const opt = new AdamW({ ...OPTS, clipNorm: 1 });
    const frozen = Float32Array.from(vars[2].dataSync());
    const g = asTensors(vars, gradients(400, 3));
    g[vars[2].name].dispose();
    delete g[vars[2].name];
    opt.apply(g, vars, 0.01);
    expect(Array.from(vars[2].dataSync())).toEqual(Array.from(frozen));
    expect(opt.lastGradNorm).toBeGreaterThan(0);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('leaks no tensors: two moment slots per variable, stable over steps, freed by dispose', () => {
    const { vars } = setup(6);
    const base = tf.memory().numTensors;
    const opt = new AdamW({ ...OPTS, clipNorm: 1 });
    const counts: number[] = [];
    for (let s = 0; s < 5; s++) {
      opt.apply(asTensors(vars, gradients(500 + s, 2)), vars, 0.01);
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual(counts.map(() => base + 2 * vars.length));
    const state = opt.getState(vars);
    opt.setState(state, vars);
    expect(tf.memory().numTensors).toBe(base + 2 * vars.length);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(base);
    vars.forEach((v) => v.dispose());
  });
});
