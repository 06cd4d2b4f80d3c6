// After a successful apply: the guest-OS bundle (lib/os) for the ENI's addresses,
// stored as a versioned RouteScript row.
import type { Db } from "@/lib/db/client";
import { generateBundle } from "@/lib/os/bundle";
import { parseCidr, vSwitchGateway } from "@/lib/net/ipv4";
import type { DeploymentSpec } from "./spec.schema";
import { normalizeRecord, type ResourcesRecord } from "./model";

type RouteInterface = {
  device: string;
  mac: string;
  primaryIp: string;
  secondaryIps: string[];
  prefixLength: number;
  gateway: string;
  routeTable: number;
  eips: Record<string, string>;
  /** The addresses that carry an EIP (s22/guest's routes spec: others keep their rule, verify does not expect an EIP). */
  eipIps: string[];
};

/**
 * The routes spec (contract 4 of DESIGN.md) for this deployment, or null when something is unknown.
 * One interface per secondary ENI (eth1 → table 1001, eth2 → 1002, …). The instance's primary ENI
 * (primary mode) needs no policy routes, only its secondary addresses on eth0: the generator does not
 * take that form yet (lib/os would treat eth0 like a secondary ENI), so it is described in
 * `primaryEni` (an extra field, ignored by the generator today) and left out of `interfaces`.
 */
export function routesSpecFor(spec: DeploymentSpec, raw: ResourcesRecord) {
  const record = normalizeRecord(raw);
  const eipsOf = (eniId: string | undefined) => {
    const eips: Record<string, string> = {};
    for (const e of record.eips ?? [])
      if (e.associatedByUs && e.privateIp && e.ipAddress && e.eniId === eniId) eips[e.privateIp] = e.ipAddress;
    return eips;
  };
  const interfaces: RouteInterface[] = [];
  let primaryEni: Omit<RouteInterface, "routeTable"> | undefined;
  for (const r of [...(record.enis ?? [])].filter((e) => e.index >= 0).sort((a, b) => a.index - b.index)) {
    const vSwitch = r.vSwitchCidr ? parseCidr(r.vSwitchCidr) : null;
    if (!r.primaryIp || !r.macAddress || !vSwitch) return null;
    const eips = eipsOf(r.eniId);
    const base = {
      device: r.device ?? "eth1",
      mac: r.macAddress,
      primaryIp: r.primaryIp,
      secondaryIps: r.assignedIps ?? [],
      prefixLength: vSwitch.prefix,
      gateway: vSwitchGateway(vSwitch),
      eips,
      eipIps: Object.keys(eips),
    };
    if (r.mode === "primary") primaryEni = { ...base, device: "eth0" };
    else interfaces.push({ ...base, routeTable: r.routeTable ?? 1001 });
  }
  if (!interfaces.length) return null;
  return { os: spec.os, interfaces, ...(primaryEni ? { primaryEni } : {}) };
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
