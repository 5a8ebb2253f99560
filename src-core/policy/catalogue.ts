/**
 * Every finding code the checker can report, with its group and a one-line description: for settings
 * that turn codes off, for documentation, and so a code cannot be reported without being listed here.
 * Codes are stable: rename one only with a migration for users' settings.
 */
export const CHECKS = {
  // Syntax and structure (KMS rejects the document)
  'json-syntax': 'The text is not valid JSON.',
  'yaml-syntax': 'The template is not valid YAML.',
  'invalid-type': 'An element has the wrong JSON type.',
  'duplicate-key': 'The same key appears twice in one object; only the last counts.',
  'unknown-element': 'An element the policy grammar does not have (names are case-sensitive).',
  'missing-element': 'A required element (Statement, Effect, Principal, Action, Resource) is missing.',
  'conflicting-elements': 'Both X and NotX in one statement.',
  'invalid-version': 'Version is not 2012-10-17 or 2008-10-17.',
  'missing-version': 'No Version: policy variables are not substituted.',
  'old-version': 'Version 2008-10-17 (no policy variables).',
  'invalid-effect': 'Effect is not exactly Allow or Deny.',
  'duplicate-sid': 'Two statements share a Sid.',
  'empty-sid': 'An empty Sid.',
  'empty-value': 'An empty array or object that matches nothing.',
  'invalid-character': 'A character KMS does not accept in a key policy.',
  'policy-too-large': 'Over the 32,768-byte key policy quota.',
  'policy-near-limit': 'Over 90 % of the key policy quota.',
  // Principals
  'invalid-principal': 'A principal KMS rejects (format, group, wildcard in an ARN, unsupported type).',
  'deleted-principal': 'A unique ID where a deleted principal used to be.',
  'redundant-principal': '"*" next to other principals.',
  'not-principal-allow': 'Allow with NotPrincipal: everyone else, including anonymous callers.',
  'not-principal-deny': 'Deny with NotPrincipal that must list account, role and session ARNs.',
  'wildcard-principal': 'Allow to "*" with no condition on who calls.',
  'account-wide-admin': 'Every principal of an account or organization may change the policy.',
  // Actions and resources
  'unknown-action': 'Not a KMS action (or a pattern matching none).',
  'action-not-applicable': 'An action a key policy cannot allow (account-level, grant-decided or another service).',
  'redundant-action': 'An action already covered by kms:* or *.',
  'not-action-allow': 'Allow with NotAction allows every other action, future ones too.',
  'resource-not-star': 'Resource other than "*" in a key policy.',
  'not-resource': 'NotResource in a key policy.',
  'action-not-for-key': 'An action that can never succeed on this key (spec, usage, origin, multi-Region).',
  'cross-account-action': 'An action principals of another account cannot use.',
  // Conditions
  'unknown-condition-operator': 'Not a condition operator.',
  'null-if-exists': 'NullIfExists, which IAM rejects.',
  'unknown-condition-key': 'A condition key KMS requests do not carry.',
  'condition-key-not-allowed': 'A condition key KMS rejects in key policies (aws:ResourceTag, kms:ResourceAliases).',
  'deprecated-condition-key': 'A deprecated condition key.',
  'duplicate-condition-key': 'The same key twice under one operator, in different case.',
  'missing-qualifier': 'A multi-valued key without ForAnyValue/ForAllValues.',
  'unneeded-qualifier': 'ForAnyValue/ForAllValues on a single-valued key.',
  'for-all-values-empty-set': 'ForAllValues in an Allow also matches requests without the key.',
  'null-with-qualifier': 'ForAnyValue/ForAllValues with Null.',
  'condition-operator-mismatch': 'An operator of the wrong type for the key.',
  'invalid-condition-value': 'A value that is malformed or can never occur for the key.',
  'redundant-condition-value': 'The same value twice for one key.',
  'wildcard-without-like': '"*" or "?" with an operator that compares literally.',
  'invalid-variable': 'A malformed policy variable, or one in an operator that does not expand them.',
  'condition-key-not-supported': 'A key never present for the statement\'s actions.',
  'condition-key-partial': 'A key present for only some of the statement\'s actions.',
  'via-service-with-service-principal': 'kms:ViaService on a service principal, which calls KMS as itself.',
  'private-source-ip': 'A private range in aws:SourceIp, which holds public addresses only.',
  'mfa-condition-gap': 'Deny on Bool aws:MultiFactorAuthPresent false misses long-term keys.',
  'encryption-context-not-for-key': 'Encryption-context conditions on a key that takes no encryption context.',
  // What the policy means as a whole
  'lockout-risk': 'Nobody could call PutKeyPolicy afterwards (KMS refuses the policy).',
  'lockout-conditional': 'PutKeyPolicy only under conditions a deployer may not meet.',
  'bypass-lockout-check': 'BypassPolicyLockoutSafetyCheck is set.',
  'unconstrained-create-grant': 'CreateGrant without a condition lets grantees pass on their permissions.',
  'network-deny-without-service-exception': 'A network Deny that also blocks AWS services calling on your behalf.',
  'allow-shadowed-by-deny': 'An Allow that an unconditional Deny cancels entirely.',
  'duplicate-statement': 'A statement repeated exactly.',
} as const;

export type CheckCode = keyof typeof CHECKS;
