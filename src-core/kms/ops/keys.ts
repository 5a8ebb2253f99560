/** Key-management operations: each keys-*.ts module owns one group and this table gathers them. */
import type { OperationDefinition } from '../operation';
import { aliasOperations } from './keys-aliases';
import { createKeyOperations } from './keys-create';
import { policyOperations } from './keys-policy';
import { tagOperations } from './keys-tags';

export const keyOperations: Record<string, OperationDefinition> = {
  ...createKeyOperations,
  ...aliasOperations,
  ...tagOperations,
  ...policyOperations,
};
