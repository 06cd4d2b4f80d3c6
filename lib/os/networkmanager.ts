import { createHash } from "node:crypto";
import { cloudInitFile, generatedBy, sysctlFile } from "./common-files";
import type { FamilyPlan } from "./scripts";
import { addrArgs, eniArgs } from "./shell";
import type { NormalizedEni, NormalizedSpec } from "./spec.schema";

// Alibaba Cloud Linux 3 / RHEL 9: NetworkManager keyfiles. The profile matches the ENI by MAC,
// puts every route of the connection (including the subnet prefix route) in the ENI's own
// table via ipv4.route-table, and carries one routing rule per address.

const DIR = "/etc/NetworkManager/system-connections";

/** Stable UUID per ENI, so re-generating the bundle keeps the same NetworkManager profile. */
export function profileUuid(mac: string): string {
  const h = createHash("sha256").update(`eipilot-nm:${mac}`).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function keyfilePath(e: NormalizedEni): string {
  return `${DIR}/eipilot-${e.device}.nmconnection`;
}

function keyfile(e: NormalizedEni): string {
  return [
    generatedBy("#", `secondary ENI ${e.device} (${e.mac})`).trimEnd(),
    "[connection]",
    `id=eipilot-${e.device}`,
    `uuid=${profileUuid(e.mac)}`,
    "type=ethernet",
    "autoconnect=true",
    "autoconnect-priority=50",
    "",
    "[ethernet]",
    `mac-address=${e.mac.toUpperCase()}`,
    "",
    "[ipv4]",
    "method=manual",
    ...e.addresses.map((a, i) => `address${i + 1}=${a.ip}/${e.prefixLength}`),
    "# No default route in the main table from this ENI; everything goes to its own table.",
    "never-default=true",
    "ignore-auto-routes=true",
    "ignore-auto-dns=true",
    `route-table=${e.routeTable}`,
    `route1=0.0.0.0/0,${e.gateway}`,
    `route1_options=table=${e.routeTable}`,
    ...e.addresses.map((a, i) => `routing-rule${i + 1}=priority ${a.priority} from ${a.ip}/32 table ${e.routeTable}`),
    "",
    "[ipv6]",
    "method=ignore",
    "",
  ].join("\n");
}

export function networkManagerPlan(spec: NormalizedSpec): FamilyPlan {
  return {
    files: [
      ...spec.interfaces.map((e) => ({ path: keyfilePath(e), mode: "0600" as const, content: keyfile(e) })),
      sysctlFile(spec),
      cloudInitFile(),
    ],
    // NetworkManager running: load each profile and activate it on its ENI only (a DHCP profile left
    // active there could bring a main-table default route back until reboot). Activation replaces the
    // ENI's addresses and routes, so the live part runs again afterwards: the live state stays what
    // verify.sh checks. The profile itself carries never-default and route-table, so NetworkManager
    // adds no main-table route.
    postInstall: spec.interfaces.length
      ? [
          'if [ -z "$ROOT" ] && command -v nmcli >/dev/null && nmcli -t general status >/dev/null 2>&1; then',
          ...spec.interfaces.map((e) => `  nm_activate '${keyfilePath(e)}' '${profileUuid(e.mac)}' '${e.mac}'`),
          ...spec.interfaces.map((e) => `  configure_eni ${eniArgs(e)} ${addrArgs(e)}`),
          "  drop_secondary_defaults",
          "fi",
        ]
      : [],
    postRollback: [
      'if [ -z "$ROOT" ] && command -v nmcli >/dev/null && nmcli -t general status >/dev/null 2>&1; then',
      "  nmcli connection reload || true",
      ...spec.interfaces.map((e) => `  nm_forget '${keyfilePath(e)}' '${profileUuid(e.mac)}'`),
      "fi",
    ],
    shadowArgs: (e) => `'${keyfilePath(e)}' "$ROOT${DIR}"/* "$ROOT"/etc/sysconfig/network-scripts/ifcfg-*`,
  };
}
