/**
 * `kmsw simulate`: "may this principal do this with the key, and why", for scripts and CI. Decides one
 * request against a key policy file (and the grants `aws kms list-grants` printed) with the evaluator
 * the local keyring enforces, and names the deciding statements or grant.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { accountOfKeyArn } from '../../../src-core/ids/identifiers';
import type { ConditionValues } from '../../../src-core/kms/operation-context';
import { encryptionContextConditions } from '../../../src-core/kms/ops/crypto-common';
import type { GrantRecord } from '../../../src-core/kms/state';
import { grantsFromListGrantsJson } from '../../../src-core/policy/access-grants';
import { KMS_ACTION_NAMES } from '../../../src-core/policy/data';
import { policyModel } from '../../../src-core/policy/evaluate';
import { explainDecision, traceLines } from '../../../src-core/policy/explain';
import { accountOfPrincipal, isServicePrincipal, parseAwsPrincipal } from '../../../src-core/policy/principals';
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';

const HELP = `Usage: kmsw simulate --policy FILE [--grants FILE] --key-arn ARN --principal ARN --action kms:X
                     [--context k=v]... [--condition key=value]... [--format text|json]

Decides one request on a KMS key from its key policy and grants, as AWS does (and as the local
keyring enforces): allow, iam (the key policy allows it only through an account: the principal's IAM
policies decide; they are not seen here), explicit-deny or implicit-deny, with the deciding statements.

Options:
  --policy FILE           The key policy (JSON).
  --grants FILE           The key's grants: the JSON that \`aws kms list-grants\` prints ({"Grants": [...]}).
  --key-arn ARN           The key's ARN (its account decides what is cross-account).
  --principal ARN         The caller: an IAM user, role, assumed-role session or account root ARN,
                          or a service principal such as logs.amazonaws.com.
  --action kms:X          The KMS action, e.g. kms:Decrypt.
  --context k=v           An encryption context pair (repeatable): kms:EncryptionContext:k and
                          kms:EncryptionContextKeys of the request.
  --condition key=value   Any other condition key of the request (repeatable; a key given twice has
                          several values), e.g. kms:ViaService=s3.us-east-1.amazonaws.com,
                          aws:SourceIp=10.0.0.1, aws:PrincipalOrgID=o-abc, aws:PrincipalTag/team=web.
                          aws:PrincipalArn, aws:PrincipalAccount and kms:CallerAccount come from --principal.
  --format text|json      text (default): one sentence and the trace. json:
                          {"decision", "statements": [{"sid", "index", "line"}], "grant", "trace"}.

Exit status: 0 allow or iam, 1 explicit-deny or implicit-deny, 2 usage problem or unreadable file.`;

function pair(option: string, text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${option} takes key=value, not "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

async function readInput(io: CliIo, option: string, file: string): Promise<string> {
  try {
    return await readFile(isAbsolute(file) ? file : resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function required(value: string | undefined, option: string): string {
  if (value === undefined) throw new UsageError(`${option} is required`);
  return value;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['--policy', '--grants', '--key-arn', '--principal', '--action', '--format'], repeatable: ['--context', '--condition'] });
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  const format = parsed.value('--format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const keyArn = required(parsed.value('--key-arn'), '--key-arn');
  if (!accountOfKeyArn(keyArn)) throw new UsageError(`--key-arn takes a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not "${keyArn}"`);
  const principal = required(parsed.value('--principal'), '--principal');
  if (!isServicePrincipal(principal) && (!parseAwsPrincipal(principal) || !principal.startsWith('arn:'))) {
    throw new UsageError(`--principal takes an IAM principal ARN or a service principal, not "${principal}"`);
  }
  const action = required(parsed.value('--action'), '--action');
  const name = KMS_ACTION_NAMES.find((a) => `kms:${a}`.toLowerCase() === action.toLowerCase());
  if (!name) throw new UsageError(`--action takes a KMS action such as kms:Decrypt, not "${action}"`);
  const policy = await readInput(io, '--policy', required(parsed.value('--policy'), '--policy'));
  if (!policyModel(policy)) throw new UsageError(`--policy: ${parsed.value('--policy')} is not a JSON key policy`);
  const grantsFile = parsed.value('--grants');
  let grants: GrantRecord[] = [];
  if (grantsFile !== undefined) {
    try {
      grants = grantsFromListGrantsJson(await readInput(io, '--grants', grantsFile));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--grants: ${grantsFile}: ${(e as Error).message}`);
    }
  }
  // Null-prototype maps: a user-supplied key such as __proto__ stays a key.
  const ec: Record<string, string> = Object.create(null);
  for (const text of parsed.values('--context')) {
    const [k, v] = pair('--context', text);
    ec[k] = v;
  }
  const conditions: ConditionValues = Object.create(null);
  for (const text of parsed.values('--condition')) {
    const [k, v] = pair('--condition', text);
    const had = conditions[k];
    conditions[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [String(had)]), v];
  }
  const context = { ...(parsed.values('--context').length ? encryptionContextConditions(ec) : {}), ...conditions };
  const why = explainDecision(policy, grants, { principal, accountId: accountOfPrincipal(principal), action: `kms:${name}`, keyArn, context });
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ decision: why.decision, statements: why.deciding, grant: why.grant, trace: why.trace }, null, 2)}\n`);
  } else {
    io.stdout(`${why.summary}\n${traceLines(why.trace).map((l) => `${l}\n`).join('')}`);
  }
  return why.decision === 'allow' || why.decision === 'iam' ? 0 : 1;
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Decide a request on a KMS key from its key policy and grants, and say why',
  help: HELP,
  run,
};
