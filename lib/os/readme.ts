import { GENERATOR_VERSION, PERSIST_SCRIPT, STATE_DIR } from "./shell";
import type { FamilyPlan } from "./scripts";
import { NETD_INTERVAL_SECONDS, NETD_PATH, NETD_SERVICE, NETD_TIMER, NETD_UDEV_RULE } from "./netd";
import type { NormalizedAgent, NormalizedSpec, OsFamily } from "./spec.schema";

// README.md of a bundle: what it does, how to run it, and the known failure modes with how
// this bundle handles each. Only validated values are interpolated.

const FAMILY: Record<OsFamily, string> = {
  alinux2: "Alibaba Cloud Linux 2 (network-scripts: ifcfg, route-, rule- files)",
  centos7: "CentOS 7 (network-scripts: ifcfg, route-, rule- files)",
  alinux3: "Alibaba Cloud Linux 3 (NetworkManager keyfiles)",
  rhel9: "RHEL 9 and rebuilds (NetworkManager keyfiles)",
  ubuntu: "Ubuntu (netplan + systemd-networkd)",
  debian: "Debian (ifupdown, /etc/network/interfaces.d)",
  generic: "Any systemd distribution (iproute2 + a systemd unit)",
};

const PRIMARY_MODE = `Rows on the primary ENI (primary mode): only those secondary addresses are added, with
\`noprefixroute\`; they use the main table like the primary IP (no table, no source rule), and the
primary IP, its routes and the primary ENI's own configuration are not touched. At boot,
\`eipilot-routes.service\` adds them again once the network is up.`;

const WITHOUT_EIP = `A private IP without an EIP ("none" above) still gets its address, its table and its source rule:
its replies to VPC peers must leave through its own ENI (the VPC drops them on another one).
verify.sh does not expect it to reach the internet; with \`--echo-url\` it fails only if that address
egresses as one of the EIPs above (which would mean traffic is leaving through the wrong address).`;

function addressRows(spec: NormalizedSpec): string[] {
  const p = spec.primaryEni;
  const eipCell = (a: { eip: string | null; carriesEip: boolean }) =>
    a.eip ?? (a.carriesEip ? "(bound; address not given)" : "none");
  const primary = p
    ? p.addresses.map((a) => `| ${p.device} (primary ENI) | \`${p.mac}\` | ${a.ip} | main | - | ${eipCell(a)} |`)
    : [];
  return primary.concat(
    spec.interfaces.flatMap((e) =>
      e.addresses.map(
        (a) =>
          `| ${e.device} | \`${e.mac}\` | ${a.ip}${a.primary ? " (ENI primary)" : ""} | ${e.routeTable} | ${a.priority} | ${eipCell(a)} |`,
      ),
    ),
  );
}

const REVISIONS = `## Revisions

Each change of the deployment makes a new bundle (a new spec sha256). Run on a guest where an
earlier revision is applied, apply.sh leaves exactly this revision's state: it adds what is new,
then removes what the earlier revision added and this one does not have (addresses, rules, table
routes, kernel settings of an ENI no longer listed, persistent files), live and on disk. It keeps a
copy of itself in \`${STATE_DIR}/revisions/\`. rollback.sh of this revision then returns the guest
to the revision applied before it (by running that revision's kept apply.sh); rollback.sh of the
first revision returns the guest to its state before EIPilot. While another revision is applied,
this rollback.sh refuses (exit 1) and names it; \`rollback.sh --all\` removes everything EIPilot
added whatever is applied. Everything recorded stays relative to the state before EIPilot, so a
file replaced by the first revision is restored by the last rollback.`;

function agentSection(agent: NormalizedAgent): string {
  const alone = agent.leaveAlone.length ? agent.leaveAlone.map((x) => `\`${x}\``).join(", ") : "none";
  return `## The guest agent (eipilot-netd)

This bundle installs \`${NETD_PATH}\` with \`${NETD_SERVICE}\`, \`${NETD_TIMER}\` (every
${NETD_INTERVAL_SECONDS} s) and a udev rule (\`${NETD_UDEV_RULE}\`: it runs when a network interface appears).
It reads the instance metadata service (\`http://100.100.100.200/latest/meta-data/network/interfaces/macs/…\`:
\`network-interface-id\`, \`primary-ip-address\`, \`private-ipv4s\`, \`gateway\`, \`vswitch-cidr-block\`) and brings
every secondary ENI to what it says, with the same commands as apply.sh: an ENI attached in EIPilot or the
console gets its addresses, table and source rules; an address assigned is added, one unassigned removed
(with its rule). ENIs this bundle names keep their tables and priorities; another \`ethN\` gets table 1000+N and
priorities from 30000 + 100 × (N − 1), as a deployment gives it. It never touches the primary ENI (the
metadata's \`mac\`) nor: ${alone}. Metadata access: ${
    agent.metadataAccess === "hardened"
      ? "security hardening mode only (a token from `PUT /latest/api/token`), which works whether or not the instance enforces it (`HttpTokens=required`)"
      : "security hardening mode, and normal mode when the service gives no token"
  }. It reads everything first: a metadata service that is down or refuses it changes nothing, and the agent
says why (exit 1). Each change is logged (\`journalctl -t eipilot-netd -u ${NETD_SERVICE}\`) and recorded
like apply.sh's, so rollback.sh undoes it; \`sudo ${NETD_PATH} --dry-run\` prints what it would do.
After a reboot the persistent files bring back this bundle's addresses first; the agent then applies
what changed in the cloud since (the files are not rewritten: a new bundle makes them current).`;
}

export function readme(spec: NormalizedSpec, specSha256: string, plan: FamilyPlan): string {
  const rows = addressRows(spec);
  const persistence =
    spec.persistence === "rc.local"
      ? `Legacy mode, as in the source document: a marked block in \`${plan.rcLocal}\` runs \`${PERSIST_SCRIPT}\` at boot.`
      : FAMILY[spec.os];
  const nm = spec.os === "alinux3" || spec.os === "rhel9";
  const native = spec.persistence === "native";
  return `# EIPilot guest-OS bundle

Generator ${GENERATOR_VERSION}, os \`${spec.os}\`, spec sha256 \`${specSha256}\`.
Persistence: ${persistence}.

Each private IP below leaves the instance through its own ENI, so the VPC's NAT-mode EIP
bound to that private IP is the address the internet sees. The primary ENI and its default
route are not touched.

| Device | MAC | Private IP | Table | Rule priority | Expected EIP |
|---|---|---|---|---|---|
${rows.join("\n")}

${WITHOUT_EIP}
${spec.primaryEni ? `\n${PRIMARY_MODE}\n` : ""}
## Run it

\`\`\`sh
sudo ./apply.sh            # live: addresses, table routes, source rules; then installs the files below
./verify.sh                # JSON summary on stdout, exit 0 when every check passes
./verify.sh --echo-url http://<what-is-my-ip endpoint>/   # also compares each address's egress IP with its EIP
sudo ./rollback.sh         # back to the revision applied before this one (or to the state before EIPilot)
sudo ./rollback.sh --all   # removes everything EIPilot added, whatever revision is applied
\`\`\`

\`ROOT=/some/dir\` makes every script read and write files under that directory instead of \`/\`
(the \`ip\` and \`sysctl\` changes still act on the current network namespace). apply.sh records
what it changed in \`${STATE_DIR}\`; rollback.sh undoes exactly that and restores any file
apply.sh replaced. No network service is restarted at any point.

${REVISIONS}
${spec.agent ? `\n${agentSection(spec.agent)}\n` : ""}
Persistent files installed (copies are under \`files/\` in this bundle):

${plan.files.map((f) => `- \`${f.path}\` (mode ${f.mode})`).join("\n")}${plan.rcLocal ? `\n- a marked block in \`${plan.rcLocal}\`` : ""}

## What apply.sh does

1. Finds each ENI by its MAC address (a name that differs from the spec is reported, and the
   live changes go to the interface that really has the MAC).
2. Refuses to start if an address is already configured on another interface.
3. Adds every address with \`noprefixroute\`, so the main routing table is not changed.
   The persistent files do the same at boot (${
     spec.os === "ubuntu"
       ? "networkd drop-ins with `AddPrefixRoute=no`"
       : spec.os === "centos7" || spec.os === "alinux2"
         ? '`SCOPE="scope global noprefixroute"` in the ifcfg file, which ifup-eth passes to `ip addr add`'
         : spec.os === "alinux3" || spec.os === "rhel9"
           ? "NetworkManager puts every route of the profile, the prefix routes too, in the ENI's table"
           : "the same `ip addr add … noprefixroute` commands"
   }); the ENI's MTU is left as the cloud set it.
4. Puts the subnet route and a default route via the vSwitch gateway in the ENI's own table,
   and one \`ip rule from <ip> lookup <table>\` per address with a fixed priority.
5. Sets the kernel settings below, then installs the persistent files.

## Known failure modes and how this bundle handles them

- **Strict reverse-path filtering** (\`rp_filter=1\`, the RHEL-family default) drops inbound
  traffic to a secondary ENI whose reverse route points elsewhere. apply.sh sets
  \`net.ipv4.conf.<eni>.rp_filter=2\` (loose) on every ENI, live and in \`/etc/sysctl.d/90-eipilot.conf\`;
  the kernel uses the larger of the \`all\` and per-interface values, so this wins over a strict default.
- **ARP flux** when ENIs share a subnet: any interface may answer ARP for another's address,
  so traffic for one ENI's IP arrives on another (and the VPC drops replies sent from the wrong
  ENI). apply.sh sets \`arp_ignore=1\` and \`arp_announce=2\` on each ENI and on \`all\`.
- **DHCP on the secondary ENI adding a default route**: a second main-table default route
  steals the primary ENI's traffic. The persistent configuration disables DHCP and default
  routes on the secondary ENI (${nm ? "\`never-default=true\`, \`ignore-auto-routes=true\`" : spec.os === "ubuntu" ? "\`dhcp4: false\`" : spec.os === "debian" ? "\`inet manual\`" : "\`BOOTPROTO=none\`, \`DEFROUTE=no\`"}), and apply.sh
  removes an existing main-table default route via a secondary ENI while another default route
  remains (rollback.sh puts it back). The primary ENI's default route is never touched.
- **systemd-networkd deleting routing rules it did not create**
  (\`ManageForeignRoutingPolicyRules\`, default yes since systemd 249): ${spec.os === "ubuntu" && native ? `this bundle installs \`/etc/systemd/networkd.conf.d/90-eipilot.conf\` with \`ManageForeignRoutingPolicyRules=no\`, and the rules are also declared in netplan so networkd owns them after a restart.` : "only relevant where systemd-networkd manages links (the ubuntu bundle installs a drop-in with `ManageForeignRoutingPolicyRules=no`); if this host runs networkd, add that drop-in."}
- **Other configuration shadowing ours** (cloud-init's \`50-cloud-init.yaml\`, an older
  \`ifcfg-eth1:0\`, a DHCP stanza or profile for the same ENI): ${
    spec.os === "ubuntu" && native
      ? "our netplan file is `90-eipilot.yaml`, sorted after cloud-init's, and uses the same interface id, so its keys win; "
      : ""
  }apply.sh prints a warning naming every other file that mentions the ENI's name or MAC. Remove
  those entries if they conflict.
- **cloud-init re-rendering the network configuration at boot**: its AliYun datasource (like
  Ec2's) renders every NIC from the instance metadata on each boot and can overwrite a secondary
  ENI's files with DHCP ones. ${
    native
      ? `This bundle installs \`/etc/cloud/cloud.cfg.d/90-eipilot.cfg\` with
  \`updates: network: when: [boot-new-instance]\`: cloud-init still configures the primary ENI on a new
  instance's first boot, but later boots and hotplug events leave EIPilot's files alone. It is
  deliberately not \`network: {config: disabled}\`, which would also stop cloud-init from configuring
  the primary ENI of an instance created from an image of this one. cloud-init releases older than
  21.3 ignore \`updates\`; there, remove cloud-init's entries for the secondary ENI after each boot
  or upgrade cloud-init.`
      : `In rc.local mode the boot script re-applies the routes after the network is up and removes a
  DHCP default route via a secondary ENI; to stop the re-rendering, put
  \`updates: network: when: [boot-new-instance]\` in \`/etc/cloud/cloud.cfg.d/\` (not
  \`network: {config: disabled}\`, which would stop it for the primary ENI too).`
  }
- **Duplicate rules piling up on re-runs** (the document's \`ip rule add\` in rc.local adds one
  more copy each time): every rule has a fixed priority, apply.sh adds it only when missing and
  deletes extra identical copies; verify.sh fails when a rule exists more than once.
- **A network restart cutting the site off**: nothing is restarted; ${
    nm
      ? "when NetworkManager runs, apply.sh loads each profile and activates it on its secondary ENI alone (`nmcli connection up … ifname <dev>`, which replaces a DHCP profile left active there; nothing when it is already active and unchanged), then sets the live routes again; the primary ENI's connection is never touched, and rollback.sh removes the profiles from NetworkManager"
      : "the persistent files take effect at the next boot"
  }.
`;
}
