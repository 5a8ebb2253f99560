/** Operations of this area of the KMS API; each file owns one area and the index gathers them. */
import { dataKeyOperations } from './crypto-data-keys';
import { encryptionOperations } from './crypto-encryption';
import { importOperations } from './crypto-import';
import { macOperations } from './crypto-mac';
import { signingOperations } from './crypto-signing';

export const cryptoOperations = {
  ...encryptionOperations,
  ...dataKeyOperations,
  ...signingOperations,
  ...macOperations,
  ...importOperations,
};
