import { cloudInitFile, generatedBy, sysctlFile } from "./common-files";
import type { FamilyPlan } from "./scripts";
import type { NormalizedEni, NormalizedSpec } from "./spec.schema";

// Ubuntu: a netplan file (sorted after cloud-init's 50-cloud-init.yaml, so its keys win for the
// same interface id) with the table routes and routing-policy, a drop-in for the .network file
// netplan generates from it carrying the addresses, and a networkd drop-in so systemd-networkd
// leaves routing rules it did not create alone.
//
// The addresses sit in the drop-in because netplan cannot say "no prefix route": from netplan,
// networkd would add each address with a main-table subnet route via the ENI at boot (which apply.sh
// avoids with noprefixroute, and which can send the primary ENI's VPC traffic out of the wrong ENI).
// `[Address] AddPrefixRoute=no` (systemd >= 245) keeps the main table as apply.sh leaves it.

export const NETPLAN_FILE = "/etc/netplan/90-eipilot.yaml";
export const NETWORKD_DROPIN = "/etc/systemd/networkd.conf.d/90-eipilot.conf";

/** netplan names the file it generates for interface id X `10-netplan-X.network`; our id is the device name. */
export function addressDropinPath(e: NormalizedEni): string {
  return `/etc/systemd/network/10-netplan-${e.device}.network.d/90-eipilot.conf`;
}

function addressDropin(e: NormalizedEni): string {
  const out = [
    generatedBy("#", `addresses of secondary ENI ${e.device} (${e.mac}), without main-table prefix routes`).trimEnd(),
  ];
  for (const a of e.addresses) out.push("", "[Address]", `Address=${a.ip}/${e.prefixLength}`, "AddPrefixRoute=no");
  return out.join("\n") + "\n";
}

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
      `      # addresses: ${e.addresses.map((a) => a.ip).join(", ")} in ${addressDropinPath(e)}`,
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
      // Only the primary ENI in primary mode: nothing for netplan (its addresses come from eipilot-routes.service).
      ...(spec.interfaces.length ? [{ path: NETPLAN_FILE, mode: "0600" as const, content: netplanYaml(spec) }] : []),
      ...spec.interfaces.map((e) => ({ path: addressDropinPath(e), mode: "0644" as const, content: addressDropin(e) })),
      {
        path: NETWORKD_DROPIN,
        mode: "0644",
        content:
          generatedBy("#", "keep systemd-networkd from deleting policy rules it did not create") +
          "[Network]\nManageForeignRoutingPolicyRules=no\n",
      },
      sysctlFile(spec),
      cloudInitFile(),
    ],
    // No `netplan apply`: it would reconfigure links. The files take effect at the next boot.
    postInstall: [],
    postRollback: [],
    shadowArgs: () => `'${NETPLAN_FILE}' "$ROOT"/etc/netplan/*.yaml "$ROOT"/etc/netplan/*.yml`,
  };
}
