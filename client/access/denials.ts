/**
 * "Why was my call denied?" for the local keyring. The keyring's authorizer reports each refusal with
 * its request, policy and grants (out of band: the AWS error text stays AWS's); when such an error reaches
 * the user, the message adds which statement denied it or that none allowed it, with a button that opens
 * the key's policy.
 */
import * as vscode from 'vscode';
import type { Denial } from '../../src-core/policy/authorizer';
import { explainDecision, type DecisionExplanation } from '../../src-core/policy/explain';
import type { KmsConnection } from '../connections/connection';
import { describeError } from '../describeError';
import { log } from '../log';

interface Recorded extends Denial {
  connection: KmsConnection;
}

/** Recent refusals, newest last: enough for the calls of one command, never unbounded. */
const recent: Recorded[] = [];
const LIMIT = 20;

export function recordDenial(connection: KmsConnection, denial: Denial): void {
  recent.push({ ...denial, connection });
  if (recent.length > LIMIT) recent.shift();
}

/** AWS's AccessDeniedException text: "User: P is not authorized to perform: A on resource: R …". */
const MESSAGE = /User: (\S+) is not authorized to perform: (\S+) on resource: (\S+)/;

export interface ExplainedDenial {
  connection: KmsConnection;
  keyArn: string;
  why: DecisionExplanation;
}

/** The local refusal this error reports, explained; undefined for other errors and for AWS's own. */
export function explainDenial(error: unknown): ExplainedDenial | undefined {
  if (!(error instanceof Error) || error.name !== 'AccessDeniedException') return undefined;
  const m = MESSAGE.exec(error.message);
  if (!m) return undefined;
  const [, principal, action, keyArn] = m;
  for (let i = recent.length - 1; i >= 0; i--) {
    const d = recent[i];
    if (d.request.principal === principal && d.request.action === action && d.request.keyArn === keyArn) {
      return { connection: d.connection, keyArn, why: explainDecision(d.policy, d.grants, d.request) };
    }
  }
  return undefined;
}

/** Shows a local refusal with its explanation and an "Open Key Policy" button; false when the error is not one. */
export async function showAccessDenied(context: string, error: unknown): Promise<boolean> {
  const denial = explainDenial(error);
  if (!denial) return false;
  log.warn(`${context}: ${denial.why.summary}`);
  const choice = await vscode.window.showErrorMessage(`${context} failed. ${describeError(error)} Local keyring: ${denial.why.summary}`, 'Open Key Policy', 'Show Logs');
  if (choice === 'Open Key Policy') {
    const keyId = denial.keyArn.slice(denial.keyArn.indexOf(':key/') + 5);
    const deciding = denial.why.deciding[0];
    await vscode.commands.executeCommand('kmsWorkbench.editKeyPolicy', { connection: denial.connection, keyId, label: keyId, ...(deciding ? { statement: deciding.index } : {}) });
  } else if (choice === 'Show Logs') log.show();
  return true;
}
