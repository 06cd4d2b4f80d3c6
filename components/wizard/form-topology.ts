import type { Topology, TopoEni } from "@/components/deploy/topology-model";
import type { Inventory } from "@/lib/deploy/inventory.service";
import { chosenEniOf, chosenInstance, eipTargetsOf, enisOf, type EniForm, type WizardForm } from "./form-model";

/** One ENI of the form as the picture shows it: its addresses, each with the EIP it gets. */
function eniNode(e: EniForm, f: WizardForm, inv: Inventory | null): TopoEni | null {
  if (e.eniMode === "existing" && !e.eniId) return null;
  const inst = chosenInstance(f, inv);
  const eni = chosenEniOf(e, f, inv);
  const ips = eipTargetsOf(e, f, inv).map((tg, i) => ({
    ip: tg.auto ? "" : tg.value,
    primary: e.usePrimaryIp && i === 0,
    state: (e.usePrimaryIp && i === 0 && eni ? "existing" : "planned") as "existing" | "planned",
    eip: null as TopoEni["ips"][number]["eip"],
  }));
  const explicit = new Set(e.eips.map((r) => r.privateIp).filter(Boolean));
  const free = ips.filter((s) => !s.ip || !explicit.has(s.ip));
  let next = 0;
  for (const r of e.eips) {
    const slot = r.privateIp ? ips.find((s) => s.ip === r.privateIp) : free[next++];
    const found = inv?.eips.find((x) => x.allocationId === r.allocationId);
    if (slot)
      slot.eip = {
        id: r.source === "new" ? "" : r.allocationId,
        address: r.source === "new" ? "" : (found?.ipAddress ?? r.allocationId),
        state: "planned",
      };
  }
  const id = e.eniMode === "existing" ? e.eniId : (eni?.networkInterfaceId ?? "");
  return {
    id,
    label: id,
    primaryEni: e.eniMode === "primary",
    state: e.eniMode === "primary" || (eni && inst && eni.instanceId === inst.instanceId) ? "existing" : "planned",
    ips,
  };
}

/** Planned topology from the form (what the summary shows before anything runs): every ENI of it. */
export function topologyFromForm(f: WizardForm, inv: Inventory | null): Topology {
  const inst = chosenInstance(f, inv);
  return {
    instance:
      f.instanceMode === "existing"
        ? f.instanceId
          ? {
              id: f.instanceId,
              label: inst ? `${inst.name || inst.instanceId} · ${inst.instanceId}` : f.instanceId,
              state: "existing",
            }
          : null
        : { id: "", label: "", state: "planned" },
    enis: enisOf(f)
      .map((e) => eniNode(e, f, inv))
      .filter((n): n is TopoEni => n !== null),
  };
}
