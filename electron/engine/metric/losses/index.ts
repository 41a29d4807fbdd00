import { usageError } from '../../errors';
import type { DistanceSpec } from '../distances';
import type { LossName, MetricLoss } from './base';
import { CircleLoss, type CircleOptions } from './circle';
import { ContrastiveLoss, type ContrastiveOptions } from './contrastive';
import { InfoNCELoss, type InfoNCEOptions } from './infonce';
import { GeneralizedLiftedStructureLoss, type LiftedStructureOptions } from './lifted-structure';
import { MarginSoftmaxLoss, type MarginSoftmaxOptions } from './margin-softmax';
import { MultiSimilarityLoss, type MultiSimilarityOptions } from './multi-similarity';
import { NPairsLoss, type NPairsOptions } from './n-pairs';
import { ProxyAnchorLoss, type ProxyAnchorOptions } from './proxy-anchor';
import { SupConLoss, type SupConOptions } from './supcon';
import { TripletMarginLoss, type TripletMarginOptions } from './triplet-margin';

export type { LossInput, LossName, MetricLoss } from './base';
export { CircleLoss, ContrastiveLoss, GeneralizedLiftedStructureLoss, InfoNCELoss, MarginSoftmaxLoss, MultiSimilarityLoss, NPairsLoss, ProxyAnchorLoss, SupConLoss, TripletMarginLoss };

export const LOSS_NAMES: readonly LossName[] = [
  'contrastive',
  'triplet-margin',
  'generalized-lifted-structure',
  'n-pairs',
  'multi-similarity',
  'infonce',
  'supcon',
  'l2-softmax',
  'large-margin-softmax',
  'sphereface',
  'normface',
  'cosface',
  'arcface',
  'proxy-anchor',
  'circle',
];

/** Losses that need class labels in 0..numClasses−1 and own class weights or proxies. */
export const CLASS_LOSS_NAMES: readonly LossName[] = ['l2-softmax', 'large-margin-softmax', 'sphereface', 'normface', 'cosface', 'arcface', 'proxy-anchor'];

/** Options for `createLoss`: each loss reads the fields it knows (so one object can drive `--losses all`). */
export type LossFactoryOptions = Omit<Partial<ClassOptions>, 'distance' | 'margin'> &
  Omit<ContrastiveOptions & TripletMarginOptions & LiftedStructureOptions & MultiSimilarityOptions & InfoNCEOptions & SupConOptions & CircleOptions & NPairsOptions, 'distance' | 'margin'> & {
    distance?: DistanceSpec;
    /** The loss's own margin (triplet, CosFace, ArcFace, L-Softmax, SphereFace, Proxy-Anchor). */
    margin?: number;
  };

type ClassOptions = MarginSoftmaxOptions & ProxyAnchorOptions;

/** Build a loss by name; classification losses need `numClasses` and `embeddingSize`. */
export function createLoss(name: LossName, options: LossFactoryOptions = {}): MetricLoss {
  switch (name) {
    case 'contrastive':
      return new ContrastiveLoss(options);
    case 'triplet-margin':
      return new TripletMarginLoss(options);
    case 'generalized-lifted-structure':
      return new GeneralizedLiftedStructureLoss(options);
    case 'n-pairs':
      return new NPairsLoss(options);
    case 'multi-similarity':
      return new MultiSimilarityLoss(options);
    case 'infonce':
      return new InfoNCELoss(options);
    case 'supcon':
      return new SupConLoss(options);
    case 'circle':
      return new CircleLoss(options);
    case 'proxy-anchor':
      return new ProxyAnchorLoss(classOptions(name, options));
    case 'l2-softmax':
    case 'large-margin-softmax':
    case 'sphereface':
    case 'normface':
    case 'cosface':
    case 'arcface':
      return new MarginSoftmaxLoss(name, classOptions(name, options));
    default:
      throw usageError(`unknown loss "${String(name)}" (one of ${LOSS_NAMES.join(', ')})`);
  }
}

function classOptions(name: LossName, options: LossFactoryOptions): ClassOptions {
  const { numClasses, embeddingSize } = options;
  if (numClasses === undefined || embeddingSize === undefined) throw usageError(`${name} needs numClasses and embeddingSize`);
  return { ...options, numClasses, embeddingSize };
}
