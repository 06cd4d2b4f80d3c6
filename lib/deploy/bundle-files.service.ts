import "server-only";
// The stored guest-OS bundle versions of a deployment (RouteScript rows), for the per-file view
// and the downloads. Team-scoped.
import { db } from "@/lib/db/client";

/**
 * One stored bundle version's files (for the per-file view and the downloads). An unknown deployment
 * and a deployment without that bundle are told apart: they deserve different answers.
 */
export async function getRouteScriptFiles(teamId: string, id: string, version?: number) {
  const d = await db().deployment.findFirst({ where: { id, teamId }, select: { id: true, name: true } });
  if (!d) return "no-deployment" as const;
  const s = await db().routeScript.findFirst({
    where: { deploymentId: d.id, ...(version ? { version } : {}) },
    orderBy: { version: "desc" },
    select: { version: true, os: true, sha256: true, files: true },
  });
  if (!s) return "no-bundle" as const;
  return {
    name: d.name,
    version: s.version,
    os: s.os,
    sha256: s.sha256,
    files: (s.files ?? []) as Array<{ path: string; content: string; mode: string; sha256: string }>,
  };
}
