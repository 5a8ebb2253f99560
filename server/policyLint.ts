/**
 * Which documents the key-policy checker runs on, and with what it knows from the keyring: policy files
 * (by glob), JSON documents whose statements name kms: actions, CloudFormation templates (JSON or YAML)
 * with AWS::KMS::Key / ReplicaKey key policies, and Terraform files with KMS key resources.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isKeyPolicyDocument, lintDocument, lintPolicyText, type Finding, type LintOptions } from '../src-core/policy/lint';
import type { ServerSettings } from '../protocol/settings';
import type { KeyIndex } from './keyIndex';
import { toDiagnostic } from './policyDiagnostics';
import { languageOf, matchesPolicyGlobs, mentionsKms } from './policyDocuments';
import { isTerraform, type TerraformSupport } from './terraform';

/**
 * The workspace accounts the policy itself names: those are the key's own side, which turns on the
 * cross-account checks and lets the lockout fix name the right root. A keyring account the policy never
 * mentions says nothing about where this policy will be deployed.
 */
function lintOptions(text: string, keyring: KeyIndex, settings: ServerSettings): LintOptions {
  const accountIds = keyring.accounts().map((a) => a.accountId).filter((id) => text.includes(id));
  return { disabled: settings.disabledChecks, ...(accountIds.length ? { accountIds } : {}) };
}

/** CloudFormation's own template size limit: a larger JSON or YAML file is not a template worth re-parsing per keystroke. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

function looksLikeTemplate(text: string): boolean {
  return text.includes('AWS::KMS::') && /["']?Resources["']?\s*:/.test(text);
}

export function policyFindings(doc: TextDocument, settings: ServerSettings, keyring: KeyIndex, terraform?: TerraformSupport): Finding[] {
  if (isTerraform(doc) || terraform?.policyFile(doc.uri) !== undefined) return terraform?.findings(doc, lintOptions(doc.getText(), keyring, settings)) ?? [];
  const language = languageOf(doc);
  if (!language) return [];
  const text = doc.getText();
  if (language === 'json' && matchesPolicyGlobs(doc, settings.policyFiles)) return lintPolicyText(text, lintOptions(text, keyring, settings));
  if (text.length > MAX_TEMPLATE_BYTES || !mentionsKms(text)) return [];
  if (looksLikeTemplate(text)) return lintDocument(text, language, lintOptions(text, keyring, settings));
  // Other YAML (Serverless, Helm, Ansible…) may name kms: actions without being a key policy: leave it alone.
  if (language === 'json' && isKeyPolicyDocument(text)) return lintPolicyText(text, lintOptions(text, keyring, settings));
  return [];
}

export function policyDiagnostics(doc: TextDocument, settings: ServerSettings, keyring: KeyIndex, terraform?: TerraformSupport): Diagnostic[] {
  return policyFindings(doc, settings, keyring, terraform).map((f) => toDiagnostic(doc, f));
}
