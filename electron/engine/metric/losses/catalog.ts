/**
 * What users and callers know of each loss without building it (name, family, summary, capabilities,
 * defaults), in the order users see them: no TF.js here, so listing the losses or checking a loss name
 * (the Train screen, `train --loss`) does not load it. Each loss's file builds its descriptor from its
 * entry (registry.ts); `defaults` are what the loss uses when an option is not given.
 */
import { PAIR_CAPABILITIES, type LossCapabilities, type LossFamily } from './descriptor';

/** Capabilities of the softmax losses over class weights (margin-softmax.ts). */
const CLASS_CAPABILITIES: LossCapabilities = {
  needsClassLabels: true,
  needsLabelsWithTuple: true,
  learnableParams: ['class weights W (embedding size × classes)'],
  learnableTemperature: false,
  symmetricCrossModal: false,
};

/** One loss's entry; `const` keeps the literal name and defaults (the loss files read their defaults from here). */
function lossInfo<const N extends string, const D extends Readonly<Record<string, number | string | boolean>>>(info: { name: N; family: LossFamily; summary: string; capabilities: LossCapabilities; defaults: D }) {
  return info;
}

/** Every loss by name, in the order users see them. Adding a loss: its entry here, its descriptor in registry.ts. */
export const LOSS_INFO = {
  contrastive: lossInfo({
    name: 'contrastive',
    family: 'pair',
    summary: 'Hadsell, Chopra & LeCun 2006: positives pulled inside posMargin, negatives pushed past negMargin',
    capabilities: PAIR_CAPABILITIES,
    defaults: { distance: 'euclidean', reducer: 'mean-nonzero', posMargin: 0, negMargin: 1 },
  }),
  'triplet-margin': lossInfo({
    name: 'triplet-margin',
    family: 'pair',
    summary: 'Weinberger & Saul 2009, FaceNet 2015: each anchor nearer its positive than its negative by a margin',
    capabilities: PAIR_CAPABILITIES,
    defaults: { distance: 'euclidean', reducer: 'mean-nonzero', margin: 0.2, smooth: false },
  }),
  'generalized-lifted-structure': lossInfo({
    name: 'generalized-lifted-structure',
    family: 'pair',
    summary: 'Song et al. 2016, generalised by Hermans et al. 2017: soft-max of an anchor\'s positive distances against its negatives',
    capabilities: PAIR_CAPABILITIES,
    defaults: { distance: 'euclidean', reducer: 'mean', posMargin: 0, negMargin: 1 },
  }),
  'n-pairs': lossInfo({
    name: 'n-pairs',
    family: 'pair',
    summary: 'Sohn 2016: one pair per class; each anchor against the other classes\' positives (softmax cross-entropy)',
    capabilities: { ...PAIR_CAPABILITIES, needsLabelsWithTuple: true },
    defaults: { distance: 'dot', reducer: 'mean' },
  }),
  'multi-similarity': lossInfo({
    name: 'multi-similarity',
    family: 'pair',
    summary: 'Wang et al. 2019: positives and negatives weighted by their self-, negative and relative similarity',
    capabilities: PAIR_CAPABILITIES,
    defaults: { distance: 'cosine', reducer: 'mean', alpha: 2, beta: 50, base: 0.5 },
  }),
  infonce: lossInfo({
    name: 'infonce',
    family: 'pair',
    summary: 'InfoNCE / NT-Xent (van den Oord 2018, SimCLR 2020, CLIP 2021): softmax of each positive against the anchor\'s negatives',
    capabilities: {
      needsClassLabels: false,
      needsLabelsWithTuple: false,
      learnableParams: ['temperature, as log(1/τ) (with learnTemperature)'],
      learnableTemperature: true,
      symmetricCrossModal: true,
    },
    defaults: { distance: 'cosine', reducer: 'mean-nonzero', temperature: 0.07, learnTemperature: false, maxScale: 100, symmetric: true },
  }),
  supcon: lossInfo({
    name: 'supcon',
    family: 'pair',
    summary: 'Khosla et al. 2020: InfoNCE with every same-class embedding as a positive (L_out)',
    capabilities: PAIR_CAPABILITIES,
    defaults: { distance: 'cosine', reducer: 'mean-nonzero', temperature: 0.1 },
  }),
  'l2-softmax': lossInfo({
    name: 'l2-softmax',
    family: 'proxy',
    summary: 'Ranjan et al. 2017: softmax over features scaled to a fixed norm α',
    capabilities: CLASS_CAPABILITIES,
    defaults: { reducer: 'mean', scale: 16, margin: 0 },
  }),
  'large-margin-softmax': lossInfo({
    name: 'large-margin-softmax',
    family: 'proxy',
    summary: 'Liu et al. 2016 (L-Softmax): target angle multiplied by an integer margin m',
    capabilities: CLASS_CAPABILITIES,
    defaults: { reducer: 'mean', scale: 1, margin: 4, lambda: 0 },
  }),
  sphereface: lossInfo({
    name: 'sphereface',
    family: 'proxy',
    summary: 'Liu et al. 2017 (A-softmax): L-Softmax with normalised class weights',
    capabilities: CLASS_CAPABILITIES,
    defaults: { reducer: 'mean', scale: 1, margin: 4, lambda: 0 },
  }),
  normface: lossInfo({
    name: 'normface',
    family: 'proxy',
    summary: 'Wang et al. 2017: cosine softmax with a scale s',
    capabilities: CLASS_CAPABILITIES,
    defaults: { reducer: 'mean', scale: 20, margin: 0 },
  }),
  cosface: lossInfo({
    name: 'cosface',
    family: 'proxy',
    summary: 'Wang et al. 2018 (AM-softmax): cosine softmax with an additive cosine margin m',
    capabilities: CLASS_CAPABILITIES,
    defaults: { reducer: 'mean', scale: 64, margin: 0.35 },
  }),
  arcface: lossInfo({
    name: 'arcface',
    family: 'proxy',
    summary: 'Deng et al. 2019: cosine softmax with an additive angular margin m (radians)',
    capabilities: CLASS_CAPABILITIES,
    defaults: { reducer: 'mean', scale: 64, margin: 0.5 },
  }),
  'proxy-anchor': lossInfo({
    name: 'proxy-anchor',
    family: 'proxy',
    summary: 'Kim et al. 2020: each class proxy as an anchor, pulling its embeddings and pushing the others',
    capabilities: {
      needsClassLabels: true,
      needsLabelsWithTuple: true,
      learnableParams: ['proxies (classes × embedding size)'],
      learnableTemperature: false,
      symmetricCrossModal: false,
    },
    defaults: { distance: 'cosine', reducer: 'mean', alpha: 32, margin: 0.1 },
  }),
  circle: lossInfo({
    name: 'circle',
    family: 'unified',
    summary: 'Sun et al. 2020: pair similarities re-weighted by how far each is from its optimum (pair-wise form)',
    capabilities: PAIR_CAPABILITIES,
    defaults: { distance: 'cosine', reducer: 'mean-nonzero', m: 0.4, gamma: 80 },
  }),
};

export type LossName = keyof typeof LOSS_INFO;
export type LossInfo = (typeof LOSS_INFO)[LossName];

export const LOSS_INFOS: readonly LossInfo[] = Object.values(LOSS_INFO);
export const LOSS_NAMES: readonly LossName[] = LOSS_INFOS.map((d) => d.name);

/** Losses that need class labels in 0..numClasses−1 and own class weights or proxies. */
export const CLASS_LOSS_NAMES: readonly LossName[] = LOSS_INFOS.filter((d) => d.capabilities.needsClassLabels).map((d) => d.name);

export function isLossName(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}
