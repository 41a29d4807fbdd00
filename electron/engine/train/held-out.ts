/**
 * A fine-tuned version's metrics as the fronts show them (models list, the Train screen). Versions
 * saved before review T6 recorded before/after figures on any held-out split; one whose edits held
 * out fewer than MIN_HELD_OUT_EDITS videos is shown as a version saved now records it: no figures,
 * the count and the reason. Only when it had no Match feedback: model.json does not list which
 * judged clips were held out, so such a version is shown as it was saved. Its model.json is left
 * as it is.
 */
import { basename } from 'node:path';
import { heldOutTooFew, MIN_HELD_OUT_EDITS } from '../../contract/wording';
import type { ModelManifest } from '../models/version';
import { HELD_OUT_SHARE } from './edits';

export function shownMetrics(manifest: Pick<ModelManifest, 'metrics' | 'training'>): Record<string, unknown> {
  const evaluations = manifest.metrics.evaluations as { heldOut?: { edits?: unknown } } | null | undefined;
  const finetune = manifest.training.finetune as { feedback?: unknown; videos?: unknown } | undefined;
  // Saved with the rule (it records `edits`), not a fine-tune, or with feedback: as saved.
  if (!evaluations?.heldOut || evaluations.heldOut.edits !== undefined || finetune?.feedback !== null || !Array.isArray(finetune.videos)) return manifest.metrics;
  const held = (finetune.videos as Array<{ file?: unknown; split?: unknown }>).filter((v) => v.split === 'val');
  if (held.length >= MIN_HELD_OUT_EDITS) return manifest.metrics;
  const names = held.flatMap((v) => (typeof v.file === 'string' ? [basename(v.file)] : []));
  return { ...manifest.metrics, evaluations: { ...evaluations, heldOut: { edits: held.length, before: null, after: null, reason: heldOutTooFew(held.length, HELD_OUT_SHARE, names) } } };
}
