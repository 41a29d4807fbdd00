/**
 * Rebuild the encoder of encoder.ts as an ONNX graph (opset 17) from its weights.
 * Every node mirrors one TF.js op there; the parity test holds the two within 1e-4.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { KERNEL_SIZE, NORM_EPS, POOL_EPS, weightShapes, type EncoderConfig, type NamedWeights } from './architecture';
import { INPUT_NAME, OUTPUT_NAME } from './onnx-signature';

const { onnx } = onnxProto;

export const ONNX_OPSET = 17;
/** IR version 8 is the first that carries opset 17. */
const IR_VERSION = 8;
const CONFIG_KEY = 'needledrop.encoder';

type Attr = OnnxTypes.IAttributeProto;
const ints = (name: string, values: number[]): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

function floatTensor(name: string, dims: number[], data: Float32Array): OnnxTypes.ITensorProto {
  // Little-endian raw bytes, as ONNX requires (every platform we ship on is little-endian).
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

function valueInfo(name: string, dims: Array<number | string>): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** TF kernel [k, Cin, Cout] → ONNX Conv weight [Cout, Cin, k]. */
function convWeight(kernel: Float32Array, cin: number, cout: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let k = 0; k < KERNEL_SIZE; k++) {
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) out[(o * cin + i) * KERNEL_SIZE + k] = kernel[(k * cin + i) * cout + o];
    }
  }
  return out;
}

export interface ExportOptions {
  /** Graph name, e.g. 'video' or 'audio'. */
  name?: string;
}

/** Serialise one encoder (its config and weights) to ONNX bytes. */
export function encoderToOnnx(weights: NamedWeights, config: EncoderConfig, options: ExportOptions = {}): Uint8Array {
  for (const [name, shape] of weightShapes(config)) {
    const w = weights[name];
    const size = shape.reduce((a, b) => a * b, 1);
    if (!w || w.data.length !== size) throw new RangeError(`cannot export: weight "${name}" missing or not of shape [${shape}]`);
  }
  const { inDim, hidden, outDim, window, convLayers } = config;
  const initializer: OnnxTypes.ITensorProto[] = [
    floatTensor('mean', [inDim], weights['standardise.mean'].data),
    floatTensor('std', [inDim], weights['standardise.std'].data),
    floatTensor('pool_eps', [], Float32Array.of(POOL_EPS)),
    floatTensor('norm_eps', [], Float32Array.of(NORM_EPS)),
    floatTensor('proj1_w', [2 * hidden, hidden], weights['proj1.kernel'].data),
    floatTensor('proj1_b', [hidden], weights['proj1.bias'].data),
    floatTensor('proj2_w', [hidden, outDim], weights['proj2.kernel'].data),
    floatTensor('proj2_b', [outDim], weights['proj2.bias'].data),
  ];
  const node: OnnxTypes.INodeProto[] = [];
  const op = (opType: string, input: string[], output: string, attribute: Attr[] = []): string => {
    node.push({ opType, input, output: [output], name: `${opType}_${node.length}`, attribute });
    return output;
  };

  // Standardise, then channels-first for Conv: [B, W, D] → [B, D, W].
  let h = op('Div', [op('Sub', [INPUT_NAME, 'mean'], 'centred_in'), 'std'], 'standardised');
  h = op('Transpose', [h], 'channels_first', [ints('perm', [0, 2, 1])]);
  for (let i = 1; i <= convLayers; i++) {
    const cin = i === 1 ? inDim : hidden;
    initializer.push(
      floatTensor(`conv${i}_w`, [hidden, cin, KERNEL_SIZE], convWeight(weights[`conv${i}.kernel`].data, cin, hidden)),
      floatTensor(`conv${i}_b`, [hidden], weights[`conv${i}.bias`].data),
    );
    const conv = op('Conv', [h, `conv${i}_w`, `conv${i}_b`], `conv${i}`, [
      ints('kernel_shape', [KERNEL_SIZE]),
      ints('pads', [1, 1]),
      ints('strides', [1]),
      ints('dilations', [1]),
    ]);
    h = op('Relu', [conv], `conv${i}_relu`);
  }
  // Mean + std pooling over time (axis 2), population variance as tf.mean.
  const muKeep = op('ReduceMean', [h], 'time_mean_keep', [ints('axes', [2]), int('keepdims', 1)]);
  const mu = op('ReduceMean', [h], 'time_mean', [ints('axes', [2]), int('keepdims', 0)]);
  const centred = op('Sub', [h, muKeep], 'time_centred');
  const variance = op('ReduceMean', [op('Mul', [centred, centred], 'time_sq')], 'time_var', [ints('axes', [2]), int('keepdims', 0)]);
  const sd = op('Sqrt', [op('Add', [variance, 'pool_eps'], 'time_var_eps')], 'time_std');
  const pooled = op('Concat', [mu, sd], 'pooled', [int('axis', 1)]);
  const hidden1 = op('Relu', [op('Gemm', [pooled, 'proj1_w', 'proj1_b'], 'proj1')], 'proj1_relu');
  const z = op('Gemm', [hidden1, 'proj2_w', 'proj2_b'], 'proj2');
  const sumSq = op('ReduceSumSquare', [z], 'sum_sq', [ints('axes', [1]), int('keepdims', 1)]);
  const norm = op('Sqrt', [op('Max', [sumSq, 'norm_eps'], 'sum_sq_floor')], 'norm');
  op('Div', [z, norm], OUTPUT_NAME);

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'needledrop',
    docString: 'Needledrop segment encoder: standardise → temporal conv → mean+std pooling → MLP → L2 normalise',
    metadataProps: [{ key: CONFIG_KEY, value: JSON.stringify(config) }],
    graph: {
      name: options.name ?? 'encoder',
      node,
      initializer,
      input: [valueInfo(INPUT_NAME, ['batch', window, inDim])],
      output: [valueInfo(OUTPUT_NAME, ['batch', outDim])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
