/** The table of every KMS operation the local engine serves, gathered from one module per area. */
import type { OperationDefinition } from '../operation';
import { cryptoOperations } from './crypto';
import { customKeyStoreOperations } from './custom-key-stores';
import { grantOperations } from './grants';
import { keyOperations } from './keys';

export const operations: Record<string, OperationDefinition> = {
  ...keyOperations,
  ...cryptoOperations,
  ...grantOperations,
  ...customKeyStoreOperations,
};
