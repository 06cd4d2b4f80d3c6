import { generatedBy, sysctlFile } from "./common-files";
import type { FamilyPlan } from "./scripts";
import type { NormalizedSpec } from "./spec.schema";

// Ubuntu: a netplan file (sorted after cloud-init's 50-cloud-init.yaml, so its keys win for the
// same interface id) with the addresses, table routes and routing-policy, plus a networkd
// drop-in so systemd-networkd leaves routing rules it did not create alone.

export const NETPLAN_FILE = "/etc/netplan/90-eipilot.yaml";
export const NETWORKD_DROPIN = "/etc/systemd/networkd.conf.d/90-eipilot.conf";

export function netplanYaml(spec: NormalizedSpec): string {
  const out = [
    generatedBy("#", "secondary ENIs with per-ENI route tables").trimEnd(),
    "network:",
    "  version: 2",
    "  ethernets:",
  ];
  for (const e of spec.interfaces) {
    out.push(
      `    ${e.device}:`,
      "      match:",
      `        macaddress: "${e.mac}"`,
      "      dhcp4: false",
      "      dhcp6: false",
      "      accept-ra: false",
      "      addresses:",
      ...e.addresses.map((a) => `        - ${a.ip}/${e.prefixLength}`),
      "      routes:",
      `        - to: ${e.network}/${e.prefixLength}`,
      "          scope: link",
      `          from: ${e.primaryIp}`,
      `          table: ${e.routeTable}`,
      "        - to: 0.0.0.0/0",
      `          via: ${e.gateway}`,
      `          table: ${e.routeTable}`,
      "      routing-policy:",
      ...e.addresses.flatMap((a) => [
        `        - from: ${a.ip}`,
        `          table: ${e.routeTable}`,
        `          priority: ${a.priority}`,
      ]),
    );
  }
  return out.join("\n") + "\n";
}

export function netplanPlan(spec: NormalizedSpec): FamilyPlan {
  return {
    files: [
      { path: NETPLAN_FILE, mode: "0600", content: netplanYaml(spec) },
      {
        path: NETWORKD_DROPIN,
        mode: "0644",
        content:
          generatedBy("#", "keep systemd-networkd from deleting policy rules it did not create") +
          "[Network]\nManageForeignRoutingPolicyRules=no\n",
      },
      sysctlFile(spec),
    ],
    // No `netplan apply`: it would reconfigure links. The files take effect at the next boot.
    postInstall: [],
    postRollback: [],
    shadowArgs: () => `'${NETPLAN_FILE}' "$ROOT"/etc/netplan/*.yaml "$ROOT"/etc/netplan/*.yml`,
  };
}
