/**
 * Read an encoder's weights back from the ONNX bytes encoderToOnnx wrote (the inverse of
 * onnx-export.ts): the warm start of fine-tuning begins from a model version's files.
 * Initializers are found by the names the exporter gives them; conv kernels are turned back
 * from ONNX's [Cout, Cin, k] into TF's [k, Cin, Cout].
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { KERNEL_SIZE, weightShapes, type EncoderConfig, type NamedWeights } from './encoder';
import { errorMessage } from '../util/error-message';

const { onnx } = onnxProto;
const CONFIG_KEY = 'needledrop.encoder';

export interface ImportedEncoder {
  config: EncoderConfig;
  weights: NamedWeights;
}

function tensorData(t: OnnxTypes.ITensorProto): Float32Array {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`initializer "${t.name}" is not float32`);
  if (t.rawData && t.rawData.length > 0) {
    // Copy: rawData is a view into the file buffer at any byte offset (Float32Array needs 4-aligned).
    const bytes = Uint8Array.from(t.rawData);
    return new Float32Array(bytes.buffer, 0, bytes.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** ONNX Conv weight [Cout, Cin, k] → TF kernel [k, Cin, Cout]. */
function tfKernel(w: Float32Array, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let k = 0; k < KERNEL_SIZE; k++) {
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) out[(k * cin + i) * cout + o] = w[(o * cin + i) * KERNEL_SIZE + k];
    }
  }
  return out;
}

/**
 * Config and weights of a Needledrop encoder file. Throws a plain Error with the cause (not an
 * encoder of ours, a weight missing or of the wrong size); callers name the file.
 */
export function onnxToEncoder(bytes: Uint8Array): ImportedEncoder {
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new Error(`not an ONNX model (${errorMessage(err)})`);
  }
  const meta = model.metadataProps.find((p) => p.key === CONFIG_KEY)?.value;
  if (!meta) throw new Error(`not a Needledrop encoder (no "${CONFIG_KEY}" metadata)`);
  const config = JSON.parse(meta) as EncoderConfig;
  const init = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const read = (name: string): Float32Array => {
    const t = init.get(name);
    if (!t) throw new Error(`initializer "${name}" missing`);
    return tensorData(t);
  };
  const raw: Record<string, Float32Array> = {
    'standardise.mean': read('mean'),
    'standardise.std': read('std'),
    'proj1.kernel': read('proj1_w'),
    'proj1.bias': read('proj1_b'),
    'proj2.kernel': read('proj2_w'),
    'proj2.bias': read('proj2_b'),
  };
  for (let i = 1; i <= config.convLayers; i++) {
    const cin = i === 1 ? config.inDim : config.hidden;
    raw[`conv${i}.kernel`] = tfKernel(read(`conv${i}_w`), cin, config.hidden);
    raw[`conv${i}.bias`] = read(`conv${i}_b`);
  }
  const weights: NamedWeights = {};
  for (const [name, shape] of weightShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (raw[name].length !== size) throw new Error(`weight "${name}" has ${raw[name].length} values, config needs [${shape}]`);
    weights[name] = { shape, data: raw[name] };
  }
  return { config, weights };
}
