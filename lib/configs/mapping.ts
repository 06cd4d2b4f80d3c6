// Which private IP each EIP maps to, in the order the deploy engine uses, per
// ENI: an EIP's explicit private IP if given, otherwise the next free slot (the
// ENI's primary IP first when usePrimaryIp, then the secondaries in order). And
// how each ENI of a config is put in place: created, attached, its secondary
// IPs placed. Both the ROS and the Terraform exports render these. Pure.
import { secondaryCount, type ConfigEniEntry, type ConfigSpec } from "./config.schema";

export type Slot =
  { kind: "primary" } | { kind: "secondary"; index: number; address?: string } | { kind: "literal"; address: string };
/** `index` counts the EIPs of the whole config (0-based), so names stay unique across ENIs. */
export type EipMapping = { index: number; source: "existing" | "allocate"; slot: Slot };

/** The EIPs of one ENI entry; `first` is the config-wide index of its first EIP. */
export function eipMappings(e: ConfigEniEntry, first = 0): EipMapping[] {
  const slots: Slot[] = [];
  if (e.usePrimaryIp) slots.push({ kind: "primary" });
  for (let i = 0; i < secondaryCount(e); i++) {
    slots.push({
      kind: "secondary",
      index: i,
      ...(e.privateIps.mode === "explicit" ? { address: e.privateIps.addresses[i] } : {}),
    });
  }
  const taken = new Set<string>();
  for (const x of e.eips) if (x.privateIp) taken.add(x.privateIp);
  const free = slots.filter((s) => !(s.kind === "secondary" && s.address && taken.has(s.address)));
  let next = 0;
  return e.eips.map((x, i) => {
    const index = first + i;
    if (x.privateIp) {
      const known = slots.find((s) => s.kind === "secondary" && s.address === x.privateIp);
      return { index, source: x.source, slot: known ?? { kind: "literal", address: x.privateIp } };
    }
    const slot = free[next++] ?? { kind: "primary" as const };
    return { index, source: x.source, slot };
  });
}

/** Alibaba Cloud lets an ENI in the Available (unattached) state hold at most this many private IPs, its primary one included. */
export const MAX_IPS_UNATTACHED = 10;

/**
 * Whether the exports attach this ENI: a created one always; an existing one
 * when the instance is created here (it has no ENI of ours yet) or when the
 * config says it is Available (AttachNetworkInterface refuses an attached ENI
 * with InvalidOperation.InvalidEniState, which Terraform retries for 2
 * minutes); the primary ENI never (it is the instance's own).
 */
export function attachesEni(spec: ConfigSpec, e: ConfigEniEntry): boolean {
  if (e.eni.mode === "primary") return false;
  return e.eni.mode === "create" || spec.instance.mode === "create" || e.eni.status === "Available";
}

/** Whether any ENI of the config is attached by the exports. */
export function attachesAnyEni(spec: ConfigSpec): boolean {
  return spec.enis.some((e) => attachesEni(spec, e));
}

/**
 * How an ENI's secondary IPs are put on it: `onEni` when a new ENI is created
 * (at most MAX_IPS_UNATTACHED - 1, since it is still unattached and its primary
 * IP counts too), the rest `assigned` afterwards (after its attachment). An
 * existing ENI and the primary ENI get them all assigned.
 */
export function secondarySplit(e: ConfigEniEntry): { onEni: number; assigned: number } {
  const n = secondaryCount(e);
  const onEni = e.eni.mode === "create" ? Math.min(n, MAX_IPS_UNATTACHED - 1) : 0;
  return { onEni, assigned: n - onEni };
}

/** Names of ENI k's resources: "" for the first ENI (as a one-ENI config always had), then "2", "3", … */
export function eniSuffix(k: number): string {
  return k === 0 ? "" : String(k + 1);
}

/** Each ENI entry with its index and the config-wide index of its first EIP. */
export function eniEntries(spec: ConfigSpec): { e: ConfigEniEntry; k: number; first: number }[] {
  let first = 0;
  return spec.enis.map((e, k) => {
    const out = { e, k, first };
    first += e.eips.length;
    return out;
  });
}
