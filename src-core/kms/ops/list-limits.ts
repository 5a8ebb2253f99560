/**
 * Per-operation Limit ranges. The model types every Limit as 1–1000, but ListAliases, ListGrants
 * and ListRetirableGrants allow at most 100 and ListResourceTags 50; a larger value gets the same
 * ValidationException text the wire codec uses for model constraints.
 */
import { KmsError } from '../../kms-error';

export function assertListLimit(limit: number | undefined, max: number): void {
  if (limit !== undefined && limit > max) {
    throw new KmsError('ValidationException', `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  }
}
