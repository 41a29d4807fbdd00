import { usageError } from '../../errors';
import type { MetricLoss } from './base';
import { circleDescriptor } from './circle';
import { contrastiveDescriptor } from './contrastive';
import { LOSS_NAMES, type LossName } from './catalog';
import type { LossDescriptor } from './descriptor';
import { infoNCEDescriptor } from './infonce';
import { liftedStructureDescriptor } from './lifted-structure';
import { arcFaceDescriptor, cosFaceDescriptor, l2SoftmaxDescriptor, largeMarginSoftmaxDescriptor, normFaceDescriptor, sphereFaceDescriptor } from './margin-softmax';
import { multiSimilarityDescriptor } from './multi-similarity';
import { nPairsDescriptor } from './n-pairs';
import { proxyAnchorDescriptor } from './proxy-anchor';
import { supConDescriptor } from './supcon';
import { tripletMarginDescriptor } from './triplet-margin';

/** Every loss, in the catalog's order (catalog.ts: what is known of a loss without TF.js). Adding a loss: its file exports a descriptor, listed here. */
export const LOSSES = [
  contrastiveDescriptor,
  tripletMarginDescriptor,
  liftedStructureDescriptor,
  nPairsDescriptor,
  multiSimilarityDescriptor,
  infoNCEDescriptor,
  supConDescriptor,
  l2SoftmaxDescriptor,
  largeMarginSoftmaxDescriptor,
  sphereFaceDescriptor,
  normFaceDescriptor,
  cosFaceDescriptor,
  arcFaceDescriptor,
  proxyAnchorDescriptor,
  circleDescriptor,
] as const;

type RegisteredLoss = (typeof LOSSES)[number];

type OptionsOf<D> = D extends LossDescriptor<string, infer O> ? O : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Options for `createLoss`: each loss reads the fields it knows (so one object can drive `--losses all`). */
export type LossFactoryOptions = Partial<Intersect<OptionsOf<RegisteredLoss>>>;

/** The registry entry of a loss; an unknown name is a usage error listing the known ones. */
export function lossDescriptor(name: string): RegisteredLoss {
  const found = LOSSES.find((d) => d.name === name);
  if (!found) throw usageError(`unknown loss "${name}" (one of ${LOSS_NAMES.join(', ')})`);
  return found;
}

/** Build a loss by name; class losses (`needsClassLabels`) need `numClasses` and `embeddingSize`. */
export function createLoss(name: LossName, options: LossFactoryOptions = {}): MetricLoss {
  const descriptor: LossDescriptor<LossName, LossFactoryOptions> = lossDescriptor(name);
  return descriptor.create(options);
}
