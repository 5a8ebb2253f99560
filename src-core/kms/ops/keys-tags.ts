/** TagResource, UntagResource and ListResourceTags. */
import { assertKeyState } from '../key-state';
import { authorizeOnKey, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import { paginate } from '../paging';
import { mergedTags, tagConditions } from '../tags';
import { assertListLimit } from './list-limits';

const tagResource = defineOperation('TagResource', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:TagResource', key, input.KeyId, tagConditions(input.Tags));
  assertKeyState(key, 'TagResource');
  key.tags = mergedTags(key.tags, input.Tags);
  return {};
});

const untagResource = defineOperation('UntagResource', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:UntagResource', key, input.KeyId, { 'aws:TagKeys': input.TagKeys });
  assertKeyState(key, 'UntagResource');
  // Keys the key does not have are ignored, as in AWS.
  key.tags = key.tags.filter((t) => !input.TagKeys.includes(t.TagKey));
  return {};
});

const listResourceTags = defineOperation('ListResourceTags', false, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:ListResourceTags', key, input.KeyId);
  assertListLimit(input.Limit, 50);
  const page = paginate(key.tags, input, 50);
  return { Tags: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
});

export const tagOperations = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
};
