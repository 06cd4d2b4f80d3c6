// Quick deploy's rules, pure (no React, no server): the form as reviewed and what blocks Review.
import type { Inventory } from "@/lib/deploy/inventory.service";
import {
  defaultDeploymentName,
  formWarnings,
  ipRoom,
  soleAvailableEni,
  validate,
  type WizardForm,
} from "../form-model";

/**
 * The form as reviewed: the picked EIPs and then the new ones; without a typed name, one derived from the
 * choices ("web-1 · 3 EIPs"), never a fixed "Quick deploy" that tells one deployment from none.
 */
export function effectiveForm(
  form: WizardForm,
  picked: string[],
  newEips: number,
  inventory: Inventory | null,
  t: Parameters<typeof defaultDeploymentName>[2],
  countTyped = true,
): WizardForm {
  const eips = picked.length + newEips;
  return {
    ...form,
    // Until the user types a count: as many secondary IPs as the EIPs need (one EIP per address).
    ipCount: countTyped || eips === 0 ? form.ipCount : Math.max(0, eips - (form.usePrimaryIp ? 1 : 0)),
    name: form.name.trim() || defaultDeploymentName(form, inventory, t, picked.length + newEips),
    eips: [
      ...picked.map((id) => ({ source: "existing" as const, allocationId: id, privateIp: "" })),
      ...Array.from({ length: newEips }, () => ({ source: "new" as const, allocationId: "", privateIp: "" })),
    ],
  };
}

/**
 * Quick deploy checks what the wizard checks, and refuses (not only warns) an address left without the
 * EIP the form asks for: there is no later step here where the user would notice and add one.
 */
export function quickIssues(effective: WizardForm, inventory: Inventory | null) {
  const issues = validate(effective, inventory);
  return { ...issues, eips: [...issues.eips, ...formWarnings(effective)] };
}

/** The vSwitches, zones and security groups the form's instance (chosen or to create) can use. */
export function quickNetwork(form: WizardForm, inventory: Inventory | null) {
  const vsws = inventory?.vSwitches ?? [];
  const zones = [...new Set(vsws.map((v) => v.zoneId))];
  const inst = inventory?.instances.find((i) => i.instanceId === form.instanceId);
  const zone = form.instanceMode === "existing" ? inst?.zoneId : form.zoneId;
  const vpc =
    form.instanceMode === "existing" ? inst?.vpcId : vsws.find((v) => v.vSwitchId === form.instanceVSwitchId)?.vpcId;
  const zoneVsws = vsws.filter((v) => (!zone || v.zoneId === zone) && (!vpc || v.vpcId === vpc));
  const sgs = (inventory?.securityGroups ?? []).filter((g) => !vpc || g.vpcId === vpc);
  return { vsws, zones, zone, zoneVsws, sgs };
}

/**
 * What quick deploy fills in by itself when there is only one sensible answer and the user has not
 * chosen (`chosen`: the fields they set): the instance's free ENI when its zone has exactly one Available
 * ENI (used rather than a new one, as an Available EIP is used rather than a new one; never an InUse ENI),
 * the only vSwitch of the zone, the only security group of the VPC. Fewer interactions, nothing hidden:
 * the fields show these values and can be changed.
 */
export function quickDefaults(f: WizardForm, inventory: Inventory | null, chosen: ReadonlySet<string>): WizardForm {
  if (!inventory) return f;
  const out = { ...f };
  const sole = f.instanceMode === "existing" && !f.eniId ? soleAvailableEni(out, inventory) : null;
  if (sole && !chosen.has("eniMode") && out.eniMode === "create") out.eniMode = "existing";
  if (sole && out.eniMode === "existing" && !out.eniId) out.eniId = sole.networkInterfaceId;
  const { zoneVsws, sgs } = quickNetwork(out, inventory);
  if (!out.vSwitchId && !chosen.has("vSwitchId") && zoneVsws.length === 1) out.vSwitchId = zoneVsws[0]!.vSwitchId;
  if (!out.securityGroupId && !chosen.has("securityGroupId") && sgs.length === 1)
    out.securityGroupId = sgs[0]!.securityGroupId;
  return out;
}

/**
 * The EIPs quick deploy starts with while the user has not ticked any: the team's Available EIPs of the
 * region — already paid for, so used before a new pay-as-you-go one is allocated — as many as the ENI can
 * carry (its secondary IPs the type allows, plus its primary IP when that gets one).
 */
export function defaultPicks(f: WizardForm, inventory: Inventory | null): string[] {
  const available = (inventory?.eips ?? []).filter((e) => e.status === "Available").map((e) => e.allocationId);
  const room = ipRoom(f, inventory);
  return room ? available.slice(0, room.max + (f.usePrimaryIp && f.eniMode !== "primary" ? 1 : 0)) : available;
}
