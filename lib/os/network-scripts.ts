import { cloudInitFile, generatedBy, sysctlFile } from "./common-files";
import type { FamilyPlan } from "./scripts";
import type { NormalizedSpec } from "./spec.schema";

// CentOS 7 / Alibaba Cloud Linux 2: initscripts' network-scripts. One ifcfg file per ENI with
// IPADDRn/PREFIXn entries (the modern form of the document's ifcfg-eth1:N alias files), plus
// route-ethX and rule-ethX, which ifup-routes applies with `ip route add` / `ip rule add`.

const DIR = "/etc/sysconfig/network-scripts";

export function networkScriptsPlan(spec: NormalizedSpec): FamilyPlan {
  const files: FamilyPlan["files"] = [];
  for (const e of spec.interfaces) {
    const ifcfg = [
      generatedBy("#", `secondary ENI ${e.device}`).trimEnd(),
      `DEVICE=${e.device}`,
      `HWADDR=${e.mac}`,
      "TYPE=Ethernet",
      "ONBOOT=yes",
      "BOOTPROTO=none",
      "# Never a default route from this ENI (DHCP's second default route would steal eth0's traffic).",
      "DEFROUTE=no",
      "PEERDNS=no",
      "IPV6INIT=no",
      "# ifup-eth adds a main-table 169.254.0.0/16 route per interface unless this is set.",
      "NOZEROCONF=yes",
      "# initscripts has no noprefixroute key; ifup-eth passes SCOPE verbatim to `ip addr add`, so the",
      `# addresses get no main-table prefix route at boot either (route-${e.device} puts it in table ${e.routeTable}).`,
      'SCOPE="scope global noprefixroute"',
      "# The network service, not NetworkManager, applies route-/rule- files reliably on these releases.",
      "NM_CONTROLLED=no",
      ...e.addresses.flatMap((a, i) => [`IPADDR${i}=${a.ip}`, `PREFIX${i}=${e.prefixLength}`]),
    ];
    files.push({ path: `${DIR}/ifcfg-${e.device}`, mode: "0644", content: ifcfg.join("\n") + "\n" });
    files.push({
      path: `${DIR}/route-${e.device}`,
      mode: "0644",
      content:
        [
          generatedBy("#", `table ${e.routeTable} for ${e.device}`).trimEnd(),
          `${e.network}/${e.prefixLength} dev ${e.device} scope link src ${e.primaryIp} table ${e.routeTable}`,
          `default via ${e.gateway} dev ${e.device} table ${e.routeTable}`,
        ].join("\n") + "\n",
    });
    files.push({
      path: `${DIR}/rule-${e.device}`,
      mode: "0644",
      content:
        [
          generatedBy("#", `source rules for ${e.device}`).trimEnd(),
          ...e.addresses.map((a) => `from ${a.ip} lookup ${e.routeTable} priority ${a.priority}`),
        ].join("\n") + "\n",
    });
  }
  files.push(sysctlFile(spec), cloudInitFile());
  return {
    files,
    postInstall: [],
    postRollback: [],
    shadowArgs: (e) => `'${DIR}/ifcfg-${e.device}' "$ROOT${DIR}"/ifcfg-*`,
  };
}
