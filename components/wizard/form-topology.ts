import type { Topology } from "@/components/deploy/topology-model";
import type { Inventory } from "@/lib/deploy/inventory.service";
import { chosenEni, chosenInstance, eipTargets, type WizardForm } from "./form-model";

/** Planned topology from the form (what the summary shows before anything runs). */
export function topologyFromForm(f: WizardForm, inv: Inventory | null): Topology {
  const inst = chosenInstance(f, inv);
  const eni = chosenEni(f, inv);
  const targets = eipTargets(f, inv);
  const ips = targets.map((tg, i) => ({
    ip: tg.auto ? "" : tg.value,
    primary: f.usePrimaryIp && i === 0,
    state: (f.usePrimaryIp && i === 0 && eni ? "existing" : "planned") as "existing" | "planned",
    eip: null as Topology["enis"][number]["ips"][number]["eip"],
  }));
  const explicit = new Set(f.eips.map((e) => e.privateIp).filter(Boolean));
  const free = ips.filter((s) => !s.ip || !explicit.has(s.ip));
  let next = 0;
  for (const e of f.eips) {
    const slot = e.privateIp ? ips.find((s) => s.ip === e.privateIp) : free[next++];
    const found = inv?.eips.find((x) => x.allocationId === e.allocationId);
    if (slot)
      slot.eip = {
        id: e.source === "new" ? "" : e.allocationId,
        address: e.source === "new" ? "" : (found?.ipAddress ?? e.allocationId),
        state: "planned",
      };
  }
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
    enis:
      f.eniMode === "existing" && !f.eniId
        ? []
        : [
            {
              id: f.eniId,
              label: f.eniMode === "existing" ? f.eniId : "",
              primaryEni: false,
              state: eni && inst && eni.instanceId === inst.instanceId ? "existing" : "planned",
              ips,
            },
          ],
  };
}
