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
