/**
 * Which onnxruntime execution providers to try, in order, for a request.
 * Pure (platform and CUDA presence are arguments) so the plan is unit-testable on any machine.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ProviderRequest = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
export type ProviderName = Exclude<ProviderRequest, 'auto'>;
export const PROVIDER_REQUESTS: readonly ProviderRequest[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

export function isProviderRequest(value: string): value is ProviderRequest {
  return (PROVIDER_REQUESTS as readonly string[]).includes(value);
}

/**
 * Providers to try, best first; always ends with 'cpu'.
 * `auto` tries the platform's GPU provider: CUDA on Linux only when its libraries are installed
 * (they are not bundled with onnxruntime-node), DirectML on Windows, CoreML on macOS.
 */
export function providerPlan(request: ProviderRequest, platform: NodeJS.Platform, cudaInstalled: boolean): ProviderName[] {
  if (request !== 'auto') return request === 'cpu' ? ['cpu'] : [request, 'cpu'];
  switch (platform) {
    case 'linux':
      return cudaInstalled ? ['cuda', 'cpu'] : ['cpu'];
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cpu'];
  }
}

/**
 * Why `ep` cannot start on this machine, known without trying it; null when it has to be tried.
 * Trying CUDA without its libraries makes onnxruntime print a raw native error on the user's
 * terminal (review R22), and DirectML / CoreML only answer "backend not found" off their platform.
 */
export function providerUnavailable(ep: ProviderName, platform: NodeJS.Platform, cudaInstalled: boolean): string | null {
  if (ep === 'cuda' && platform === 'linux' && !cudaInstalled) {
    return "onnxruntime-node's CUDA provider libraries are not installed (docs/models.md, Enabling CUDA on Linux)";
  }
  if (ep === 'dml' && platform !== 'win32') return 'DirectML runs on Windows only';
  if (ep === 'coreml' && platform !== 'darwin') return 'CoreML runs on macOS only';
  return null;
}

/** onnxruntime-node's native folder for this platform, where its install script puts the CUDA provider. */
export function ortBinDir(): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** True when the CUDA provider libraries sit beside onnxruntime-node's binding (Linux). */
export function cudaProviderInstalled(): boolean {
  const dir = ortBinDir();
  return existsSync(join(dir, 'libonnxruntime_providers_cuda.so')) && existsSync(join(dir, 'libonnxruntime_providers_shared.so'));
}
