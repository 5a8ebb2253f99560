/** Operations of this area of the KMS API; each file owns one area and the index gathers them. */
import type { OperationDefinition } from '../operation';
import { encryptionOperations } from './crypto-encryption';

export const cryptoOperations: Record<string, OperationDefinition> = {
  ...encryptionOperations,
};
