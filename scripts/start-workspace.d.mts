// Types for start-workspace.mjs, plain JavaScript so `npm start` runs it without a build.
export function startWorkspace(home: string, env: Record<string, string | undefined>): string;
