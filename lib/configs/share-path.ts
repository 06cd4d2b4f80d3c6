/** The token of a /share/<token> path (as proxy.ts forwards it in x-pathname), or null. */
export function shareTokenFromPath(path: string | null | undefined): string | null {
  const m = /^\/share\/([^/?#]+)\/?$/.exec(path ?? "");
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}
