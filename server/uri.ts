/** The path part of a document URI (`file:///a/b.json` → `/a/b.json`), decoded, for glob and extension tests. */
export function uriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
