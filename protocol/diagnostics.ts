/** What the client needs to know about the server's diagnostics, without loading the language client. */

/** `source` of every diagnostic the language server publishes. */
export const DIAGNOSTIC_SOURCE = 'kms-workbench';
