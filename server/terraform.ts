/**
 * Terraform files in the language server (.tf, .tf.json, and .json.tpl policy templates): the HCL parser (WebAssembly) is loaded the first time a .tf file
 * with a KMS key resource is checked, never at startup; until it is ready such files have no findings, and
 * when it is, every open document is checked again. A key policy a .tf file reads with templatefile() or file()
 * is checked as one in its own file: published for it when it is not open, checked as a key policy when it is.
 * Each open .tf document keeps its syntax tree, so a re-check after an edit re-parses only what changed.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, LintOptions } from '../src-core/policy/lint';
import { lintTerraformJson } from '../src-core/terraform/json';
import { lintPolicyFile, lintPolicyTemplate, lintTerraformModule } from '../src-core/terraform/lint';
import { findTerraformPolicies } from '../src-core/terraform/policies';
import { loadHclParsers, type ReadHclWasm } from '../src-core/terraform/parser';
import type { HclDocument, HclParse, HclParser } from '../src-core/terraform/syntax';
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

/** A Terraform file in HCL syntax (.tf), as opposed to .tf.json or a policy template. */
export function isHcl(doc: TextDocument): boolean {
  return terraformKind(doc) === 'hcl';
}

/** Only modules that declare a KMS key resource are worth a parse. */
function mentionsKmsKey(text: string): boolean {
  return text.includes('aws_kms_');
}

/** The URI of a file named relative to a document's folder. */
function besideUri(uri: string, path: string): string {
  return new URL(path.split('/').map(encodeURIComponent).join('/'), uri).href;
}

/** What TerraformSupport needs of the session. */
export interface TerraformHost {
  readWasm: ReadHclWasm;
  /** The text of a file: the open document's, else the file on disk; undefined when there is none. */
  readFile(uri: string): string | undefined;
  isOpen(uri: string): boolean;
  /** Check an open document again (a policy file whose .tf file changed). */
  recheck(uri: string): void;
  /** Findings of a policy file that is not open (none: clear what was published). */
  publish(uri: string, text: string, findings: Finding[]): void;
  onReady(): void;
  onError(message: string): void;
}

export class TerraformSupport {
  #parsers?: HclParser;
  /** The kept syntax tree of each open .tf document, freed when it closes. */
  #documents = new Map<string, HclDocument>();
  #loading = false;
  #failureReported = false;
  /** Per .tf document, the policy files it names (URI → read by templatefile()). */
  #policyFiles = new Map<string, Map<string, boolean>>();

  constructor(private readonly host: TerraformHost) {}

  /** Whether a .tf document names this file as its key policy (templatefile() when true, file() when false). */
  policyFile(uri: string): boolean | undefined {
    for (const files of this.#policyFiles.values()) if (files.has(uri)) return files.get(uri);
    return undefined;
  }

  /** The .tf file is closed: its policy files are no longer known as such. */
  forget(uri: string): void {
    this.#documents.get(uri)?.delete();
    this.#documents.delete(uri);
    const files = this.#policyFiles.get(uri);
    this.#policyFiles.delete(uri);
    for (const file of files?.keys() ?? []) this.#unpublish(file);
  }

  #unpublish(uri: string): void {
    if (this.policyFile(uri) !== undefined) return;
    if (this.host.isOpen(uri)) this.host.recheck(uri);
    else this.host.publish(uri, '', []);
  }

  /**
   * The parser when loaded; otherwise starts loading it and answers undefined. A failed load is tried again on
   * the next request (the file may have been mid-install); the failure is reported once, not per keystroke.
   */
  #parser(uri: string): HclParse | undefined {
    if (!this.#parsers && !this.#loading) {
      this.#loading = true;
      loadHclParsers(this.host.readWasm).then((parsers) => {
        this.#parsers = parsers;
        this.#loading = false;
        this.host.onReady();
      }, (err: unknown) => {
        this.#loading = false;
        if (this.#failureReported) return;
        this.#failureReported = true;
        this.host.onError(`Terraform files are not checked: loading the HCL parser failed (${err instanceof Error ? err.message : String(err)}); it is tried again on the next check.`);
      });
    }
    if (!this.#parsers) return undefined;
    // A document checked after it closed (a late re-check) is parsed once, not kept.
    if (!this.host.isOpen(uri)) return this.#parsers.parse;
    let document = this.#documents.get(uri);
    if (!document) this.#documents.set(uri, (document = this.#parsers.open()));
    return document.parse;
  }

  findings(doc: TextDocument, options: LintOptions): Finding[] {
    const text = doc.getText();
    const named = this.policyFile(doc.uri);
    if (named !== undefined) return lintPolicyFile(text, named, options);
    const kind = terraformKind(doc);
    if (kind === 'template') return text.includes('kms:') ? lintPolicyTemplate(text, options) : [];
    if (!mentionsKmsKey(text)) return [];
    if (kind === 'json') return lintTerraformJson(text, options);
    const parse = this.#parser(doc.uri);
    if (!parse) return [];
    const texts = new Map<string, string>();
    const { findings, files } = lintTerraformModule(text, parse, options, (path) => {
      const uri = besideUri(doc.uri, path);
      const content = this.host.readFile(uri);
      if (content !== undefined) texts.set(uri, content);
      return content;
    });
    const before = this.#policyFiles.get(doc.uri);
    const now = new Map(files.filter((f) => f.findings).map(({ file }) => [besideUri(doc.uri, file.path), file.template]));
    this.#policyFiles.set(doc.uri, now);
    for (const { file, findings: found } of files) {
      const uri = besideUri(doc.uri, file.path);
      if (!found) continue;
      if (this.host.isOpen(uri)) this.host.recheck(uri);
      else this.host.publish(uri, texts.get(uri)!, found);
    }
    for (const uri of before?.keys() ?? []) if (!now.has(uri)) this.#unpublish(uri);
    return findings;
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
    const parse = mentionsKmsKey(text) ? this.#parser(doc.uri) : undefined;
    return parse ? parse(text, (root) => findTerraformPolicies(root, text).map((p) => ({ logicalId: p.address, node: p.policy }))) : [];
  }
}
