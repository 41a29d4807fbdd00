/**
 * Dense similarity blocks on onnxruntime's CPU kernels (MLAS: SIMD, blocked, multi-threaded).
 * V8 has no SIMD for plain loops, so the JS dotBlock reaches ~1 G multiply-adds/s here;
 * MLAS does the same products 30–50× faster (f32) and faster still on int8, which is what
 * lets one query touch every track of a 1M-segment library within the latency budget.
 */
import { writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;

/** Zero point of the u8 clip rows fed to the int8 scan: u8 128 stands for 0. */
export const CLIP_ZERO_POINT = 128;
/** Clip rows use ±127 around the zero point. */
export const CLIP_LEVELS = 127;
/**
 * Stored rows use ±63 (7 bits): on AVX2 the u8×s8 kernel adds pairs of products in 16 bits
 * with saturation, and 255 · 63 · 2 < 32 767 keeps every pair exact.
 */
export const STORE_LEVELS = 63;

/**
 * A graph input or output by name and element type. No shape: every caller passes tensors of the
 * right shape, onnxruntime takes a graph's output shapes from its nodes, and a declared shape
 * would only be checked against inputs that already fit.
 */
function valueInfo(name: string, elemType: number): OnnxTypes.IValueInfoProto {
  return { name, type: { tensorType: { elemType } } };
}

function modelBytes(graph: OnnxTypes.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }).finish();
}

function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  // No spinning: between queries (and on a machine shared with other work) idle pool threads
  // would otherwise burn a core each waiting for the next MatMul.
  return {
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** The scan graph; its weights inline (rawData) or in a file beside the model (external). */
function scanGraph(dim: number, cols: number, weights: { rawData: Uint8Array } | { file: string }): OnnxTypes.IGraphProto {
  const stored: OnnxTypes.ITensorProto =
    'rawData' in weights
      ? { rawData: weights.rawData }
      : {
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            // No 'offset': it defaults to 0.
            { key: 'location', value: weights.file },
            { key: 'length', value: String(dim * cols) },
          ],
        };
  return {
    node: [
      { opType: 'MatMulInteger', input: ['clip', 'weights', 'clip_zero'], output: ['sims'] },
      {
        opType: 'ReduceMax',
        input: ['sims'],
        output: ['best'],
        attribute: [
          { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [0] },
          { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
        ],
      },
    ],
    initializer: [
      { name: 'weights', dims: [dim, cols], dataType: DataType.INT8, ...stored },
      { name: 'clip_zero', dims: [], dataType: DataType.UINT8, rawData: Uint8Array.of(CLIP_ZERO_POINT) },
    ],
    input: [valueInfo('clip', DataType.UINT8)],
    output: [valueInfo('sims', DataType.INT32), valueInfo('best', DataType.INT32)],
  };
}

/**
 * Write the scan graph to `modelPath` with its weights in `weightsFile` (d × cols int8, already
 * written, a bare file name in the same folder: onnxruntime refuses external data outside the
 * model's folder).
 */
export function writeScanModel(modelPath: string, weightsFile: string, dim: number, cols: number): void {
  writeFileSync(modelPath, modelBytes(scanGraph(dim, cols, { file: weightsFile })));
}

/** sims (m × n) = clip (m × d) · rowsᵀ (rows n × d), both given per call (f32). */
export class DenseSims {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly dim: number,
  ) {}

  static async open(dim: number, threads = 0): Promise<DenseSims> {
    const graph: OnnxTypes.IGraphProto = {
      node: [{ opType: 'Gemm', input: ['clip', 'rows'], output: ['sims'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }],
      input: [valueInfo('clip', DataType.FLOAT), valueInfo('rows', DataType.FLOAT)],
      output: [valueInfo('sims', DataType.FLOAT)],
    };
    return new DenseSims(await ort.InferenceSession.create(modelBytes(graph), sessionOptions(threads)), dim);
  }

  /** Writes clip · rowsᵀ into out (m × n, row-major) and returns it. */
  async run(clip: Float32Array, m: number, rows: Float32Array, n: number, out: Float32Array): Promise<Float32Array> {
    const d = this.dim;
    const target = out.subarray(0, m * n);
    await this.session.run(
      { clip: new ort.Tensor('float32', clip.subarray(0, m * d), [m, d]), rows: new ort.Tensor('float32', rows.subarray(0, n * d), [n, d]) },
      { sims: new ort.Tensor('float32', target, [m, n]) },
    );
    return target;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Similarities of clip rows against every kept stored row in one int8 MatMul, and their
 * maximum over the clip rows per kept row:
 *   sims = (clip − 128) · weights            [rows, cols] int32 (u8 × s8 MatMulInteger)
 *   best = max over rows of sims             [cols] int32
 * The weights are a constant of the graph, so MLAS packs them once when the session opens.
 * (The scan's Hough sums used to run in the graph too, as Pad + Reshape + ReduceSum over a
 * skewed copy of sims; with one clip block per stride those copies cost as much as the
 * MatMul itself at 10M segments, so SegmentScan now sums the few terms per window in JS.)
 */
export class Int8Scan {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly dim: number,
    readonly cols: number,
    readonly stride: number,
  ) {}

  /** weights: d × cols row-major (column c is one kept row), values within ±STORE_LEVELS. */
  static async open(weights: Int8Array, dim: number, cols: number, stride: number, threads = 0): Promise<Int8Scan> {
    const bytes = new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
    return new Int8Scan(await ort.InferenceSession.create(modelBytes(scanGraph(dim, cols, { rawData: bytes })), sessionOptions(threads)), dim, cols, stride);
  }

  /**
   * Open a model written by writeScanModel: onnxruntime reads the weights from their file itself,
   * so they are never copied through JS or a protobuf (at 10M segments: ~0.2 s and ~160 MB of RSS
   * less than open()).
   */
  static async openModel(modelPath: string, dim: number, cols: number, stride: number, threads = 0): Promise<Int8Scan> {
    return new Int8Scan(await ort.InferenceSession.create(modelPath, sessionOptions(threads)), dim, cols, stride);
  }

  /**
   * clip: rows × d u8 (zero point 128); writes rows × cols similarities into `sims` and, when
   * `best` is given, each kept row's maximum over the clip rows into it (cols values).
   */
  async run(clip: Uint8Array, rows: number, sims: Int32Array, best?: Int32Array): Promise<Int32Array> {
    const target = sims.subarray(0, rows * this.cols);
    await this.session.run(
      { clip: this.clipTensor(clip, rows) },
      {
        sims: new ort.Tensor('int32', target, [rows, this.cols]),
        ...(best ? { best: new ort.Tensor('int32', best.subarray(0, this.cols), [this.cols]) } : {}),
      },
    );
    return target;
  }

  /**
   * Only each kept row's maximum over the clip rows (cols values) into `best`. Fetching `best`
   * alone leaves `sims` an intermediate onnxruntime never hands out: at 10M segments
   * (16 × 650k int32, 42 MB) copying it out tripled the scan's CPU (~85 → ~25 ms, one thread).
   */
  async runBest(clip: Uint8Array, rows: number, best: Int32Array): Promise<Int32Array> {
    const target = best.subarray(0, this.cols);
    await this.session.run({ clip: this.clipTensor(clip, rows) }, { best: new ort.Tensor('int32', target, [this.cols]) });
    return target;
  }

  private clipTensor(clip: Uint8Array, rows: number): ort.Tensor {
    return new ort.Tensor('uint8', clip.subarray(0, rows * this.dim), [rows, this.dim]);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
