// Drift on the deployment's pictures: the topology nodes and the per-EIP rows that a drift check found
// different from the record are shown as drifted. PURE; unit-tested.
import type { Topology } from "./topology-model";

export type DriftEntry = { resource: string; field: string };

/** Resource ids (instance, ENI, EIP allocation ids) and `eniId/ip` pairs a drift check names. */
export function driftTargets(drift: DriftEntry[]): { ids: Set<string>; ips: Set<string> } {
  const ids = new Set<string>();
  const ips = new Set<string>();
  for (const d of drift) {
    if (d.field.startsWith("privateIp:")) ips.add(`${d.resource}/${d.field.slice("privateIp:".length)}`);
    else ids.add(d.resource);
  }
  return { ids, ips };
}

/** The topology with every drifted node marked `drifted` (nothing else changes). */
export function withDrift(topology: Topology, drift: DriftEntry[]): Topology {
  if (!drift.length) return topology;
  const { ids, ips } = driftTargets(drift);
  return {
    instance:
      topology.instance && ids.has(topology.instance.id)
        ? { ...topology.instance, state: "drifted" }
        : topology.instance,
    enis: topology.enis.map((eni) => ({
      ...eni,
      state: ids.has(eni.id) ? "drifted" : eni.state,
      ips: eni.ips.map((ip) => ({
        ...ip,
        state: ips.has(`${eni.id}/${ip.ip}`) ? "drifted" : ip.state,
        eip: ip.eip && ids.has(ip.eip.id) ? { ...ip.eip, state: "drifted" } : ip.eip,
      })),
    })),
  };
}
