// Which private IP each EIP maps to, in the order the deploy engine uses: an
// EIP's explicit private IP if given, otherwise the next free slot (the ENI's
// primary IP first when usePrimaryIp, then the secondaries in order). Both the
// ROS and the Terraform exports render this one mapping. Pure.
import { secondaryCount, type ConfigSpec } from "./config.schema";

export type Slot =
  { kind: "primary" } | { kind: "secondary"; index: number; address?: string } | { kind: "literal"; address: string };
export type EipMapping = { index: number; source: "existing" | "allocate"; slot: Slot };

export function eipMappings(spec: ConfigSpec): EipMapping[] {
  const slots: Slot[] = [];
  if (spec.usePrimaryIp) slots.push({ kind: "primary" });
  for (let i = 0; i < secondaryCount(spec); i++) {
    slots.push({
      kind: "secondary",
      index: i,
      ...(spec.privateIps.mode === "explicit" ? { address: spec.privateIps.addresses[i] } : {}),
    });
  }
  const taken = new Set<string>();
  for (const e of spec.eips) if (e.privateIp) taken.add(e.privateIp);
  const free = slots.filter((s) => !(s.kind === "secondary" && s.address && taken.has(s.address)));
  let next = 0;
  return spec.eips.map((e, index) => {
    if (e.privateIp) {
      const known = slots.find((s) => s.kind === "secondary" && s.address === e.privateIp);
      return { index, source: e.source, slot: known ?? { kind: "literal", address: e.privateIp } };
    }
    const slot = free[next++] ?? { kind: "primary" as const };
    return { index, source: e.source, slot };
  });
}

/** Alibaba Cloud assigns at most this many private IPs to an ENI in the Available (unattached) state. */
export const MAX_IPS_UNATTACHED = 10;

/**
 * Whether the exports attach the ENI: a created one, or any ENI to a created
 * instance, always; an existing ENI to an existing instance only when the
 * config says it is Available (AttachNetworkInterface refuses an attached ENI
 * with InvalidOperation.InvalidEniState, which Terraform retries for 2 minutes).
 */
export function attachesEni(spec: ConfigSpec): boolean {
  return spec.eni.mode === "create" || spec.instance.mode === "create" || spec.eni.status === "Available";
}

/**
 * How the secondary IPs are put on the ENI: `onEni` with a created ENI (at
 * most MAX_IPS_UNATTACHED, since it is still unattached), the rest `assigned`
 * afterwards (after the attachment when there is one). An existing ENI gets
 * them all assigned.
 */
export function secondarySplit(spec: ConfigSpec): { onEni: number; assigned: number } {
  const n = secondaryCount(spec);
  const onEni = spec.eni.mode === "create" ? Math.min(n, MAX_IPS_UNATTACHED) : 0;
  return { onEni, assigned: n - onEni };
}
