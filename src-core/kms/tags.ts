/**
 * Tag rules shared by CreateKey, ReplicateKey and TagResource: at most 50 tags per key, no
 * duplicate keys in one request, and the `aws:` prefix reserved (TagException, AWS's texts).
 * Lengths are model constraints, checked by the wire codec as ValidationException.
 */
import { KmsError } from '../kms-error';

export type Tag = { TagKey: string; TagValue: string };

export const TAGS_PER_KEY = 50;

/** The key's tags after `added` are applied (new values overwrite), or a TagException. Does not change the key. */
export function mergedTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const seen = new Set<string>();
  for (const tag of added) {
    if (seen.has(tag.TagKey)) throw new KmsError('TagException', 'Duplicate tag keys');
    seen.add(tag.TagKey);
    if (tag.TagKey.toLowerCase().startsWith('aws:')) throw new KmsError('TagException', 'Tags beginning with aws: are reserved');
  }
  const merged = existing.filter((t) => !seen.has(t.TagKey)).concat(added.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })));
  if (merged.length > TAGS_PER_KEY) throw new KmsError('TagException', 'Too many tags');
  return merged;
}

/** Condition values a tagging request carries (aws:RequestTag/<key>, aws:TagKeys) for the authorizer. */
export function tagConditions(tags: readonly Tag[]): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.TagKey) };
  for (const t of tags) values[`aws:RequestTag/${t.TagKey}`] = t.TagValue;
  return values;
}
