import { loadTrainingData, type TrainingData } from '../../electron/engine/train/dataset';
import type { TrainProgress } from '../../electron/engine/train/trainer';
import { eta, statusLine } from './status';

/** Corpus descriptors with a progress line (cached after the first run). */
export async function loadCorpusWithProgress(dir: string, signal?: AbortSignal): Promise<TrainingData> {
  const status = statusLine('features');
  const data = await loadTrainingData(dir, {
    signal,
    onProgress: (p) => status.update(`${p.done}/${p.total} pairs (${p.cached} cached) ${p.rate.toFixed(1)}/s ETA ${eta(p.etaSeconds)}`),
  });
  status.done(`${data.pairs.length} pairs, video D=${data.dims.video}, audio D=${data.dims.audio}`);
  return data;
}

export function trainStatus(label: string): (p: TrainProgress) => void {
  const status = statusLine(label);
  return (p) => {
    const val = p.valRecall10 !== undefined ? ` val R@10 ${p.valRecall10.toFixed(3)} (best ${p.bestRecall10.toFixed(3)})` : '';
    const tau = p.temperature !== undefined ? ` τ ${p.temperature.toFixed(3)}` : '';
    status.update(
      `step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)}${tau} ${p.stepsPerSec.toFixed(1)} steps/s ETA ${eta(p.etaSeconds)}${val}`,
      p.valRecall10 !== undefined,
    );
  };
}
