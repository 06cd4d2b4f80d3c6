// Dashboard filter + search (pure; unit-tested).
import type { DashboardRow } from "@/lib/deploy/dashboard.queries";

export const FILTERS = [
  "all",
  "active",
  "draft",
  "running",
  "succeeded",
  "drifted",
  "failed",
  "cancelled",
  "torn_down",
] as const;
export type Filter = (typeof FILTERS)[number];

/** The rows a status filter and a free-text search keep. */
export function filterRows(rows: DashboardRow[], filter: Filter, q: string): DashboardRow[] {
  const needle = q.trim().toLowerCase();
  return rows.filter((r) => {
    if (filter === "active" && !["running", "tearing_down", "ready", "draft"].includes(r.status)) return false;
    if (filter === "running" && !["running", "tearing_down"].includes(r.status)) return false;
    if (filter === "draft" && !["draft", "ready"].includes(r.status)) return false;
    if (!["all", "active", "running", "draft"].includes(filter) && r.status !== filter) return false;
    if (!needle) return true;
    return [r.name, r.id, r.instanceId, r.eniId, r.regionId, r.createdBy, ...r.eips].some((v) =>
      v?.toLowerCase().includes(needle),
    );
  });
}
