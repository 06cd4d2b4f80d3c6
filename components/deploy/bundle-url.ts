/** A deployment's guest bundle (the archive, or one file of it) at a script version; the route needs the team. */
export function bundleUrl(teamId: string, deploymentId: string, version: number, file?: string): string {
  const q = new URLSearchParams({ teamId, version: String(version) });
  if (file) q.set("file", file);
  return `/api/deployments/${deploymentId}/bundle?${q}`;
}
