/**
 * The Keyring view: connections → customer/AWS managed → key family → keys → folders. Key lists
 * are cached per connection (paging, filter); folders are read when opened. Refresh drops caches.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { readsClient, type KmsConnection } from '../connections/connection';
import type { ConnectionManager } from '../connections/manager';
import { setting } from '../config';
import { describeError } from '../commandErrors';
import { log } from '../log';
import { FOLDER_ICONS, FOLDER_LABELS, loadDetails } from './keyDetails';
import { FAMILY_LABELS, FAMILY_ORDER, isAwsManaged, keyContextValue, keyDescription, keyFamily, keyLabel, stateIcon } from './keyKind';
import { KeyList, matchesFilter, type KeyEntry } from './keyList';
import { keyIdOf, type ConnectionNode, type KeyFolder, type KeyNode, type Node } from './nodes';

const FILTERS_KEY = 'kmsWorkbench.filters';

export class KeyringTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly lists = new Map<string, KeyList>();
  private readonly errors = new Map<string, string>();
  /** Connections whose keys are being listed again after a refresh: the latest refresh's number. */
  private readonly reloads = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly state: vscode.Memento,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  /**
   * Drops cached keys (of one connection, or all) and redraws. A connection already shown lists its keys
   * again first and then redraws once: dropping its list redrew the tree twice (once empty-counted, once
   * after the listing), and a command chosen from a key's context menu during the second redraw ran
   * without its key (VS Code had let go of the row), asking for one instead.
   */
  refresh(connection?: KmsConnection): void {
    if (!connection) {
      this.lists.clear();
      this.errors.clear();
    }
    if (!connection || !this.lists.has(connection.id)) {
      this.changed.fire(undefined);
      return;
    }
    const reload = (this.reloads.get(connection.id) ?? 0) + 1;
    this.reloads.set(connection.id, reload);
    void this.listKeys(connection, new KeyList()).then((list) => {
      if (this.reloads.get(connection.id) !== reload) return; // a later refresh replaces this one
      this.reloads.delete(connection.id);
      this.lists.set(connection.id, list);
      this.changed.fire(undefined);
    });
  }

  filter(connectionId: string): string {
    return this.state.get<Record<string, string>>(FILTERS_KEY, {})[connectionId] ?? '';
  }

  async setFilter(connection: KmsConnection, filter: string): Promise<void> {
    await this.state.update(FILTERS_KEY, { ...this.state.get<Record<string, string>>(FILTERS_KEY, {}), [connection.id]: filter.trim() });
    this.refresh(connection);
  }

  /** The keys already loaded for a connection (the key picker offers these first); none while they are listed again after a change. */
  loadedKeys(connectionId: string): readonly KeyEntry[] {
    return this.reloads.has(connectionId) ? [] : this.lists.get(connectionId)?.entries ?? [];
  }

  /** What the user calls a loaded key (its first alias), by key ID or ARN; undefined when not loaded. */
  labelOf(connectionId: string, key: string): string | undefined {
    const entry = this.loadedKeys(connectionId).find((e) => e.metadata.KeyId === key || e.metadata.Arn === key);
    return entry && keyLabel(entry);
  }

  async loadMore(connection: KmsConnection): Promise<void> {
    await this.ensureLoaded(connection, true);
    this.changed.fire(undefined);
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'connection' ? undefined : node.parent;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.connections.all().map((connection) => ({ kind: 'connection', connection }));
    switch (node.kind) {
      case 'connection': return this.connectionChildren(node);
      case 'managerGroup': return node.manager === 'AWS' ? this.keyNodes(node, (e) => isAwsManaged(e.metadata)) : this.familyGroups(node);
      case 'familyGroup': return this.keyNodes(node, (e) => !isAwsManaged(e.metadata) && keyFamily(e) === node.family);
      case 'key': return this.keyChildren(node);
      case 'folder': return this.folderChildren(node);
      default: return [];
    }
  }

  private async ensureLoaded(connection: KmsConnection, more = false): Promise<KeyList> {
    let list = this.lists.get(connection.id);
    if (list && !more) return list;
    list ??= new KeyList();
    this.lists.set(connection.id, list);
    return this.listKeys(connection, list);
  }

  /** Loads the next page into `list`; a failure is kept to be shown in the tree. */
  private async listKeys(connection: KmsConnection, list: KeyList): Promise<KeyList> {
    try {
      await list.loadMore(await readsClient(connection), setting('keys.pageSize'), this.filter(connection.id));
      this.errors.delete(connection.id);
    } catch (error) {
      log.error(`listing keys of ${connection.id}`, error);
      this.errors.set(connection.id, describeError(error));
    }
    return list;
  }

  private async connectionChildren(node: Extract<Node, { kind: 'connection' }>): Promise<Node[]> {
    const { connection } = node;
    const firstLoad = !this.lists.has(connection.id);
    const list = await this.ensureLoaded(connection);
    // The connection's row (key count, filter) was drawn before its keys were known: redraw once. The
    // whole tree, not the connection's node: refreshing that node while VS Code was still resolving its
    // children left "Customer managed keys" expanded and empty (3 of 3 runs in code-server).
    if (firstLoad) setTimeout(() => this.changed.fire(undefined), 0);
    const error = this.errors.get(connection.id);
    if (error && list.entries.length === 0) return [{ kind: 'error', connection, message: error, parent: node }];
    if (list.entries.length === 0 && !list.hasMore && !this.filter(connection.id)) return welcome(node);
    const visible = list.entries.filter((e) => matchesFilter(e, this.filter(connection.id)));
    const children: Node[] = [];
    if (visible.some((e) => !isAwsManaged(e.metadata))) children.push({ kind: 'managerGroup', connection, manager: 'CUSTOMER', parent: node });
    if (visible.some((e) => isAwsManaged(e.metadata))) children.push({ kind: 'managerGroup', connection, manager: 'AWS', parent: node });
    if (list.hasMore) children.push({ kind: 'loadMore', connection, parent: node });
    return children;
  }

  private familyGroups(node: Extract<Node, { kind: 'managerGroup' }>): Node[] {
    const visible = this.visible(node.connection).filter((e) => !isAwsManaged(e.metadata));
    const present = new Set(visible.map((e) => keyFamily(e)));
    return FAMILY_ORDER.filter((f) => present.has(f)).map((family) => ({ kind: 'familyGroup', connection: node.connection, family, parent: node }));
  }

  private visible(connection: KmsConnection): KeyEntry[] {
    const filter = this.filter(connection.id);
    return (this.lists.get(connection.id)?.entries ?? []).filter((e) => matchesFilter(e, filter));
  }

  private keyNodes(parent: Node, include: (e: KeyEntry) => boolean): Node[] {
    const connection = (parent as { connection: KmsConnection }).connection;
    return this.visible(connection)
      .filter(include)
      .sort((a, b) => keyLabel(a).localeCompare(keyLabel(b)))
      .map((entry) => ({ kind: 'key', connection, entry, parent }));
  }

  private keyChildren(node: KeyNode): Node[] {
    const folders: KeyFolder[] = ['aliases', 'grants'];
    if (node.entry.metadata.KeySpec === 'SYMMETRIC_DEFAULT') folders.push('rotations');
    folders.push('tags');
    if (node.entry.metadata.MultiRegion) folders.push('replicas');
    folders.push('access');
    const children: Node[] = folders.map((folder) => ({ kind: 'folder', connection: node.connection, key: node, folder, parent: node }));
    children.splice(2, 0, { kind: 'policy', connection: node.connection, key: node, parent: node });
    return children;
  }

  private async folderChildren(node: Extract<Node, { kind: 'folder' }>): Promise<Node[]> {
    const base = { kind: 'detail' as const, connection: node.connection, key: node.key, folder: node.folder, parent: node };
    if (node.folder === 'replicas') {
      const mrc = node.key.entry.metadata.MultiRegionConfiguration;
      const all = [mrc?.PrimaryKey, ...(mrc?.ReplicaKeys ?? [])].filter((k) => !!k);
      return all.map((k, i) => ({ ...base, id: k.Arn ?? String(i), label: k.Region ?? '?', description: i === 0 ? 'primary' : 'replica', tooltip: k.Arn }));
    }
    try {
      const details = await loadDetails(await readsClient(node.connection), keyIdOf(node.key), node.folder);
      return details.map((d) => ({ ...base, ...d }));
    } catch (error) {
      log.error(`reading ${node.folder} of ${keyIdOf(node.key)}`, error);
      return [{ kind: 'error', connection: node.connection, message: describeError(error), parent: node }];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return treeItem(node, this);
  }

  describeConnection(connection: KmsConnection): string {
    const list = this.lists.get(connection.id);
    const filter = this.filter(connection.id);
    const n = list?.entries.length ?? 0;
    const count = list ? `${n}${list.hasMore ? '+' : ''} ${n === 1 && !list.hasMore ? 'key' : 'keys'}` : '';
    return [connection.region, count, filter ? `filter: ${filter}` : ''].filter(Boolean).join(' · ');
  }
}

const id = (node: Node, rest: string) => `${node.connection.id}/${rest}`;

/** What an empty keyring offers instead of nothing: the first steps, each one click. */
function welcome(parent: ConnectionNode): Node[] {
  const { connection } = parent;
  const action = (id: string, label: string, icon: string, command: string, args?: unknown[]): Node => ({ kind: 'action', connection, id, label, icon, command, parent, ...(args ? { args } : {}) });
  const rows = [
    action('createKey', 'No keys yet: create a key…', 'add', 'kmsWorkbench.createKey'),
    action('walkthrough', 'Open the walkthrough', 'book', 'kmsWorkbench.openWalkthrough'),
  ];
  const sample = vscode.workspace.workspaceFolders?.[0] && vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'notes.txt');
  if (sample && existsSync(sample.fsPath)) rows.push(action('encryptSample', 'Encrypt a sample file (notes.txt)…', 'lock', 'kmsWorkbench.encryptFile', [sample]));
  return rows;
}

function treeItem(node: Node, provider: KeyringTreeProvider): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'connection': {
      const item = new vscode.TreeItem(node.connection.label, C.Expanded);
      item.id = id(node, '');
      item.description = provider.describeConnection(node.connection);
      item.iconPath = new vscode.ThemeIcon(node.connection.kind === 'local' ? 'vm' : 'cloud');
      item.contextValue = `kmsConnection;${node.connection.kind};${node.connection.advanceClock ? 'clock;' : ''}`;
      item.tooltip = node.connection.kind === 'local' ? 'Embedded local KMS (shared with `kmsw serve`)' : `AWS KMS in ${node.connection.region}`;
      return item;
    }
    case 'managerGroup': {
      const item = new vscode.TreeItem(node.manager === 'AWS' ? 'AWS managed keys' : 'Customer managed keys', node.manager === 'AWS' ? C.Collapsed : C.Expanded);
      item.id = id(node, node.manager);
      item.contextValue = `kmsKeyGroup;${node.manager.toLowerCase()};`;
      return item;
    }
    case 'familyGroup': {
      const item = new vscode.TreeItem(FAMILY_LABELS[node.family], C.Expanded);
      item.id = id(node, `CUSTOMER/${node.family}`);
      item.contextValue = `kmsKeyFamily;${node.family};`;
      return item;
    }
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more keys…', C.None);
      item.id = id(node, 'loadMore');
      item.iconPath = new vscode.ThemeIcon('more');
      item.command = { command: 'kmsWorkbench.loadMoreKeys', title: 'Load More Keys', arguments: [node] };
      return item;
    }
    case 'error': {
      const item = new vscode.TreeItem(node.message, C.None);
      item.iconPath = new vscode.ThemeIcon('error');
      item.tooltip = node.message;
      item.command = { command: 'kmsWorkbench.showLogs', title: 'Show Logs' };
      return item;
    }
    case 'action': {
      const item = new vscode.TreeItem(node.label, C.None);
      item.id = id(node, `action/${node.id}`);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.command = { command: node.command, title: node.label, arguments: node.args };
      return item;
    }
    case 'key': return keyItem(node);
    case 'folder': {
      const item = new vscode.TreeItem(FOLDER_LABELS[node.folder], C.Collapsed);
      item.id = id(node, `${keyIdOf(node.key)}/${node.folder}`);
      item.iconPath = new vscode.ThemeIcon(FOLDER_ICONS[node.folder]);
      item.contextValue = `kmsFolder;${node.folder};${node.key.entry.metadata.KeyManager === 'AWS' ? 'awsManaged;' : 'customer;'}`;
      return item;
    }
    case 'policy': {
      const item = new vscode.TreeItem('Key policy', C.None);
      item.id = id(node, `${keyIdOf(node.key)}/policy`);
      item.iconPath = new vscode.ThemeIcon('shield');
      item.contextValue = 'kmsPolicy;';
      item.command = { command: 'kmsWorkbench.editKeyPolicy', title: 'Edit Key Policy', arguments: [node.key] };
      return item;
    }
    case 'detail': {
      const item = new vscode.TreeItem(node.label, C.None);
      item.id = id(node, `${keyIdOf(node.key)}/${node.folder}/${node.id}`);
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.contextValue = `kmsDetail;${node.folder};`;
      return item;
    }
  }
}

function keyItem(node: KeyNode): vscode.TreeItem {
  const { entry } = node;
  const m = entry.metadata;
  const item = new vscode.TreeItem(keyLabel(entry), entry.unreadable ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${node.connection.id}/key/${m.KeyId}`;
  item.description = keyDescription(entry);
  const icon = stateIcon(entry);
  item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
  item.contextValue = entry.unreadable ? 'kmsKey;unreadable;' : keyContextValue(m);
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${keyLabel(entry)}**\n\n`);
  tooltip.appendCodeblock(m.Arn ?? m.KeyId ?? '', 'text');
  if (entry.unreadable) {
    tooltip.appendMarkdown(`\nNot readable: ${entry.unreadable}`);
  } else {
    tooltip.appendMarkdown(`\n${m.Description ? `${m.Description}\n\n` : ''}`);
    tooltip.appendMarkdown(`State: ${m.KeyState} · Usage: ${m.KeyUsage} · Spec: ${m.KeySpec} · Origin: ${m.Origin}\n\nCreated: ${m.CreationDate?.toISOString() ?? '?'}`);
    if (entry.aliases.length > 1) tooltip.appendMarkdown(`\n\n+${entry.aliases.length - 1} more aliases`);
    // Click or Enter: the key's details, readable, in one step.
    item.command = { command: 'kmsWorkbench.showKeyDetails', title: 'Show Key Details', arguments: [node] };
  }
  item.tooltip = tooltip;
  return item;
}
