/**
 * The one command table: every `kmsWorkbench.*` command, its title for error messages, and the factory
 * that binds its body to the Ctx. package.json declares the same ids (titles, menus, when-clauses);
 * `registerCommands` is the only place that calls `vscode.commands.registerCommand`.
 */
import * as vscode from 'vscode';
import { checkAccess } from '../access/checkAccess';
import { shareKey } from '../access/shareKey';
import { exportAudit, openAuditPanel } from '../audit/commands';
import type { Ctx } from '../ctx';
import { runCommand } from '../commandErrors';
import { openDecrypted } from '../decryptedDocuments';
import { showKeyDetails } from '../keyDetailsDocument';
import { createCsr, exportPublicKey, signFile, verifyFile } from './asymmetric';
import { addAwsConnection, copyServeCommand } from './connections';
import { createKey } from './createKey';
import { decryptFiles, encryptFiles } from './files';
import { importMaterial } from './importMaterial';
import {
  cancelDeletion, copyArn, copyKeyId, disableKey, disableRotation, enableKey, enableRotation, replicateKey, rotateNow, scheduleDeletion,
  updateDescription,
} from './keyLifecycle';
import { addTags, createAlias, createGrant, deleteAlias, removeTag, retireGrant, revokeGrant, updateAlias } from './keyParts';
import { sopsEditDecrypted, sopsEncrypt } from '../sops/commands';
import { decryptSelection, encryptSelection } from './text';
import { commandSucceeded, openSample, openWalkthrough } from '../walkthrough';
import { advanceClock, clearFilter, filterKeys, loadMoreKeys, refresh, restartLanguageServer, selectConnection, showLogs } from './view';

// Command arguments come from VS Code (tree nodes, URIs, menu contexts), untyped at this boundary.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CommandFactory = (ctx: Ctx) => (...args: any[]) => Promise<unknown>;

interface CommandSpec {
  /** Names the failed action in error messages ("Create Key failed. …"). */
  title: string;
  factory: CommandFactory;
}

export const COMMANDS: Record<string, CommandSpec> = {
  refresh: { title: 'Refresh', factory: refresh },
  loadMoreKeys: { title: 'Load More Keys', factory: loadMoreKeys },
  filterKeys: { title: 'Filter Keys', factory: filterKeys },
  clearFilter: { title: 'Clear Key Filter', factory: clearFilter },
  selectConnection: { title: 'Select Active Connection', factory: selectConnection },
  showLogs: { title: 'Show Logs', factory: showLogs },
  addAwsConnection: { title: 'Add AWS Connection', factory: addAwsConnection },
  copyServeCommand: { title: 'Copy kmsw serve Command for the Local Keyring', factory: copyServeCommand },
  advanceClock: { title: 'Advance Local Clock', factory: advanceClock },
  createKey: { title: 'Create Key', factory: createKey },
  enableKey: { title: 'Enable Key', factory: enableKey },
  disableKey: { title: 'Disable Key', factory: disableKey },
  enableRotation: { title: 'Enable Automatic Rotation', factory: enableRotation },
  disableRotation: { title: 'Disable Automatic Rotation', factory: disableRotation },
  rotateNow: { title: 'Rotate Key Material Now', factory: rotateNow },
  updateDescription: { title: 'Update Key Description', factory: updateDescription },
  scheduleDeletion: { title: 'Schedule Key Deletion', factory: scheduleDeletion },
  cancelDeletion: { title: 'Cancel Key Deletion', factory: cancelDeletion },
  importMaterial: { title: 'Import Key Material', factory: importMaterial },
  replicateKey: { title: 'Replicate Key to Region', factory: replicateKey },
  copyArn: { title: 'Copy Key ARN', factory: copyArn },
  copyKeyId: { title: 'Copy Key ID', factory: copyKeyId },
  encryptSelection: { title: 'Encrypt Selection', factory: encryptSelection },
  decryptSelection: { title: 'Decrypt Selection', factory: decryptSelection },
  encryptFile: { title: 'Encrypt File', factory: encryptFiles },
  decryptFile: { title: 'Decrypt File', factory: decryptFiles },
  openDecrypted: { title: 'Open Decrypted (Read-Only)', factory: openDecrypted },
  sopsEditDecrypted: { title: 'Edit Decrypted', factory: sopsEditDecrypted },
  sopsEncrypt: { title: 'Encrypt with SOPS', factory: sopsEncrypt },
  createAlias: { title: 'Create Alias', factory: createAlias },
  updateAlias: { title: 'Point Alias at Another Key', factory: updateAlias },
  deleteAlias: { title: 'Delete Alias', factory: deleteAlias },
  createGrant: { title: 'Create Grant', factory: createGrant },
  retireGrant: { title: 'Retire Grant', factory: retireGrant },
  revokeGrant: { title: 'Revoke Grant', factory: revokeGrant },
  addTags: { title: 'Add Tags', factory: addTags },
  removeTag: { title: 'Remove Tag', factory: removeTag },
  exportPublicKey: { title: 'Export Public Key (PEM)', factory: exportPublicKey },
  signFile: { title: 'Sign Current File with Key', factory: signFile },
  verifyFile: { title: 'Verify Signature of Current File', factory: verifyFile },
  createCsr: { title: 'Create Certificate Signing Request', factory: createCsr },
  showKeyDetails: { title: 'Show Key Details', factory: showKeyDetails },
  editKeyPolicy: { title: 'Edit Key Policy', factory: (ctx) => ctx.policies.edit },
  checkAccess: { title: 'Check Access', factory: checkAccess },
  shareKey: { title: 'Share Key with Another Account', factory: shareKey },
  openAuditPanel: { title: 'Open Audit Log', factory: openAuditPanel },
  exportAudit: { title: 'Export Audit Log', factory: exportAudit },
  restartLanguageServer: { title: 'Restart Language Server', factory: restartLanguageServer },
  openSample: { title: 'Open Walkthrough Sample', factory: openSample },
  openWalkthrough: { title: 'Open Walkthrough', factory: openWalkthrough },
};

export function registerCommands(ctx: Ctx): void {
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const keyLabel = (key: string) => { const active = ctx.connections.active(); return active && ctx.tree.labelOf(active.id, key); };
    const body = spec.factory(ctx);
    const completing = async (...args: unknown[]) => { await body(...args); commandSucceeded(name); };
    ctx.pushExtCleanup(vscode.commands.registerCommand(`kmsWorkbench.${name}`, runCommand(spec.title, completing, { keyLabel })));
  }
}
