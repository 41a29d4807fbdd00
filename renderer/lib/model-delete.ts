/**
 * Whether the Train screen offers Delete for a model version: not for what the engine refuses
 * anyway. A folder in the models folder whose name is no version name (`bad name!`, made by hand)
 * is listed, unusable, but `models.delete` refuses the name itself, as every front does (the
 * contract's version rule: one path component of letters, digits, ".", "_", "-"), so Delete would
 * only fail. It is not made deletable: a folder no command made is the user's to remove.
 */
import { parseRequest } from '../../electron/contract/validate';
import type { ModelInfo } from '../../electron/contract/types';

/** Why `m` has no Delete, or null when it may be deleted. */
export function undeletable(m: Pick<ModelInfo, 'version' | 'source' | 'active'>): string | null {
  if (m.source === 'shipped') return 'Shipped with Needledrop: it cannot be deleted';
  if (m.active) return 'The active version: activate another one first to delete it';
  try {
    parseRequest('models.delete', { version: m.version });
  } catch {
    return `"${m.version}" is not a version name (letters, digits, ".", "_" or "-", at most 64), so Needledrop does not delete it: remove its folder from the models folder yourself`;
  }
  return null;
}
