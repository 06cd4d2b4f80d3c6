import { generatedBy } from "./common-files";
import { header, LIBRARY, withLibrary } from "./shell";
import type { FamilyPlan, PersistentFile } from "./scripts";
import type { NormalizedSpec } from "./spec.schema";

// eipilot-netd: the optional guest agent (spec `agent`). On an ENI appearing (udev), every 30 s (timer) and on
// demand it reads the instance metadata service and brings the secondary ENIs' addresses, per-ENI tables and
// source rules to what the metadata says, with the same commands and state records as apply.sh (so rollback.sh
// undoes its changes too). It never touches the primary ENI or an interface the spec tells it to leave alone.

export const NETD_PATH = "/usr/local/sbin/eipilot-netd";
export const NETD_SERVICE = "eipilot-netd.service";
export const NETD_TIMER = "eipilot-netd.timer";
export const NETD_UDEV_RULE = "/etc/udev/rules.d/90-eipilot-netd.rules";
/** How often the timer runs the agent: a change in the cloud reaches the guest within this. */
export const NETD_INTERVAL_SECONDS = 30;

// The agent after the shared library. Every value it acts on comes from the metadata service and is checked
// against a strict pattern first; it reads everything before it changes anything.
const AGENT = `
usage() { printf 'usage: %s [--dry-run] [--device DEVICE]\\n' "$0" >&2; exit 2; }
DRY_RUN=0
ONLY_DEV=""
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) DRY_RUN=1; shift ;;
    --device) [ $# -ge 2 ] || usage; ONLY_DEV=$2; shift 2 ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done
[ "$(id -u)" = 0 ] || [ "$DRY_RUN" = 1 ] || die "run as root (or with --dry-run)"
command -v ip >/dev/null || die "iproute2 (ip) is required"
command -v curl >/dev/null || die "curl is required to read the instance metadata"
if [ ! -d "$STATE_DIR" ]; then
  log "no EIPilot bundle is applied here ($STATE_DIR does not exist): nothing to do"
  exit 0
fi
# Record changes like apply.sh, so that rollback.sh undoes them.
[ "$DRY_RUN" = 1 ] || RECORD=1

MD_URL=http://100.100.100.200/latest
IPV4_RE='^([0-9]{1,3}[.]){3}[0-9]{1,3}$'
MAC_RE='^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'
CHANGES=0

# Each change goes to stderr (the journal under systemd) and, when run by hand, to syslog/the journal too.
note() {
  log "$*"
  if [ -z "\${JOURNAL_STREAM:-}" ] && command -v logger >/dev/null; then logger -t eipilot-netd -- "$*" || true; fi
}

# Makes (or, with --dry-run, prints) one change.
change() {
  CHANGES=$((CHANGES + 1))
  if [ "$DRY_RUN" = 1 ]; then
    printf 'would run: %s\\n' "$*"
    return 0
  fi
  note "$*"
  "$@"
}

# The metadata service is down or refuses us: nothing has changed yet, and nothing will.
md_fail() {
  note "error: $*; nothing changed"
  exit 1
}

# Security hardening mode: a token from PUT /latest/api/token. Normal mode only where the bundle allows it.
TOKEN=""
md_connect() {
  local out rc=0 code
  out=$(curl -sS --max-time 3 -w '\\n%{http_code}' -X PUT -H "X-aliyun-ecs-metadata-token-ttl-seconds: 300" "$MD_URL/api/token" 2>&1) || rc=$?
  if [ "$rc" -ne 0 ]; then
    out=\${out%$'\\n'*}
    out=\${out%$'\\n'}
    md_fail "the instance metadata service (100.100.100.200) did not answer: \${out##*curl: }"
  fi
  code=\${out##*$'\\n'}
  if [ "$code" = 200 ]; then
    TOKEN=\${out%$'\\n'*}
    return 0
  fi
  if [ "$ALLOW_NORMAL_MODE" = 1 ]; then
    note "the metadata service gave no token (HTTP $code); reading in normal mode, as this bundle allows"
    return 0
  fi
  md_fail "the metadata service gave no token (HTTP $code) and this bundle reads it in security hardening mode only"
}

# Prints one metadata item; exits (nothing changed) when it cannot be read.
md_get() {
  local out rc=0 code
  if [ -n "$TOKEN" ]; then
    out=$(curl -sS --max-time 3 -w '\\n%{http_code}' -H "X-aliyun-ecs-metadata-token: $TOKEN" "$MD_URL/meta-data/$1" 2>&1) || rc=$?
  else
    out=$(curl -sS --max-time 3 -w '\\n%{http_code}' "$MD_URL/meta-data/$1" 2>&1) || rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    out=\${out%$'\\n'*}
    out=\${out%$'\\n'}
    md_fail "metadata item $1: \${out##*curl: }"
  fi
  code=\${out##*$'\\n'}
  [ "$code" = 200 ] || md_fail "metadata item $1: HTTP $code"
  printf '%s\\n' "\${out%$'\\n'*}"
}

ip_int() {
  local a b c d
  IFS=. read -r a b c d <<< "$1"
  printf '%s' $(((a << 24) + (b << 16) + (c << 8) + d))
}

# Usage: in_subnet IP NETWORK PREFIX
in_subnet() {
  local m=$(((0xffffffff << (32 - $3)) & 0xffffffff))
  [ $(($(ip_int "$1") & m)) -eq $(($(ip_int "$2") & m)) ]
}

in_list() {
  local x=$1 y
  shift
  for y in "$@"; do [ "$x" = "$y" ] && return 0; done
  return 1
}

# shellcheck disable=SC2086 # the list, split on purpose
left_alone() { in_list "$1" $LEAVE_ALONE || in_list "$2" $LEAVE_ALONE; }

# Usage: rule_prio IP TABLE -> the priority of a rule "from IP lookup TABLE", if any.
rule_prio() {
  ip -4 rule show | awk -v f="$1" -v t="$2" '$2 == "from" && $3 == f && $4 == "lookup" && $5 == t { p = $1; sub(/:$/, "", p); print p }' | head -n 1
}

# Priorities given out in this run (a dry run adds no rule, so \`ip rule\` alone would hand one out twice).
CHOSEN=" "
prio_taken() {
  [[ $CHOSEN == *" $1 "* ]] && return 0
  ip -4 rule show | awk -v p="$1:" '$1 == p { f = 1 } END { exit !f }'
}

# The table and first rule priority of the ENI with MAC $1 on device $2: the bundle's when it names the ENI,
# else those the deployment gives ethN (table 1000+N, priorities from 30000 + 100 * (N - 1)).
eni_table() {
  local mac=$1 dev=$2 m t p n
  for m in $KNOWN_ENIS; do
    IFS=, read -r m t p <<< "$m"
    if [ "$m" = "$mac" ]; then printf '%s %s' "$t" "$p"; return 0; fi
  done
  [[ $dev =~ ^eth([0-9]+)$ ]] || return 1
  n=\${BASH_REMATCH[1]}
  [ "$n" -ge 1 ] && [ "$n" -le 99 ] || return 1
  t=$((1000 + n))
  for m in $KNOWN_ENIS; do
    IFS=, read -r _ p _ <<< "$m"
    # That table belongs to another ENI of the bundle.
    [ "$p" != "$t" ] || return 1
  done
  printf '%s %s' "$t" $((30000 + 100 * (n - 1)))
}

# A priority for a new rule: the bundle's for an address it names, else the first free one in the ENI's range.
new_prio() {
  local ip=$1 base=$2 a p
  for a in $KNOWN_ADDRS; do
    IFS=, read -r a p <<< "$a"
    if [ "$a" = "$ip" ]; then printf '%s' "$p"; return 0; fi
  done
  for ((p = base; p < base + 100; p++)); do
    prio_taken "$p" || { printf '%s' "$p"; return 0; }
  done
  return 1
}

# Usage: sync_eni ENI_ID MAC DEVICE NETWORK PREFIX GATEWAY TABLE PRIO_BASE IP... (the metadata's addresses, primary first)
sync_eni() {
  local id=$1 mac=$2 dev=$3 net=$4 plen=$5 gw=$6 table=$7 base=$8 ip cur k v p owners line keep
  shift 8
  if ! link_is_up "$dev"; then
    change ip link set dev "$dev" up
    record links "$dev"
  fi
  for k in rp_filter:2 arp_ignore:1 arp_announce:2; do
    v=\${k#*:}
    k=\${k%%:*}
    cur=$(cat "/proc/sys/net/ipv4/conf/$dev/$k")
    if [ "$cur" != "$v" ]; then
      change sysctl -qw "net.ipv4.conf.$dev.$k=$v"
      awk -v k="net.ipv4.conf.$dev.$k" '$1 == k { f = 1 } END { exit !f }' "$STATE_DIR/sysctl" 2>/dev/null || record sysctl "net.ipv4.conf.$dev.$k $cur"
    fi
  done
  for ip in "$@"; do
    has_addr "$dev" "$ip" && continue
    owners=$(addr_owners "$ip" | tr '\\n' ' ')
    if [ -n "$owners" ]; then
      note "warning: $ip (ENI $id) is configured on $owners; not adding it to $dev"
      continue
    fi
    change ip -4 addr add "$ip/$plen" dev "$dev" noprefixroute
    record addrs "$dev $ip/$plen"
  done
  # Addresses of the ENI's subnet that the cloud no longer assigns to it: the VPC drops their traffic anyway.
  for cur in $(ip -4 -o addr show dev "$dev" | awk '{ print $4 }'); do
    ip=\${cur%/*}
    in_subnet "$ip" "$net" "$plen" || continue
    in_list "$ip" "$@" && continue
    change ip -4 addr del "$cur" dev "$dev"
  done
  table_has_subnet "$table" "$net/$plen" "$dev" || change ip -4 route replace "$net/$plen" dev "$dev" proto static scope link src "$1" table "$table"
  record routes "$net/$plen dev $dev table $table"
  table_has_default "$table" "$gw" "$dev" || change ip -4 route replace default via "$gw" dev "$dev" proto static table "$table"
  record routes "default via $gw dev $dev table $table"
  for ip in "$@"; do
    [ -z "$(rule_prio "$ip" "$table")" ] || continue
    p=$(new_prio "$ip" "$base") || { note "warning: no free rule priority in $base..$((base + 99)) for $ip"; continue; }
    CHOSEN="$CHOSEN$p "
    change ip -4 rule add from "$ip" lookup "$table" priority "$p"
    record rules "$p $ip $table"
  done
  while read -r p ip; do
    in_list "$ip" "$@" || change ip -4 rule del from "$ip" lookup "$table" priority "$p"
  done < <(ip -4 rule show | awk -v t="$table" '$2 == "from" && $4 == "lookup" && $5 == t { p = $1; sub(/:$/, "", p); print p, $3 }')
  # A DHCP default route via this ENI in the main table steals the primary ENI's traffic: drop it while another remains.
  keep=$(ip -4 route show table main exact 0.0.0.0/0 | awk -v d="$dev" '{ for (i = 1; i < NF; i++) if ($i == "dev" && $(i + 1) != d) { n++; break } } END { print n + 0 }')
  if [ "$keep" -gt 0 ]; then
    while read -r line; do
      # shellcheck disable=SC2086 # a route line from iproute2, split on purpose
      change ip -4 route del $line
      record mainroutes "$line"
    done < <(ip -4 route show table main exact 0.0.0.0/0 | awk -v d="$dev" '{ for (i = 1; i < NF; i++) if ($i == "dev" && $(i + 1) == d) { print; break } }')
  fi
}

# --- read the metadata (everything before any change) ---
md_connect
PRIMARY_MAC=$(md_get mac | tr 'A-F' 'a-f')
[[ $PRIMARY_MAC =~ $MAC_RE ]] || md_fail "metadata item mac is not a MAC address"
ENIS=()
macs=$(md_get network/interfaces/macs/)
for m in $macs; do
  m=$(printf '%s' "\${m%/}" | tr 'A-F' 'a-f')
  [[ $m =~ $MAC_RE ]] || md_fail "network/interfaces/macs/ lists $m, not a MAC address"
  # Never the primary ENI: its addresses and routes belong to the image's own configuration.
  [ "$m" != "$PRIMARY_MAC" ] || continue
  at="network/interfaces/macs/$m"
  id=$(md_get "$at/network-interface-id")
  [[ $id =~ ^eni-[a-z0-9]+$ ]] || md_fail "$at/network-interface-id is not an ENI id"
  cidr=$(md_get "$at/vswitch-cidr-block")
  [[ $cidr =~ ^([0-9]{1,3}[.]){3}[0-9]{1,3}/[0-9]{1,2}$ ]] || md_fail "$at/vswitch-cidr-block is not a CIDR block"
  gw=$(md_get "$at/gateway")
  [[ $gw =~ $IPV4_RE ]] || md_fail "$at/gateway is not an IPv4 address"
  primary=$(md_get "$at/primary-ip-address")
  [[ $primary =~ $IPV4_RE ]] || md_fail "$at/primary-ip-address is not an IPv4 address"
  ips=$primary
  list=$(md_get "$at/private-ipv4s")
  for ip in $(printf '%s' "$list" | tr -d '[]" ' | tr ',' ' '); do
    [[ $ip =~ $IPV4_RE ]] || md_fail "$at/private-ipv4s lists $ip, not an IPv4 address"
    [ "$ip" = "$primary" ] || ips="$ips $ip"
  done
  ENIS+=("$id $m \${cidr%/*} \${cidr#*/} $gw $ips")
done

# --- bring each ENI to what the metadata says ---
for e in "\${ENIS[@]}"; do
  read -r id mac net plen gw ips <<< "$e"
  dev=$(eni_dev "$mac")
  if [ -z "$dev" ]; then
    note "ENI $id ($mac) is attached but no interface has its MAC yet; the next run configures it"
    continue
  fi
  [ -z "$ONLY_DEV" ] || [ "$dev" = "$ONLY_DEV" ] || continue
  if left_alone "$mac" "$dev"; then
    [ -z "\${JOURNAL_STREAM:-}" ] && log "leaving $dev ($mac, ENI $id) alone, as the bundle says"
    continue
  fi
  if ! tp=$(eni_table "$mac" "$dev"); then
    note "warning: $dev (ENI $id) is not in the bundle and not named ethN: no route table to give it; leaving it"
    continue
  fi
  # shellcheck disable=SC2086 # the addresses, split on purpose
  sync_eni "$id" "$mac" "$dev" "$net" "$plen" "$gw" \${tp% *} \${tp#* } $ips
done

if [ "$DRY_RUN" = 1 ]; then
  printf 'dry run: %s change(s) would be made\\n' "$CHANGES"
elif [ "$CHANGES" -eq 0 ] && [ -z "\${JOURNAL_STREAM:-}" ]; then
  printf 'in sync with the instance metadata (%s secondary ENI(s))\\n' "\${#ENIS[@]}"
fi
`;

function agentScript(spec: NormalizedSpec, specSha256: string): string {
  const agent = spec.agent!;
  const known = spec.interfaces.map((e) => `${e.mac},${e.routeTable},${e.addresses[0]!.priority}`).join(" ");
  const addrs = spec.interfaces.flatMap((e) => e.addresses.map((a) => `${a.ip},${a.priority}`)).join(" ");
  return withLibrary([
    header({
      name: NETD_PATH,
      os: spec.os,
      specSha256,
      purpose: [
        "eipilot-netd: brings the secondary ENIs' addresses, route tables and source rules to what the",
        "instance metadata service says (ENIs attached, addresses assigned or unassigned in the cloud).",
        "Never the primary ENI, never an interface this bundle leaves alone. Safe to run again.",
        "Usage: eipilot-netd [--dry-run] [--device DEVICE]   (run by eipilot-netd.timer and a udev rule)",
      ],
    }),
    "set -euo pipefail",
    LIBRARY,
    "# From the bundle's spec: its ENIs (MAC,table,first rule priority), their addresses' priorities, what to leave alone.",
    `KNOWN_ENIS='${known}'`,
    `KNOWN_ADDRS='${addrs}'`,
    `LEAVE_ALONE='${agent.leaveAlone.join(" ")}'`,
    `ALLOW_NORMAL_MODE=${agent.metadataAccess === "hardened-or-normal" ? 1 : 0}`,
    AGENT,
  ]);
}

function unitFiles(): PersistentFile[] {
  const service = [
    generatedBy("#", "the guest agent that follows the instance metadata").trimEnd(),
    "[Unit]",
    "Description=EIPilot: bring secondary ENIs to what the instance metadata says",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${NETD_PATH}`,
    "",
  ].join("\n");
  const timer = [
    generatedBy("#", "runs the guest agent regularly").trimEnd(),
    "[Unit]",
    `Description=EIPilot: check the instance metadata every ${NETD_INTERVAL_SECONDS} s`,
    "",
    "[Timer]",
    "OnBootSec=15s",
    `OnUnitActiveSec=${NETD_INTERVAL_SECONDS}s`,
    "AccuracySec=1s",
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
  const udev = [
    generatedBy("#", "runs the guest agent when a network interface appears (an ENI attached)").trimEnd(),
    `ACTION=="add", SUBSYSTEM=="net", KERNEL!="lo", RUN+="/bin/systemctl --no-block start ${NETD_SERVICE}"`,
    "",
  ].join("\n");
  return [
    { path: `/etc/systemd/system/${NETD_SERVICE}`, mode: "0644", content: service },
    { path: `/etc/systemd/system/${NETD_TIMER}`, mode: "0644", content: timer },
    { path: NETD_UDEV_RULE, mode: "0644", content: udev },
  ];
}

const LIVE = 'if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then';

/** Adds the agent (when the spec asks for it) to a family's plan: its program, units, udev rule; the timer enabled and started. */
export function withAgent(plan: FamilyPlan, spec: NormalizedSpec, specSha256: string): FamilyPlan {
  if (!spec.agent) return plan;
  return {
    ...plan,
    files: [...plan.files, { path: NETD_PATH, mode: "0755", content: agentScript(spec, specSha256) }, ...unitFiles()],
    postInstall: [
      ...plan.postInstall,
      `enable_unit ${NETD_TIMER} timers.target`,
      `${LIVE} systemctl restart ${NETD_TIMER} || true; udevadm control --reload 2>/dev/null || true; fi`,
    ],
    postRollback: [
      ...plan.postRollback,
      `${LIVE} if [ ! -e /etc/systemd/system/${NETD_TIMER} ]; then systemctl stop ${NETD_TIMER} || true; systemctl daemon-reload || true; fi; fi`,
    ],
  };
}
