/** The loss registry: what each descriptor claims about its loss is what the loss does. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { CLASS_LOSS_NAMES, createLoss, isLossName, LOSS_NAMES, LOSSES, lossDescriptor, type MetricLoss } from '../../../electron/engine/metric/losses';
import { pairTuple } from '../../../electron/engine/metric/tuples';
import { createRng, randMat, t2 } from './fixtures';

beforeAll(async () => {
  await useBackend('cpu');
});

const CLASSES = { numClasses: 3, embeddingSize: 4 };
const build = (name: (typeof LOSS_NAMES)[number], extra = {}): MetricLoss => createLoss(name, { ...(lossDescriptor(name).capabilities.needsClassLabels && CLASSES), ...extra });

describe('loss registry', () => {
  it('lists each loss once, and the name lists follow it', () => {
    const names = LOSSES.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(LOSS_NAMES).toEqual(names);
    expect(CLASS_LOSS_NAMES).toEqual(LOSSES.filter((d) => d.capabilities.needsClassLabels).map((d) => d.name));
    expect(isLossName('arcface')).toBe(true);
    expect(isLossName('arc-face')).toBe(false);
    expect(() => lossDescriptor('arc-face')).toThrow(/unknown loss "arc-face" \(one of contrastive, /);
  });

  it.each(LOSSES.map((d) => [d.name, d]))('%s: the factory builds it, with the defaults it shows users', (name, d) => {
    const loss = build(name);
    try {
      expect(loss.name).toBe(name);
      expect(['pair', 'proxy', 'unified']).toContain(d.family);
      expect(d.summary.length).toBeGreaterThan(10);
      const fields = loss as unknown as Record<string, unknown>;
      for (const [key, shown] of Object.entries(d.defaults)) {
        if (key === 'distance') expect(loss.distance.name).toBe(shown);
        // Not a field: a loss that learns its temperature owns a variable.
        else if (key === 'learnTemperature') expect(loss.trainableVariables().length > 0).toBe(shown);
        else if (typeof fields[key] === 'function') expect((fields[key] as () => unknown).call(loss)).toBeCloseTo(shown as number, 10);
        else expect([key, fields[key]]).toEqual([key, shown]);
      }
    } finally {
      loss.dispose();
    }
  });

  it.each(LOSSES.map((d) => [d.name, d.capabilities]))('%s: its capabilities hold', (name, caps) => {
    const rng = createRng(31);
    const labels = [0, 1, 2, 0, 1, 2];
    const emb = randMat(labels.length, CLASSES.embeddingSize, rng);
    const ref = randMat(labels.length, CLASSES.embeddingSize, rng);
    const loss = build(name);
    try {
      // Class losses own their weights; the others own nothing unless asked to learn a temperature.
      expect(loss.trainableVariables().length > 0).toBe(caps.needsClassLabels);
      expect(caps.learnableParams.length > 0).toBe(caps.needsClassLabels || caps.learnableTemperature);
      if (caps.needsClassLabels) expect(() => createLoss(name)).toThrow(new RegExp(`${name} needs numClasses`));
      const value = (q: number[][], r: number[][]): number => tf.tidy(() => loss.compute(t2(q), labels, { refEmb: t2(r), refLabels: labels }).dataSync()[0]);
      // A symmetric cross-modal loss gives the same value with the two sets swapped (the trainer then calls it once).
      if (caps.symmetricCrossModal) expect(value(emb, ref)).toBeCloseTo(value(ref, emb), 5);
      else expect(Number.isFinite(value(emb, ref))).toBe(true);
      const withTuple = (): number => tf.tidy(() => loss.compute(t2(emb), null, { indicesTuple: pairTuple([0, 1], [3, 4], [0, 1], [1, 2]) }).dataSync()[0]);
      if (caps.needsLabelsWithTuple) expect(withTuple).toThrow(/labels/);
      else expect(Number.isFinite(withTuple())).toBe(true);
    } finally {
      loss.dispose();
    }
  });

  it.each(LOSSES.filter((d) => d.capabilities.learnableTemperature).map((d) => [d.name]))('%s: learns a temperature from the given start and reports it', (name) => {
    const loss = build(name, { temperature: 0.25, learnTemperature: true });
    try {
      expect(loss.trainableVariables()).toHaveLength(1);
      expect(loss.currentTemperature?.()).toBeCloseTo(0.25, 6);
    } finally {
      loss.dispose();
    }
  });
});
