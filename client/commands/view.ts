/** Commands about the view itself: refresh, paging, filter, the active connection, logs, the local clock. */
import * as vscode from 'vscode';
import { parseDuration } from '../../src-node/cli/commands/clock';
import type { Ctx } from '../ctx';
import { required, UserError } from '../commandErrors';
import { log } from '../log';
import type { Node } from '../tree/nodes';

export const refresh = (ctx: Ctx) => async (node?: Node) => {
  ctx.refresh(node?.connection);
};

export const loadMoreKeys = (ctx: Ctx) => async (node?: Node) => {
  await ctx.tree.loadMore(ctx.connectionFor(node));
};

export const filterKeys = (ctx: Ctx) => async (node?: Node) => {
  const connection = ctx.connectionFor(node);
  const filter = required(await vscode.window.showInputBox({
    title: `Filter keys of ${connection.label}`,
    prompt: 'Words matched against id, ARN, alias, description, state, spec and usage (all must match). Empty clears the filter.',
    value: ctx.tree.filter(connection.id),
  }));
  await ctx.tree.setFilter(connection, filter);
};

export const clearFilter = (ctx: Ctx) => async (node?: Node) => {
  await ctx.tree.setFilter(ctx.connectionFor(node), '');
};

export const selectConnection = (ctx: Ctx) => async (node?: Node) => {
  if (node?.connection) return ctx.connections.setActive(node.connection.id);
  type Item = vscode.QuickPickItem & { run: () => Thenable<unknown> };
  const active = ctx.connections.active()?.id;
  const items: Item[] = [
    ...ctx.connections.all().map((c) => ({
      label: c.label,
      description: `${c.kind === 'local' ? 'embedded' : 'AWS'} · ${c.region}${c.id === active ? ' · active' : ''}`,
      run: () => ctx.connections.setActive(c.id),
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator, run: async () => undefined },
    { label: '$(add) Add AWS Connection…', run: () => vscode.commands.executeCommand('kmsWorkbench.addAwsConnection') },
    { label: '$(gear) Configure…', detail: 'The local keyring and AWS connections in Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'kmsWorkbench') },
  ];
  await required(await vscode.window.showQuickPick(items, { title: 'Active KMS connection', placeHolder: 'Commands outside the tree act on this connection' })).run();
};

export const showLogs = () => async () => {
  log.show();
};

/** The same durations as `kmsw clock advance` (30d, 12h, 7d12h), or undefined when the text is not one. */
function duration(text: string): number | undefined {
  try {
    return parseDuration(text.trim()) || undefined;
  } catch {
    return undefined;
  }
}

export const advanceClock = (ctx: Ctx) => async (node?: Node) => {
  const connection = ctx.connectionFor(node);
  if (!connection.advanceClock) throw new UserError(`${connection.label} runs on real time: only the local keyring has a clock to advance.`);
  const text = required(await vscode.window.showInputBox({
    title: 'Advance the local clock',
    prompt: 'How far forward, e.g. 30d, 12h or 7d12h. Rotations, deletions and expiries due by then happen. Time never goes back.',
    validateInput: (v) => (duration(v) === undefined ? 'A duration such as 30d, 12h, 90m or 7d12h.' : undefined),
  }));
  const now = await connection.advanceClock(duration(text) ?? 0);
  ctx.refresh(connection);
  void vscode.window.showInformationMessage(`The local keyring's clock now reads ${new Date(now).toISOString().replace('T', ' ').slice(0, 16)} UTC.`);
};

export const restartLanguageServer = (ctx: Ctx) => async () => {
  await ctx.language.restart();
};
