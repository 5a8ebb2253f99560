/**
 * Policy findings as LSP diagnostics. The fix travels in `data` (with the document version it was
 * computed for), so a code action needs no second lint run and never applies offsets to a newer text.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../src-core/policy/findings';
import { DIAGNOSTIC_SOURCE } from '../src-core/protocol';

export interface FixData {
  version: number;
  fix: NonNullable<Finding['fix']>;
}

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: { start: doc.positionAt(f.offset), end: doc.positionAt(f.offset + f.length) },
    severity: SEVERITY[f.severity],
    code: f.code,
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
  };
  if (f.fix) d.data = { version: doc.version, fix: f.fix } satisfies FixData;
  return d;
}

export function isFixData(data: unknown): data is FixData {
  const d = data as FixData | undefined;
  return typeof d?.version === 'number' && typeof d.fix?.title === 'string' && Array.isArray(d.fix.edits);
}
