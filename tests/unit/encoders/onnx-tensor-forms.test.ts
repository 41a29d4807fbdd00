/**
 * ONNX stores a float tensor either as raw little-endian bytes (raw_data) or as a list of floats
 * (float_data); both are valid model files, so reading an encoder back must take either. Weights
 * handed to the exporter as views into a larger buffer are written as the view, not the buffer;
 * a weight of the wrong size is refused by name. The expected values are the weights put in.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { weightShapes, type EncoderConfig, type NamedWeights } from '../../../electron/engine/encoders/architecture';
import { encoderToOnnx } from '../../../electron/engine/encoders/onnx-export';
import { onnxToEncoder } from '../../../electron/engine/encoders/onnx-import';

const { onnx } = onnxProto;
const CONFIG: EncoderConfig = { inDim: 5, window: 8, hidden: 7, outDim: 6, convLayers: 2 };

/** Every weight a distinct value (k + 0.25), each a view at a nonzero offset into a buffer of garbage. */
function viewWeights(): NamedWeights {
  const weights: NamedWeights = {};
  let k = 0;
  for (const [name, shape] of weightShapes(CONFIG)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const backing = new Float32Array(size + 6).fill(-999);
    const data = backing.subarray(3, 3 + size);
    for (let i = 0; i < size; i++) data[i] = k++ + 0.25;
    weights[name] = { shape, data };
  }
  return weights;
}

function expectSameWeights(back: NamedWeights, original: NamedWeights): void {
  expect(Object.keys(back).sort()).toEqual(Object.keys(original).sort());
  for (const [name, t] of Object.entries(original)) {
    expect(back[name].shape, name).toEqual(t.shape);
    expect(Array.from(back[name].data), name).toEqual(Array.from(t.data));
  }
}

/** The model with each initializer rewritten by `edit`. */
function rewrite(bytes: Uint8Array, edit: (t: OnnxTypes.ITensorProto) => void): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  for (const t of initializers(model)) edit(t);
  return onnx.ModelProto.encode(model).finish();
}

const initializers = (model: OnnxTypes.ModelProto): OnnxTypes.ITensorProto[] => model.graph?.initializer ?? [];
const floats = (raw: Uint8Array | null | undefined): number[] => Array.from(new Float32Array(Uint8Array.from(raw ?? []).buffer));

describe('encoder weights through ONNX', () => {
  it('weights given as views into larger buffers come back as the views (raw_data form)', () => {
    const weights = viewWeights();
    expectSameWeights(onnxToEncoder(encoderToOnnx(weights, CONFIG)).weights, weights);
  });

  it('reads tensors stored as float_data as well as raw_data', () => {
    const weights = viewWeights();
    const asFloats = rewrite(encoderToOnnx(weights, CONFIG), (t) => {
      t.floatData = floats(t.rawData);
      t.rawData = new Uint8Array(0);
    });
    // Written as float_data indeed: no initializer carries raw bytes any more.
    const stored = initializers(onnx.ModelProto.decode(asFloats));
    expect(stored.length).toBeGreaterThan(10);
    expect(stored.every((t) => (t.rawData?.length ?? 0) === 0 && (t.floatData?.length ?? 0) > 0)).toBe(true);
    expectSameWeights(onnxToEncoder(asFloats).weights, weights);
  });

  it('refuses a weight of the wrong size, naming it and both sizes', () => {
    const short = rewrite(encoderToOnnx(viewWeights(), CONFIG), (t) => {
      if (t.name === 'proj2_b' && t.rawData) t.rawData = t.rawData.subarray(0, t.rawData.length - 4);
    });
    expect(() => onnxToEncoder(short)).toThrow('weight "proj2.bias" has 5 values, config needs [6]');
  });
});
