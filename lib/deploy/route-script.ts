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
  eips: Record<string, string>;
  /** The addresses that carry an EIP: the others keep their rule, and verify.sh expects no public answer. */
  eipIps: string[];
} & ({ routeTable: number } | { primary: true });

/**
 * The routes spec (contract 4 of DESIGN.md) for this deployment, or null when something is unknown.
 * One interface per secondary ENI (eth1 → table 1001, eth2 → 1002, …). The instance's primary ENI
 * (primary mode) is an entry with `primary: true`: only its secondary addresses go on eth0, with no
 * table and no rule (lib/os/README.md).
 */
export function routesSpecFor(spec: DeploymentSpec, raw: ResourcesRecord) {
  const record = normalizeRecord(raw);
  const interfaces: RouteInterface[] = [];
  for (const r of [...(record.enis ?? [])].filter((e) => e.index >= 0).sort((a, b) => a.index - b.index)) {
    const vSwitch = r.vSwitchCidr ? parseCidr(r.vSwitchCidr) : null;
    if (!r.primaryIp || !r.macAddress || !vSwitch) return null;
    const addresses = [r.primaryIp, ...(r.assignedIps ?? [])];
    const eips: Record<string, string> = {};
    const eipIps = new Set<string>();
    for (const e of record.eips ?? []) {
      if (!e.associatedByUs || !e.privateIp || e.eniId !== r.eniId || !addresses.includes(e.privateIp)) continue;
      eipIps.add(e.privateIp);
      if (e.ipAddress) eips[e.privateIp] = e.ipAddress;
    }
    const base = {
      mac: r.macAddress,
      primaryIp: r.primaryIp,
      secondaryIps: r.assignedIps ?? [],
      prefixLength: vSwitch.prefix,
      gateway: vSwitchGateway(vSwitch),
      eips,
      eipIps: addresses.filter((ip) => eipIps.has(ip)),
    };
    if (r.mode === "primary") {
      // Nothing of ours on the primary ENI yet (no secondary address): nothing for the guest to do there.
      if (base.secondaryIps.length) interfaces.push({ ...base, device: "eth0", primary: true });
    } else interfaces.push({ ...base, device: r.device ?? "eth1", routeTable: r.routeTable ?? 1001 });
  }
  if (!interfaces.length) return null;
  return { os: spec.os, interfaces, ...(spec.guestAgent ? { agent: {} } : {}) };
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
