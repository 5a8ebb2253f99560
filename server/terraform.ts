/**
 * Terraform files in the language server (.tf, .tf.json, and .json.tpl policy templates): the HCL parser (WebAssembly) is loaded the first time a .tf file
 * with a KMS key resource is checked, never at startup; until it is ready such files have no findings, and
 * when it is, every open document is checked again.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, LintOptions } from '../src-core/policy/lint';
import { lintTerraformJson } from '../src-core/terraform/json';
import { lintPolicyTemplate, lintTerraform } from '../src-core/terraform/lint';
import { findTerraformPolicies } from '../src-core/terraform/policies';
import { loadHclParser, type ReadHclWasm } from '../src-core/terraform/parser';
import type { HclParse } from '../src-core/terraform/syntax';
import { parseTemplateJson, templateParts } from '../src-core/terraform/template';
import type { PolicyRoot } from './policyDocuments';
import { uriPath } from './uri';

/** HCL (.tf), JSON syntax (.tf.json), or a policy template read by templatefile() (.json.tpl). */
function terraformKind(doc: TextDocument): 'hcl' | 'json' | 'template' | undefined {
  const path = uriPath(doc.uri);
  if (/\.tf\.json$/i.test(path)) return 'json';
  if (/\.json\.tpl$/i.test(path)) return 'template';
  return doc.languageId === 'terraform' || /\.tf$/i.test(path) ? 'hcl' : undefined;
}

export function isTerraform(doc: TextDocument): boolean {
  return terraformKind(doc) !== undefined;
}

/** Only modules that declare a KMS key resource are worth a parse. */
function mentionsKmsKey(text: string): boolean {
  return text.includes('aws_kms_');
}

export class TerraformSupport {
  #parse?: HclParse;
  #loading = false;

  constructor(private readonly readWasm: ReadHclWasm, private readonly onReady: () => void, private readonly onError: (message: string) => void) {}

  /** The parser when loaded; otherwise starts loading it and answers undefined. */
  #parser(): HclParse | undefined {
    if (!this.#parse && !this.#loading) {
      this.#loading = true;
      loadHclParser(this.readWasm).then((parse) => {
        this.#parse = parse;
        this.onReady();
      }, (err: unknown) => this.onError(`loading the HCL parser: ${err instanceof Error ? err.message : String(err)}`));
    }
    return this.#parse;
  }

  findings(doc: TextDocument, options: LintOptions): Finding[] {
    const text = doc.getText();
    const kind = terraformKind(doc);
    if (kind === 'template') return text.includes('kms:') ? lintPolicyTemplate(text, options) : [];
    if (!mentionsKmsKey(text)) return [];
    if (kind === 'json') return lintTerraformJson(text, options);
    const parse = this.#parser();
    return parse ? lintTerraform(text, parse, options) : [];
  }

  /** The key policies of the file as position trees (for hover). */
  roots(doc: TextDocument): PolicyRoot[] {
    const text = doc.getText();
    const kind = terraformKind(doc);
    if (kind === 'template') {
      const { policy } = parseTemplateJson(text, templateParts(text));
      return policy ? [{ logicalId: 'template', node: policy }] : [];
    }
    if (kind === 'json') return [];
    const parse = mentionsKmsKey(text) ? this.#parser() : undefined;
    return parse ? parse(text, (root) => findTerraformPolicies(root, text).map((p) => ({ logicalId: p.address, node: p.policy }))) : [];
  }
}
