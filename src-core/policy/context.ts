/**
 * What every check receives: the policy model, the options of this lint run, and the collector.
 */
import type { Caller } from '../kms/operation-context';
import { jsonEditWriter, type EditWriter, type PolicyEdit } from './edits';
import type { Finding, FindingList } from './findings';
import type { PolicyModel } from './model';

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

/**
 * The syntax a policy is written in, or the writer of its fixes that insert text (a Terraform form): YAML has
 * none, so it gets only the fixes that replace a value by a scalar.
 */
export type PolicyFormat = 'json' | 'yaml' | EditWriter;

export function editWriter(format: PolicyFormat, text: string): EditWriter | undefined {
  if (format === 'json') return jsonEditWriter(text);
  return format === 'yaml' ? undefined : format;
}

export interface CheckContext {
  model: PolicyModel;
  findings: FindingList;
  options: LintOptions;
  /** The whole text linted (a bare policy or the template around it), for fixes that keep its quoting. */
  text: string;
  /** Writes the fixes that insert text in the policy's syntax; none (YAML) leaves those fixes out. */
  writer: EditWriter | undefined;
}

/** Text for a property name or string in the document's own style (JSON quotes it, YAML keeps plain keys plain). */
export function nameText(ctx: CheckContext, offset: number, name: string): string {
  const quote = ctx.text[offset];
  return quote === '"' || quote === "'" ? `${quote}${name}${quote}` : name;
}

/** A fix made of one structural edit, when the policy's syntax can write it. */
export function editFix(ctx: CheckContext, title: string, edit: PolicyEdit): Finding['fix'] {
  const edits = ctx.writer?.(edit);
  return edits ? { title, edits } : undefined;
}

/** A fix that renames an operator or condition key, keeping the document's quoting. */
export function renameFix(ctx: CheckContext, span: { offset: number; length: number }, name: string): Finding['fix'] {
  return { title: `Use ${name}`, edits: [{ offset: span.offset, length: span.length, newText: nameText(ctx, span.offset, name) }] };
}
