/**
 * The segment encoder, defined once: TF.js ops here for training, the same maths rebuilt as an
 * ONNX graph by onnx-export.ts for inference. Plain ops over explicit variables (not tf.layers)
 * so every step has an exact ONNX counterpart.
 *
 *   x [B, W, D] → (x − mean) / std → conv(k=3, same) → ReLU → [conv → ReLU]
 *     → concat(mean over time, std over time) → dense → ReLU → dense → L2-normalise → [B, d]
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom, uniformArray } from './rng';
import { identityStandardiser, type Standardiser } from './standardiser';
import { DEFAULT_HIDDEN, DEFAULT_OUT_DIM, KERNEL_SIZE, NORM_EPS, POOL_EPS, weightShapes, type EncoderConfig, type NamedWeights } from './architecture';

// The architecture's parts are part of this module's API too.
export { DEFAULT_HIDDEN, DEFAULT_OUT_DIM, KERNEL_SIZE, NORM_EPS, POOL_EPS, weightShapes };
export type { EncoderConfig, NamedWeights, WeightTensor } from './architecture';

export interface EncoderOptions {
  inDim: number;
  window: number;
  hidden?: number;
  outDim?: number;
  convLayers?: 1 | 2;
  /** Weight init is a pure function of this seed. */
  seed: number;
  standardiser?: Standardiser;
}

export interface Encoder {
  readonly config: EncoderConfig;
  /** [B, W, D] → [B, d], unit rows. Tidies its own intermediates. */
  apply(x: tf.Tensor3D): tf.Tensor2D;
  /** Trainable variables (the standardiser is fixed, not trained). */
  readonly variables: tf.Variable[];
  getWeights(): NamedWeights;
  setWeights(weights: NamedWeights): void;
  setStandardiser(s: Standardiser): void;
  dispose(): void;
}

const isStandardiser = (name: string): boolean => name.startsWith('standardise.');

/** Uniform He init for layers followed by ReLU, Glorot for the last projection; zero biases. */
function initialWeights(config: EncoderConfig, seed: number, standardiser: Standardiser): NamedWeights {
  const random = seededRandom(seed);
  const weights: NamedWeights = {};
  for (const [name, shape] of weightShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name === 'standardise.mean') data = Float32Array.from(standardiser.mean);
    else if (name === 'standardise.std') data = Float32Array.from(standardiser.std);
    else if (name.endsWith('.bias')) data = new Float32Array(size);
    else {
      const fanOut = shape[shape.length - 1];
      const fanIn = size / fanOut;
      const limit = name === 'proj2.kernel' ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
      data = uniformArray(size, limit, random);
    }
    weights[name] = { shape, data };
  }
  return weights;
}

export function createEncoder(options: EncoderOptions): Encoder {
  const config: EncoderConfig = {
    inDim: options.inDim,
    window: options.window,
    hidden: options.hidden ?? DEFAULT_HIDDEN,
    outDim: options.outDim ?? DEFAULT_OUT_DIM,
    convLayers: options.convLayers ?? 2,
  };
  for (const key of ['inDim', 'window', 'hidden', 'outDim'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`encoder ${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.convLayers !== 1 && config.convLayers !== 2) throw new RangeError(`encoder convLayers must be 1 or 2, got ${String(config.convLayers)}`);
  const shapes = weightShapes(config);
  const initial = initialWeights(config, options.seed, options.standardiser ?? identityStandardiser(config.inDim));
  // Names are our own map: tf.variable names are global, and two encoders share layer names.
  const vars = new Map<string, tf.Variable>();
  for (const [name, shape] of shapes) {
    vars.set(name, tf.tidy(() => tf.variable(tf.tensor(initial[name].data, shape), !isStandardiser(name))));
  }
  const v = (name: string): tf.Variable => vars.get(name) as tf.Variable;

  /** Same-padded 1-D convolution as one matmul over three shifted copies (wasm has no conv filter gradient). */
  function conv(h: tf.Tensor3D, i: number): tf.Tensor3D {
    const [b, w, c] = h.shape;
    const padded = tf.pad(h, [[0, 0], [1, 1], [0, 0]]);
    const shifted = tf.concat([0, 1, 2].map((k) => tf.slice(padded, [0, k, 0], [b, w, c])), 2);
    const kernel = tf.reshape(v(`conv${i}.kernel`), [KERNEL_SIZE * c, config.hidden]);
    const out = tf.add(tf.matMul(tf.reshape(shifted, [b * w, KERNEL_SIZE * c]), kernel), v(`conv${i}.bias`));
    return tf.relu(tf.reshape(out, [b, w, config.hidden]));
  }

  const encoder: Encoder = {
    config,
    variables: shapes.filter(([n]) => !isStandardiser(n)).map(([n]) => v(n)),
    apply(x: tf.Tensor3D): tf.Tensor2D {
      if (x.shape[2] !== config.inDim) throw new RangeError(`encoder expects ${config.inDim} descriptors per step, got ${x.shape[2]}`);
      return tf.tidy(() => {
        let h = tf.div(tf.sub(x, v('standardise.mean')), v('standardise.std')) as tf.Tensor3D;
        for (let i = 1; i <= config.convLayers; i++) h = conv(h, i);
        const mu = tf.mean(h, 1);
        const centred = tf.sub(h, tf.expandDims(mu, 1));
        const sd = tf.sqrt(tf.add(tf.mean(tf.square(centred), 1), POOL_EPS));
        const pooled = tf.concat([mu, sd], 1);
        const hidden = tf.relu(tf.add(tf.matMul(pooled, v('proj1.kernel')), v('proj1.bias')));
        const z = tf.add(tf.matMul(hidden, v('proj2.kernel')), v('proj2.bias'));
        return tf.div(z, tf.sqrt(tf.maximum(tf.sum(tf.square(z), 1, true), NORM_EPS))) as tf.Tensor2D;
      });
    },
    getWeights(): NamedWeights {
      const out: NamedWeights = {};
      for (const [name, shape] of shapes) out[name] = { shape: [...shape], data: Float32Array.from(v(name).dataSync()) };
      return out;
    },
    setWeights(weights: NamedWeights): void {
      for (const [name, shape] of shapes) {
        const w = weights[name];
        if (!w) throw new RangeError(`encoder weights lack "${name}"`);
        if (w.shape.length !== shape.length || w.shape.some((s, i) => s !== shape[i])) {
          throw new RangeError(`encoder weight "${name}" has shape [${w.shape}], expected [${shape}]`);
        }
      }
      for (const [name, shape] of shapes) tf.tidy(() => v(name).assign(tf.tensor(weights[name].data.slice(), shape)));
    },
    setStandardiser(s: Standardiser): void {
      if (s.mean.length !== config.inDim || s.std.length !== config.inDim) throw new RangeError(`standardiser has ${s.mean.length} columns, encoder expects ${config.inDim}`);
      tf.tidy(() => {
        v('standardise.mean').assign(tf.tensor1d(s.mean.slice()));
        v('standardise.std').assign(tf.tensor1d(s.std.slice()));
      });
    },
    dispose(): void {
      for (const variable of vars.values()) variable.dispose();
    },
  };
  return encoder;
}

export interface DualEncoder {
  video: Encoder;
  audio: Encoder;
}

/** The video and music encoders of one model, seeded apart so they do not start identical. */
export function createDualEncoder(options: {
  videoIn: number;
  audioIn: number;
  window: number;
  hidden?: number;
  outDim?: number;
  convLayers?: 1 | 2;
  seed: number;
}): DualEncoder {
  const common = { window: options.window, hidden: options.hidden, outDim: options.outDim, convLayers: options.convLayers };
  return {
    video: createEncoder({ ...common, inDim: options.videoIn, seed: options.seed * 2 + 1 }),
    audio: createEncoder({ ...common, inDim: options.audioIn, seed: options.seed * 2 + 2 }),
  };
}
