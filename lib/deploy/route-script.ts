// After a successful apply: the guest-OS bundle (lib/os) for the ENI's addresses,
// stored as a versioned RouteScript row.
import type { Db } from "@/lib/db/client";
import { generateBundle } from "@/lib/os/bundle";
import { parseCidr, vSwitchGateway } from "@/lib/net/ipv4";
import type { DeploymentSpec } from "./spec.schema";
import type { ResourcesRecord } from "./model";

/** The routes spec (contract 4 of DESIGN.md) for this deployment, or null when something is unknown. */
export function routesSpecFor(spec: DeploymentSpec, record: ResourcesRecord) {
  const vSwitch = record.vSwitchCidr ? parseCidr(record.vSwitchCidr) : null;
  if (!record.eniPrimaryIp || !record.macAddress || !vSwitch) return null;
  const addresses = [record.eniPrimaryIp, ...(record.assignedIps ?? [])];
  const eips: Record<string, string> = {};
  // Which addresses carry an EIP: the ENI's primary without one gets no echo check in verify.sh.
  const eipIps = new Set<string>();
  for (const e of record.eips ?? []) {
    if (!e.associatedByUs || !e.privateIp || !addresses.includes(e.privateIp)) continue;
    eipIps.add(e.privateIp);
    if (e.ipAddress) eips[e.privateIp] = e.ipAddress;
  }
  return {
    os: spec.os,
    interfaces: [
      {
        device: "eth1",
        mac: record.macAddress,
        primaryIp: record.eniPrimaryIp,
        secondaryIps: record.assignedIps ?? [],
        prefixLength: vSwitch.prefix,
        gateway: vSwitchGateway(vSwitch),
        routeTable: 1001,
        eips,
        eipIps: addresses.filter((ip) => eipIps.has(ip)),
      },
    ],
  };
}

export async function buildRouteScript(db: Db, deploymentId: string, spec: DeploymentSpec, record: ResourcesRecord) {
  if (spec.traffic === "inbound-only") return null;
  const input = routesSpecFor(spec, record);
  if (!input) return null;
  const bundle = generateBundle(input);
  const last = await db.routeScript.findFirst({
    where: { deploymentId },
    orderBy: { version: "desc" },
    select: { version: true, sha256: true },
  });
  if (last?.sha256 === bundle.sha256) return last;
  return db.routeScript.create({
    data: {
      deploymentId,
      version: (last?.version ?? 0) + 1,
      os: spec.os,
      sha256: bundle.sha256,
      files: bundle.files as never,
    },
    select: { version: true, sha256: true },
  });
}
