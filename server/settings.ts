/**
 * Settings pulled from the client (`workspace/configuration`, scoped per document) and cached until the
 * client says they changed. A client without the capability gets the defaults.
 */
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SERVER_SETTINGS, SERVER_SETTINGS_SECTION, type ServerSettings } from '../protocol/settings';

/** Keeps only well-typed values from whatever the client sent; anything else falls back to the default. */
export function normalizeSettings(raw: unknown): ServerSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof ServerSettings, unknown>>;
  const d = DEFAULT_SERVER_SETTINGS;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);
  const strings = (v: unknown, fallback: readonly string[]) => (Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [...fallback]);
  return {
    policyFiles: strings(r.policyFiles, d.policyFiles),
    checkIdentifiers: typeof r.checkIdentifiers === 'boolean' ? r.checkIdentifiers : d.checkIdentifiers,
    diagnosticsDelayMs: num(r.diagnosticsDelayMs, d.diagnosticsDelayMs),
    maxIdentifierScanBytes: num(r.maxIdentifierScanBytes, d.maxIdentifierScanBytes),
    disabledChecks: strings(r.disabledChecks, d.disabledChecks),
  };
}

export class SettingsCache {
  #byUri = new Map<string, Promise<ServerSettings>>();

  constructor(
    private readonly connection: Connection,
    private readonly pull: boolean,
  ) {}

  get(uri: string): Promise<ServerSettings> {
    if (!this.pull) return Promise.resolve(normalizeSettings(undefined));
    let settings = this.#byUri.get(uri);
    if (!settings) {
      settings = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SERVER_SETTINGS_SECTION }).then(normalizeSettings);
      this.#byUri.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.#byUri.delete(uri);
  }

  clear(): void {
    this.#byUri.clear();
  }
}
