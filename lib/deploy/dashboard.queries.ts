import "server-only";
// The dashboard's list of a team's deployments (one query, no cloud call).
import { db } from "@/lib/db/client";
import type { ResourcesRecord } from "./model";

export type DashboardRow = {
  id: string;
  name: string;
  status: string;
  phase: string;
  regionId: string | null;
  instanceId: string | null;
  eniId: string | null;
  eips: string[];
  eipCount: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
};

/** The team's deployments, newest first, with who created them and their EIPs. */
export async function listDeploymentsForDashboard(teamId: string, take = 2000): Promise<DashboardRow[]> {
  const rows = await db().deployment.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      name: true,
      status: true,
      phase: true,
      regionId: true,
      instanceId: true,
      eniId: true,
      resources: true,
      spec: true,
      createdById: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  const userIds = [...new Set(rows.map((r) => r.createdById).filter((x): x is string => !!x))];
  const users = userIds.length
    ? await db().user.findMany({
        where: { id: { in: userIds }, members: { some: { organizationId: teamId } } },
        select: { id: true, name: true, email: true },
      })
    : [];
  const who = new Map(users.map((u) => [u.id, u.name || u.email]));
  return rows.map((r) => {
    const rec = (r.resources ?? {}) as ResourcesRecord;
    const spec = (r.spec ?? {}) as { eips?: unknown[]; instance?: { instanceId?: string } };
    const eips = (rec.eips ?? []).map((e) => e.ipAddress).filter(Boolean);
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      phase: r.phase,
      regionId: r.regionId,
      instanceId: r.instanceId ?? spec.instance?.instanceId ?? null,
      eniId: r.eniId,
      eips,
      eipCount: eips.length || (Array.isArray(spec.eips) ? spec.eips.length : 0),
      createdBy: r.createdById ? (who.get(r.createdById) ?? null) : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}
