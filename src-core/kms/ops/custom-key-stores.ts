/** Operations of this area of the KMS API; each file owns one area and the index gathers them. */
import type { OperationDefinition } from '../operation';

export const customKeyStoreOperations: Record<string, OperationDefinition> = {
};
