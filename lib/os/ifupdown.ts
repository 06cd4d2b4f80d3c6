import { cloudInitFile, generatedBy, sysctlFile } from "./common-files";
import type { FamilyPlan } from "./scripts";
import type { NormalizedEni, NormalizedSpec } from "./spec.schema";

// Debian: ifupdown stanzas in /etc/network/interfaces.d (sourced by Debian's default
// /etc/network/interfaces). "inet manual" plus up/down hooks so addresses get no main-table
// prefix route and every route lands in the ENI's own table, as apply.sh does live.

export function stanzaPath(e: NormalizedEni): string {
  return `/etc/network/interfaces.d/eipilot-${e.device}`;
}

function stanza(e: NormalizedEni): string {
  const d = e.device;
  const t = e.routeTable;
  return (
    [
      generatedBy("#", `secondary ENI ${d} (${e.mac})`).trimEnd(),
      "# ifupdown matches by name; apply.sh warns if this MAC carries another name.",
      `allow-hotplug ${d}`,
      `iface ${d} inet manual`,
      `    pre-up ip link set dev ${d} up`,
      ...e.addresses.map((a) => `    up ip -4 addr add ${a.ip}/${e.prefixLength} dev ${d} noprefixroute || true`),
      `    up ip -4 route replace ${e.network}/${e.prefixLength} dev ${d} proto static scope link src ${e.primaryIp} table ${t}`,
      `    up ip -4 route replace default via ${e.gateway} dev ${d} proto static table ${t}`,
      ...e.addresses.map((a) => `    up ip -4 rule add from ${a.ip} lookup ${t} priority ${a.priority} || true`),
      ...e.addresses.map((a) => `    down ip -4 rule del from ${a.ip} lookup ${t} priority ${a.priority} || true`),
      `    down ip -4 route flush table ${t} || true`,
      ...e.addresses.map((a) => `    down ip -4 addr del ${a.ip}/${e.prefixLength} dev ${d} || true`),
    ].join("\n") + "\n"
  );
}

export function ifupdownPlan(spec: NormalizedSpec): FamilyPlan {
  return {
    files: [
      ...spec.interfaces.map((e) => ({ path: stanzaPath(e), mode: "0644" as const, content: stanza(e) })),
      sysctlFile(spec),
      cloudInitFile(),
    ],
    postInstall: [
      'if [ -f "$ROOT/etc/network/interfaces" ] && ! grep -qE "^[[:space:]]*source(-directory)?[[:space:]]+/etc/network/interfaces.d" "$ROOT/etc/network/interfaces"; then',
      '  log "warning: /etc/network/interfaces does not source /etc/network/interfaces.d; add: source /etc/network/interfaces.d/*"',
      "fi",
    ],
    postRollback: [],
    shadowArgs: (e) => `'${stanzaPath(e)}' "$ROOT"/etc/network/interfaces "$ROOT"/etc/network/interfaces.d/*`,
  };
}
