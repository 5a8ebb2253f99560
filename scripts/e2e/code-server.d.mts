// Types for code-server.mjs, which stays plain JavaScript so `npm start` runs it without a build.
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export class HarnessUnavailableError extends Error {}
export function cacheDir(version?: string): string;
export function prepareCodeServer(options?: { log?: (line: string) => void; version?: string }): { dir: string; entry: string };
export function freePort(): Promise<number>;
export interface CodeServer {
  url: string;
  folderUrl: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  profileDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}
export function startCodeServer(options: {
  entry: string;
  workspace: string;
  vsix?: string;
  /** A built source tree (package.json + dist/ + media/) to install by copying. */
  extensionRoot?: string;
  settings?: Record<string, unknown>;
  port?: number;
  profileDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<CodeServer>;
export function installFromSource(root: string, extensionsDir: string, log?: (line: string) => void): string;
export function cacheStatus(version?: string): string[];
