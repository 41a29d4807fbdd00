/**
 * Run an exported encoder with onnxruntime-node: pick an execution provider (GPU when present,
 * CPU otherwise, with the reason logged), then embed segment batches in chunks.
 */
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { cancelledError, inputError, NeedledropError } from '../errors';
import { INPUT_NAME, OUTPUT_NAME, readOnnxSignature, type OnnxSignature } from './onnx-signature';
import { join } from 'node:path';
import { cudaProviderInstalled, ortBinDir, providerPlan, providerUnavailable, type ProviderName, type ProviderRequest } from './providers';
import { errorMessage } from '../util/error-message';

// onnxruntime's own logger prints a provider that fails to load as a raw native error on the
// user's terminal (review R22). Every failure also reaches us as an exception, which is reported
// in plain words, so its logger says only what is fatal. Set before the first session: the level
// is read once per process.
ort.env.logLevel = 'fatal';

export interface OpenEncoderOptions {
  provider?: ProviderRequest;
  /** Where fallback reasons go; default stderr. */
  log?: (message: string) => void;
  /** Segments per onnxruntime call; bounds memory on long inputs. */
  chunkSize?: number;
  /**
   * onnxruntime's intra-op threads (default: its own choice, one per core). Callers that already
   * run one encoder per core (the indexer's workers) pass 1: more threads would only contend.
   */
  threads?: number;
  /** For tests and odd platforms; default process.platform / the installed CUDA libs. */
  platform?: NodeJS.Platform;
  cudaInstalled?: boolean;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called after each chunk with segments done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface EncoderSession {
  /** n segments (n × W × D floats, row-major) → n × d unit embeddings. */
  embed(batch: Float32Array, n: number, options?: EmbedOptions): Promise<Float32Array>;
  /** The execution provider actually in use. */
  readonly provider: ProviderName;
  /** Why a requested GPU provider is not in use, when one was tried and failed. */
  readonly fallbackReason?: string;
  readonly signature: OnnxSignature;
  readonly path: string;
  close(): Promise<void>;
}

export const DEFAULT_CHUNK = 256;

const firstLine = (err: unknown): string => errorMessage(err).split('\n')[0].trim();

export async function openEncoder(path: string, options: OpenEncoderOptions = {}): Promise<EncoderSession> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw inputError(path, `cannot read encoder: ${firstLine(err)}`, err);
  }
  let signature: OnnxSignature;
  try {
    signature = readOnnxSignature(bytes);
  } catch (err) {
    throw inputError(path, firstLine(err), err);
  }

  const platform = options.platform ?? process.platform;
  const cudaInstalled = options.cudaInstalled ?? cudaProviderInstalled();
  const plan = providerPlan(options.provider ?? 'auto', platform, cudaInstalled);
  // A provider asked for that cannot start falls back to CPU with the reason said, rather than
  // failing: the README promises that, the app's saved setting must not stop matching on another
  // machine, and the result is the same, only slower.
  const failures: string[] = [];
  let session: InferenceSession | undefined;
  let provider: ProviderName = 'cpu';
  for (const ep of plan) {
    const unavailable = providerUnavailable(ep, platform, cudaInstalled);
    if (unavailable) {
      failures.push(`${ep}: ${unavailable}`);
      continue;
    }
    try {
      // Quiet onnxruntime's own log for GPU attempts: we log one clear reason ourselves.
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: [ep],
        graphOptimizationLevel: 'all',
        logSeverityLevel: ep === 'cpu' ? 2 : 4,
        ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      });
      provider = ep;
      break;
    } catch (err) {
      if (ep === 'cpu') throw inputError(path, `onnxruntime cannot load this encoder: ${firstLine(err)}`, err);
      // The libraries are there but did not load: what onnxruntime printed (the missing library) is
      // silenced above, so say where to look.
      const hint = ep === 'cuda' && platform === 'linux' ? ` (the NVIDIA driver, CUDA 12 and cuDNN 9 must be on the library path; \`ldd ${join(ortBinDir(), 'libonnxruntime_providers_cuda.so')}\` names what is missing)` : '';
      failures.push(`${ep}: ${firstLine(err)}${hint}`);
    }
  }
  if (!session) throw new NeedledropError('internal', `no execution provider could start for ${path}`);
  const fallbackReason = failures.length > 0 ? `${failures.join('; ')} — using CPU` : undefined;
  if (fallbackReason) log(`encoder ${path}: execution provider fallback: ${fallbackReason}`);
  const live = session;
  const { window, inDim, outDim } = signature;

  return {
    provider,
    fallbackReason,
    signature,
    path,
    async embed(batch: Float32Array, n: number, embedOptions: EmbedOptions = {}): Promise<Float32Array> {
      const per = window * inDim;
      if (!Number.isInteger(n) || n < 0 || batch.length !== n * per) {
        throw new NeedledropError('internal', `embed: expected ${n} × ${window} × ${inDim} = ${n * per} floats, got ${batch.length}`);
      }
      const out = new Float32Array(n * outDim);
      for (let first = 0; first < n; first += chunkSize) {
        if (embedOptions.signal?.aborted) throw cancelledError('embedding');
        const m = Math.min(chunkSize, n - first);
        const input = new ort.Tensor('float32', batch.subarray(first * per, (first + m) * per), [m, window, inDim]);
        const result = await live.run({ [INPUT_NAME]: input });
        out.set(result[OUTPUT_NAME].data as Float32Array, first * outDim);
        input.dispose();
        result[OUTPUT_NAME].dispose();
        embedOptions.onProgress?.(first + m, n);
      }
      return out;
    },
    close: () => live.release(),
  };
}
