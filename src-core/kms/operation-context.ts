/**
 * What an operation handler sees: the state to read or change, who is calling, the keyring's time,
 * randomness, and the authorization seam. Handlers never reach for I/O or the wall clock.
 */
import type { Caller } from '../caller';
import type { KeyringIndex, Logger, Random } from '../ports';
import type { KeyRecord, KeyringState } from './state';

export type { Caller };

/** Values of condition keys for this request, e.g. `kms:EncryptionContext:tenant` → "a". */
export type ConditionValues = Record<string, string | string[] | boolean | number | undefined>;

export interface AuthorizationRequest {
  caller: Caller;
  /** IAM action, e.g. `kms:Encrypt`. */
  action: string;
  /** The key acted on; absent for account-level actions (CreateKey, ListKeys, GenerateRandom, …). */
  key?: KeyRecord;
  conditions: ConditionValues;
  grantTokens?: string[];
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** Which statement or grant decided, for "why was this call denied" in the UI. */
  decidedBy?: { kind: 'policy'; sid?: string; index: number; effect: 'Allow' | 'Deny' } | { kind: 'grant'; grantId: string } | { kind: 'default' };
  /** Present on a deny: "no resource-based policy allows …" or "an explicit deny in a resource-based policy". */
  reason?: 'explicit-deny' | 'no-allow';
}

/** Decides whether a caller may perform an action. The policy evaluator is one implementation. */
export interface Authorizer {
  authorize(request: AuthorizationRequest): AuthorizationDecision;
}

export interface OperationContext {
  readonly state: KeyringState;
  /** The store's answers about the whole keyring (counts, pages, alias lookups) without walking `state`. */
  readonly index: KeyringIndex;
  readonly caller: Caller;
  /** The keyring's time in epoch ms: the wall clock plus the simulated offset. */
  readonly now: number;
  readonly random: Random;
  readonly logger: Logger;
  readonly requestId: string;
  /** The CloudTrail eventID this call will be recorded under (GetKeyLastUsage reports it). */
  readonly eventId: string;
  /** Throws AccessDeniedException with AWS's message shape when the caller may not act. */
  authorize(action: string, key?: KeyRecord, conditions?: ConditionValues, grantTokens?: string[]): void;
  /** Records a successful use of a key for GetKeyLastUsage and the tree view. */
  noteUsage(key: KeyRecord, operation: string): void;
}
