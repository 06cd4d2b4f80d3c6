// Quick deploy's rules, pure (no React, no server): the form as reviewed and what blocks Review.
import type { Inventory } from "@/lib/deploy/inventory.service";
import { defaultDeploymentName, formWarnings, validate, type WizardForm } from "../form-model";

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
