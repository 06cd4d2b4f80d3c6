// The deployment page's React Query keys, and which of two views of one deployment is the current one.
// Apart from the page itself so that the wizard and quick deploy can drop a cached view when they start a run.

export const deploymentKeys = {
  all: (team: string) => ["deployments", team] as const,
  one: (team: string, id: string) => ["deployments", team, id] as const,
};

/**
 * The view to show when the page opens: the one the server just rendered, unless the client's cache holds a
 * newer one. A cached view from an earlier visit (say "succeeded" with 4 EIPs) must not hide the run a change
 * has just started — a terminal cached view would not even be polled.
 */
export function currentView<V extends { updatedAt: string }>(cached: V | undefined, rendered: V): V {
  if (!cached) return rendered;
  return Date.parse(cached.updatedAt) > Date.parse(rendered.updatedAt) ? cached : rendered;
}
