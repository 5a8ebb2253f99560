/**
 * Which open documents hold key policies, and where: a policy file (by glob or by content), or the
 * `KeyPolicy` of KMS keys in a CloudFormation template. Parsed once per document version.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findEmbeddedPolicies } from '../src-core/policy/cfn';
import { parseJson, type PNode } from '../src-core/policy/tree';
import { uriPath } from './uri';
import { matchesAnyGlob } from './glob';

export type PolicyLanguage = 'json' | 'yaml';

export interface PolicyRoot {
  /** The CloudFormation logical ID when the policy is embedded in a template. */
  logicalId?: string;
  node: PNode;
}

export interface PolicyDocument {
  language: PolicyLanguage;
  /** The whole file is a policy (glob or content), as opposed to a template that embeds some. */
  isPolicyFile: boolean;
  roots: PolicyRoot[];
}

/** JSON or YAML by language ID, falling back to the file extension for clients that send plain text. */
export function languageOf(doc: TextDocument): PolicyLanguage | undefined {
  const id = doc.languageId;
  if (id === 'json' || id === 'jsonc') return 'json';
  if (id === 'yaml' || id === 'cloudformation') return 'yaml';
  const path = uriPath(doc.uri);
  if (/\.json$/i.test(path)) return 'json';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  return undefined;
}

export function matchesPolicyGlobs(doc: TextDocument, globs: readonly string[]): boolean {
  return matchesAnyGlob(uriPath(doc.uri), globs);
}

/** Cheap content test run before any parsing, so unrelated JSON and YAML files cost one substring search. */
export function mentionsKms(text: string): boolean {
  return text.includes('kms:') || text.includes('AWS::KMS::');
}

function hasStatement(root: PNode | undefined): boolean {
  return root?.kind === 'object' && root.props.some((p) => p.key === 'Statement');
}

function analyze(doc: TextDocument, globs: readonly string[]): PolicyDocument | undefined {
  const language = languageOf(doc);
  if (!language) return undefined;
  const text = doc.getText();
  const byGlob = language === 'json' && matchesPolicyGlobs(doc, globs);
  if (!byGlob && !mentionsKms(text)) return undefined;
  if (byGlob) {
    const { root } = parseJson(text);
    return { language, isPolicyFile: true, roots: root ? [{ node: root }] : [] };
  }
  const scan = findEmbeddedPolicies(text, language);
  if (scan.isTemplate) {
    return { language, isPolicyFile: false, roots: scan.policies.map((p) => ({ logicalId: p.logicalId, node: p.policy })) };
  }
  if (language === 'json' && hasStatement(scan.root)) return { language, isPolicyFile: true, roots: [{ node: scan.root! }] };
  return undefined;
}

/** Per-document cache keyed by version: hover, completion and symbols ask many times per edit. */
export class PolicyDocuments {
  #cache = new Map<string, { version: number; globs: readonly string[]; value: PolicyDocument | undefined }>();

  get(doc: TextDocument, globs: readonly string[]): PolicyDocument | undefined {
    const hit = this.#cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.globs === globs) return hit.value;
    const value = analyze(doc, globs);
    this.#cache.set(doc.uri, { version: doc.version, globs, value });
    return value;
  }

  forget(uri: string): void {
    this.#cache.delete(uri);
  }
}
