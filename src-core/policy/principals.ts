/**
 * Principal values of the policy language: what a string in `"AWS": …` means, shared by the
 * checks (is it well formed?) and the evaluator (does it name this caller?).
 */
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_SOURCE, PARTITION_SOURCE } from '../ids/identifiers';
import { SERVICE_PRINCIPAL_PATTERN } from './data';

export type AwsPrincipal =
  | { kind: 'everyone' }
  | { kind: 'account'; accountId: string; partition?: string }
  | { kind: 'user' | 'role' | 'group'; partition: string; accountId: string; path: string; name: string }
  | { kind: 'assumed-role'; partition: string; accountId: string; role: string; session: string }
  | { kind: 'federated-user'; partition: string; accountId: string; name: string }
  | { kind: 'unique-id'; id: string };

const IAM_ARN = new RegExp(`^arn:(${PARTITION_SOURCE}):iam::(${ACCOUNT_ID_SOURCE}):(root|user|role|group)(\\/.*)?$`);
const STS_ARN = new RegExp(`^arn:(${PARTITION_SOURCE}):sts::(${ACCOUNT_ID_SOURCE}):(assumed-role|federated-user)\\/(.+)$`);
const UNIQUE_ID = /^(AIDA|AROA|AGPA|ANPA|ANVA|ASIA|AKIA)[A-Z0-9]{12,}$/;

/** Parses an `AWS` principal value; undefined when it is not a valid form. */
export function parseAwsPrincipal(text: string): AwsPrincipal | undefined {
  if (text === '*') return { kind: 'everyone' };
  if (ACCOUNT_ID_PATTERN.test(text)) return { kind: 'account', accountId: text };
  if (UNIQUE_ID.test(text)) return { kind: 'unique-id', id: text };
  const iam = IAM_ARN.exec(text);
  if (iam) {
    const [, partition, accountId, type, rest] = iam;
    if (type === 'root') return rest ? undefined : { kind: 'account', accountId, partition };
    if (!rest || rest.length < 2) return undefined;
    const segments = rest.slice(1).split('/');
    const name = segments.pop()!;
    if (!name) return undefined;
    return { kind: type as 'user' | 'role' | 'group', partition, accountId, path: segments.length ? `/${segments.join('/')}/` : '/', name };
  }
  const sts = STS_ARN.exec(text);
  if (sts) {
    const [, partition, accountId, type, rest] = sts;
    if (type === 'federated-user') return { kind: 'federated-user', partition, accountId, name: rest };
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) return undefined;
    return { kind: 'assumed-role', partition, accountId, role: rest.slice(0, slash), session: rest.slice(slash + 1) };
  }
  return undefined;
}

export function isServicePrincipal(text: string): boolean {
  return SERVICE_PRINCIPAL_PATTERN.test(text);
}

/**
 * A principal that can call KMS or be named by a grant: an account, an IAM user or role, an
 * assumed-role session or a federated user (not a group, not `*`, not a unique ID).
 */
export function isCallerPrincipal(text: string): boolean {
  const kind = parseAwsPrincipal(text)?.kind;
  return kind === 'account' || kind === 'user' || kind === 'role' || kind === 'assumed-role' || kind === 'federated-user';
}

/** A grantee or retiring principal CreateGrant accepts: a caller principal or a service principal. */
export function isGranteePrincipal(text: string): boolean {
  return isCallerPrincipal(text) || isServicePrincipal(text);
}

/** The account a principal value belongs to, when it names one. */
export function accountOfPrincipal(text: string): string | undefined {
  const p = parseAwsPrincipal(text);
  return p && 'accountId' in p ? p.accountId : undefined;
}
