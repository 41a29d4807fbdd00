import { usageError } from '../../errors';
import type { MetricLoss } from './base';
import { circleDescriptor } from './circle';
import { contrastiveDescriptor } from './contrastive';
import type { LossDescriptor } from './descriptor';
import { infoNCEDescriptor } from './infonce';
import { liftedStructureDescriptor } from './lifted-structure';
import { arcFaceDescriptor, cosFaceDescriptor, l2SoftmaxDescriptor, largeMarginSoftmaxDescriptor, normFaceDescriptor, sphereFaceDescriptor } from './margin-softmax';
import { multiSimilarityDescriptor } from './multi-similarity';
import { nPairsDescriptor } from './n-pairs';
import { proxyAnchorDescriptor } from './proxy-anchor';
import { supConDescriptor } from './supcon';
import { tripletMarginDescriptor } from './triplet-margin';

/** Every loss, in the order users see them. Adding a loss: its file exports a descriptor, listed here. */
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
export type LossName = RegisteredLoss['name'];

type OptionsOf<D> = D extends LossDescriptor<string, infer O> ? O : never;
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Options for `createLoss`: each loss reads the fields it knows (so one object can drive `--losses all`). */
export type LossFactoryOptions = Partial<Intersect<OptionsOf<RegisteredLoss>>>;

export const LOSS_NAMES: readonly LossName[] = LOSSES.map((d) => d.name);

/** Losses that need class labels in 0..numClasses−1 and own class weights or proxies. */
export const CLASS_LOSS_NAMES: readonly LossName[] = LOSSES.filter((d) => d.capabilities.needsClassLabels).map((d) => d.name);

export function isLossName(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}

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
