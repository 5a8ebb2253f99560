/** Key-management operations: each keys-*.ts module owns one group and this table gathers them. */
import { aliasOperations } from './keys-aliases';
import { createKeyOperations } from './keys-create';
import { multiRegionOperations } from './keys-multi-region';
import { policyOperations } from './keys-policy';
import { rotationOperations } from './keys-rotation';
import { keyStateOperations } from './keys-state';
import { tagOperations } from './keys-tags';

export const keyOperations = {
  ...createKeyOperations,
  ...keyStateOperations,
  ...aliasOperations,
  ...tagOperations,
  ...policyOperations,
  ...rotationOperations,
  ...multiRegionOperations,
};
