/** Key lifecycle actions from the tree: enable/disable, rotation, deletion, description, replicas. */
import * as vscode from 'vscode';
import {
  CancelKeyDeletionCommand, DisableKeyCommand, DisableKeyRotationCommand, EnableKeyCommand, EnableKeyRotationCommand,
  GetKeyLastUsageCommand, ListGrantsCommand, ReplicateKeyCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import { REGION_PATTERN } from '../../src-core/ids/identifiers';
import { DELETION_WINDOW_DAYS, ROTATION_PERIOD_DAYS } from '../../src-core/kms/limits';
import { setting } from '../config';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';
import { keyFromArgs, type PickedKey } from '../keyPicker';
import { log } from '../log';
import type { Node } from '../tree/nodes';

/** What happened, and for a step that can be undone, the button that undoes it (a command run on the key). */
type Outcome = string | { message: string; undo: { label: string; command: string } };
type KeyAction = (client: KMSClient, key: PickedKey) => Promise<Outcome>;

/** Runs one SDK call on a key, logs it, refreshes the connection and says what happened. */
function keyAction(title: string, action: KeyAction) {
  return (ctx: Ctx) => async (node?: Node) => {
    const key = await keyFromArgs(ctx, node, 'any', title);
    const outcome = await action(await key.connection.client(), key);
    log.info(`${title}: ${key.keyId} in ${key.connection.id}`);
    ctx.refresh(key.connection);
    if (typeof outcome === 'string') {
      void vscode.window.showInformationMessage(outcome);
      return;
    }
    // Not awaited: the command has succeeded whether or not the user undoes it. The key goes by its ARN
    // (the tree row may have been redrawn by then).
    const { message, undo } = outcome;
    void vscode.window.showInformationMessage(message, undo.label).then((choice) => {
      if (choice === undo.label) void vscode.commands.executeCommand(undo.command, key.metadata.Arn ?? key.keyId);
    });
  };
}

export const enableKey = keyAction('Enable Key', async (c, k) => {
  await c.send(new EnableKeyCommand({ KeyId: k.keyId }));
  return `${k.label} is enabled.`;
});

export const disableKey = keyAction('Disable Key', async (c, k) => {
  await c.send(new DisableKeyCommand({ KeyId: k.keyId }));
  return `${k.label} is disabled: it cannot be used until enabled again.`;
});

export const enableRotation = keyAction('Enable Automatic Rotation', async (c, k) => {
  const { min, max } = ROTATION_PERIOD_DAYS;
  const days = required(await vscode.window.showInputBox({
    title: `Rotation period for ${k.label}`, value: String(ROTATION_PERIOD_DAYS.default), prompt: `Days between automatic rotations (${min}–${max})`,
    validateInput: (v) => (/^\d+$/.test(v) && +v >= min && +v <= max ? undefined : `A whole number of days from ${min} to ${max}.`),
  }));
  await c.send(new EnableKeyRotationCommand({ KeyId: k.keyId, RotationPeriodInDays: Number(days) }));
  return `${k.label} now rotates every ${days} days.`;
});

export const disableRotation = keyAction('Disable Automatic Rotation', async (c, k) => {
  await c.send(new DisableKeyRotationCommand({ KeyId: k.keyId }));
  return `Automatic rotation of ${k.label} is off.`;
});

export const rotateNow = keyAction('Rotate Key Material Now', async (c, k) => {
  const ok = await vscode.window.showWarningMessage(`Rotate the key material of ${k.label} now?`, { modal: true, detail: 'KMS allows a limited number of on-demand rotations per key. Old material stays available to decrypt.' }, 'Rotate');
  if (ok !== 'Rotate') throw new vscode.CancellationError();
  await c.send(new RotateKeyOnDemandCommand({ KeyId: k.keyId }));
  return `Rotation of ${k.label} started.`;
});

export const updateDescription = keyAction('Update Key Description', async (c, k) => {
  const value = required(await vscode.window.showInputBox({ title: `Description of ${k.label}`, value: k.metadata.Description ?? '' }));
  await c.send(new UpdateKeyDescriptionCommand({ KeyId: k.keyId, Description: value }));
  return `Description of ${k.label} updated.`;
});

/** Evidence before deletion: last use, grants and aliases, then a typed confirmation. */
export const scheduleDeletion = keyAction('Schedule Key Deletion', async (c, k) => {
  const evidence = await deletionEvidence(c, k);
  const typed = await vscode.window.showInputBox({
    title: `Schedule deletion of ${k.label}`,
    prompt: `${evidence} Type ${k.label} to confirm.`,
    ignoreFocusOut: true,
    validateInput: (v) => (v === k.label ? undefined : `Type ${k.label} exactly`),
  });
  if (typed !== k.label) throw new vscode.CancellationError();
  const days = required(await vscode.window.showInputBox({
    title: 'Waiting period', prompt: `Days before the key is deleted (${DELETION_WINDOW_DAYS.min}–${DELETION_WINDOW_DAYS.max}); you can cancel until then.`,
    value: String(setting('deletion.defaultWaitingPeriodDays')),
    validateInput: (v) => (/^\d+$/.test(v) && +v >= DELETION_WINDOW_DAYS.min && +v <= DELETION_WINDOW_DAYS.max ? undefined : `A whole number from ${DELETION_WINDOW_DAYS.min} to ${DELETION_WINDOW_DAYS.max}.`),
  }));
  const out = await c.send(new ScheduleKeyDeletionCommand({ KeyId: k.keyId, PendingWindowInDays: Number(days) }));
  return {
    message: `${k.label} will be deleted on ${out.DeletionDate?.toISOString().slice(0, 10)}. Cancel deletion before then to keep it.`,
    undo: { label: 'Cancel Deletion', command: 'kmsWorkbench.cancelDeletion' },
  };
});

async function deletionEvidence(c: KMSClient, k: PickedKey): Promise<string> {
  const parts: string[] = [];
  try {
    const usage = await c.send(new GetKeyLastUsageCommand({ KeyId: k.keyId }));
    const last = usage.KeyLastUsage;
    parts.push(last?.Timestamp ? `Last used ${last.Timestamp.toISOString().replace('T', ' ').slice(0, 16)} UTC by ${last.Operation}.` : `Not used since tracking began${usage.TrackingStartDate ? ` (${usage.TrackingStartDate.toISOString().slice(0, 10)})` : ''}.`);
  } catch (error) {
    log.warn(`GetKeyLastUsage for ${k.keyId}`, error);
    parts.push('Last use unknown.');
  }
  const grants = await c.send(new ListGrantsCommand({ KeyId: k.keyId, Limit: 100 }));
  if (grants.Grants?.length) parts.push(`${grants.Grants.length} grant(s) still allow its use.`);
  if (k.metadata.MultiRegionConfiguration?.ReplicaKeys?.length) parts.push(`It has ${k.metadata.MultiRegionConfiguration.ReplicaKeys.length} replica(s).`);
  return parts.join(' ');
}

export const cancelDeletion = keyAction('Cancel Key Deletion', async (c, k) => {
  await c.send(new CancelKeyDeletionCommand({ KeyId: k.keyId }));
  return `Deletion of ${k.label} cancelled. The key is Disabled: enable it to use it again.`;
});

export const replicateKey = keyAction('Replicate Key', async (c, k) => {
  if (k.metadata.MultiRegionConfiguration?.MultiRegionKeyType !== 'PRIMARY') throw new UserError('Only a multi-Region primary key can be replicated.');
  const region = required(await vscode.window.showInputBox({
    title: `Replicate ${k.label}`, prompt: 'Region for the replica (it is billed as another key)', placeHolder: 'eu-west-1',
    validateInput: (v) => (REGION_PATTERN.test(v) ? undefined : 'A Region name such as eu-west-1.'),
  }));
  await c.send(new ReplicateKeyCommand({ KeyId: k.keyId, ReplicaRegion: region }));
  return `Replica of ${k.label} is being created in ${region}.`;
});

export const copyArn = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Copy Key ARN');
  await vscode.env.clipboard.writeText(key.metadata.Arn ?? key.keyId);
};

export const copyKeyId = (ctx: Ctx) => async (node?: Node) => {
  const key = await keyFromArgs(ctx, node, 'any', 'Copy Key ID');
  await vscode.env.clipboard.writeText(key.keyId);
};
