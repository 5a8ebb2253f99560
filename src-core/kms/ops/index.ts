/** The table of every KMS operation the local engine serves, gathered from one module per area. */
import type { OperationTable } from '../operation';
import { cryptoOperations } from './crypto';
import { customKeyStoreOperations } from './custom-key-stores';
import { grantOperations } from './grants';
import { keyOperations } from './key-management';

export const operations: OperationTable = {
  ...keyOperations,
  ...cryptoOperations,
  ...grantOperations,
  ...customKeyStoreOperations,
};
