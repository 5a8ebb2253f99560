/**
 * Limit/Marker pagination as every KMS List* operation does it. The marker is opaque to callers; it
 * names the position after the last item returned, and anything else is an InvalidMarkerException.
 */
import { KmsError } from '../kms-error';

export interface Page<T> {
  items: T[];
  /** Present only when there are more items (AWS omits it on the last page). */
  NextMarker?: string;
  Truncated: boolean;
}

const MARKER_PREFIX = 'kmsw1:';

function decodeMarker(marker: string, total: number): number {
  const offset = marker.startsWith(MARKER_PREFIX) ? Number(marker.slice(MARKER_PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0 || offset > total) {
    throw new KmsError('InvalidMarkerException', 'Marker is invalid or has expired.');
  }
  return offset;
}

/** One page of `all` (in a stable order the caller chose), `limit` defaulting per operation. */
export function paginate<T>(all: readonly T[], input: { Limit?: number; Marker?: string }, defaultLimit: number): Page<T> {
  return paginateIndexed(all.length, input, defaultLimit, (start, limit) => all.slice(start, start + limit));
}

/** One page of `total` items that `slice` fetches by position, so a store never loads more than the page. */
export function paginateIndexed<T>(total: number, input: { Limit?: number; Marker?: string }, defaultLimit: number, slice: (start: number, limit: number) => T[]): Page<T> {
  const start = input.Marker === undefined ? 0 : decodeMarker(input.Marker, total);
  const items = slice(start, input.Limit ?? defaultLimit);
  const next = start + items.length;
  return next < total ? { items, NextMarker: `${MARKER_PREFIX}${next}`, Truncated: true } : { items, Truncated: false };
}
