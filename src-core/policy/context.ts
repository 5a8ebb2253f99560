/**
 * What every check receives: the policy model, the options of this lint run, and the collector.
 */
import type { Caller } from '../kms/operation-context';
import type { Finding, FindingList } from './findings';
import type { PolicyModel } from './model';
import type { PNode } from './tree';

export interface LintOptions {
  /**
   * The accounts on the key's side (the workspace's own): principals of other accounts count as cross-account.
   * Enables the cross-account checks; the first one is named by the lockout fix's account-root statement.
   */
  accountIds?: string[];
  /** What is known about the key the policy belongs to (from a template or the keyring); unknown parts are left out. */
  key?: { spec?: string; usage?: string; origin?: string; multiRegion?: boolean };
  /** The principal that will deploy the policy: the lockout check is then decided for exactly that caller. */
  deployer?: Caller;
  /** Finding codes to leave out. */
  disabled?: string[];
}

/** The syntax a policy is written in: fixes that insert JSON are offered only in JSON. */
export type PolicyFormat = 'json' | 'yaml' | 'hcl';

export interface CheckContext {
  model: PolicyModel;
  findings: FindingList;
  options: LintOptions;
  /** The whole text linted (a bare policy or the template around it), for fixes that keep its quoting. */
  text: string;
  /** Anything but 'json' (a YAML template, Terraform HCL) leaves out the fixes that insert JSON syntax. */
  format: PolicyFormat;
}

/** Text for a property name or string in the document's own style (JSON quotes it, YAML keeps plain keys plain). */
export function nameText(ctx: CheckContext, offset: number, name: string): string {
  const quote = ctx.text[offset];
  return quote === '"' || quote === "'" ? `${quote}${name}${quote}` : name;
}

/**
 * A fix that adds `"name": value` to a JSON object, in front of its first property and with that
 * property's indentation; undefined in YAML (the edit would have to be YAML too).
 */
export function insertPropertyFix(ctx: CheckContext, object: PNode, name: string, valueJson: string, title: string): Finding['fix'] {
  if (ctx.format !== 'json' || object.kind !== 'object') return undefined;
  const first = object.props[0];
  if (!first) return { title, edits: [{ offset: object.offset + 1, length: 0, newText: `${JSON.stringify(name)}: ${valueJson}` }] };
  const lineStart = ctx.text.lastIndexOf('\n', first.keyOffset - 1) + 1;
  const indent = ctx.text.slice(lineStart, first.keyOffset);
  const separator = /^\s*$/.test(indent) ? `,\n${indent}` : ', ';
  return { title, edits: [{ offset: first.keyOffset, length: 0, newText: `${JSON.stringify(name)}: ${valueJson}${separator}` }] };
}

/** A fix that renames an operator or condition key, keeping the document's quoting. */
export function renameFix(ctx: CheckContext, span: { offset: number; length: number }, name: string): Finding['fix'] {
  return { title: `Use ${name}`, edits: [{ offset: span.offset, length: span.length, newText: nameText(ctx, span.offset, name) }] };
}
