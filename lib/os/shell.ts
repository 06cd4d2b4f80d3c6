import type { NormalizedEni, NormalizedSpec } from "./spec.schema";

// The bash that apply.sh, verify.sh, rollback.sh and the boot-time persist
// script share. Only validated values (IPv4 addresses, integers, device names
// matching DEVICE_RE, lower-case MACs) are ever interpolated into it.

export const GENERATOR_VERSION = "1.1.0";

export const STATE_DIR = "/var/lib/eipilot";
export const PERSIST_SCRIPT = "/usr/local/sbin/eipilot-routes.sh";

export type ScriptHeader = { name: string; purpose: string[]; os: string; specSha256: string };

export function header(h: ScriptHeader): string {
  return [
    "#!/usr/bin/env bash",
    `# ${h.name} - EIPilot guest-OS bundle ${GENERATOR_VERSION}, os=${h.os}`,
    `# spec sha256 ${h.specSha256}`,
    ...h.purpose.map((l) => `# ${l}`),
    "# Generated file: regenerate the bundle instead of editing it.",
    "",
    "# Started as `sh script.sh`? Run again under bash, which the script needs.",
    'if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi',
    "",
  ].join("\n");
}

/**
 * Shared functions. Files are only written under ${ROOT:-/}; ip/sysctl act on the current network namespace.
 * Blocks are separated by blank lines; library() gives each script only the blocks it uses.
 */
const LIBRARY_TEXT = `
export LC_ALL=C

ROOT="\${ROOT:-/}"
ROOT="\${ROOT%/}"

STATE_DIR="$ROOT${STATE_DIR}"

RECORD=""

log() { printf 'eipilot: %s\\n' "$*" >&2; }

die() { log "error: $*"; exit 1; }

# The interface that carries MAC $1 (lower case). ENIs are found by MAC, never trusted by name.
eni_dev() {
  ip -o link show | awk -v mac="$1" '{
    for (i = 1; i < NF; i++) if (!found && $i == "link/ether" && tolower($(i + 1)) == mac) {
      n = $2; sub(/:$/, "", n); sub(/@.*/, "", n); print n; found = 1
    }
  }'
}

# The interface(s) holding IPv4 address $1, one per line.
addr_owners() {
  ip -4 -o addr show | awk -v a="$1" '{ split($4, p, "/"); if ($3 == "inet" && p[1] == a) print $2 }'
}

# (No grep -q or early awk exit after a pipe anywhere: with pipefail, SIGPIPE in ip would fail the script.)
has_addr() { addr_owners "$2" | grep -xF -- "$1" >/dev/null; }

# How many rules "PRIO: from IP lookup TABLE" exist (exact fields, no regex).
rule_count() {
  ip -4 rule show | awk -v p="$1:" -v f="$2" -v t="$3" '$1 == p && $2 == "from" && $3 == f && $4 == "lookup" && $5 == t { n++ } END { print n + 0 }'
}

# Administratively up (the UP flag), whether or not a cable/peer is there.
link_is_up() { ip -o link show dev "$1" 2>/dev/null | grep '[<,]UP[,>]' >/dev/null; }

table_has_default() {
  ip -4 route show table "$1" 2>/dev/null | awk -v g="$2" -v d="$3" '$1 == "default" && $2 == "via" && $3 == g && $4 == "dev" && $5 == d { f = 1 } END { exit !f }'
}

table_has_subnet() {
  ip -4 route show table "$1" 2>/dev/null | awk -v n="$2" -v d="$3" '$1 == n && $2 == "dev" && $3 == d { f = 1 } END { exit !f }'
}

route_get_dev() {
  ip -4 route get "$1" from "$2" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if (!f && $i == "dev") { print $(i + 1); f = 1 } }'
}

state_has() { [ -f "$STATE_DIR/$1" ] && grep -qxF -- "$2" "$STATE_DIR/$1"; }

# Remember something apply.sh changed so rollback.sh can undo exactly that (no-op in the boot script).
record() {
  [ -n "$RECORD" ] || return 0
  mkdir -p "$STATE_DIR"
  state_has "$1" "$2" || printf '%s\\n' "$2" >> "$STATE_DIR/$1"
}

# What this revision keeps (whether it added it now or an earlier revision did): apply.sh prunes the rest.
desire() {
  [ -n "$RECORD" ] || return 0
  mkdir -p "$STATE_DIR/tmp/want"
  printf '%s\\n' "$2" >> "$STATE_DIR/tmp/want/$1"
}

# Only replay state lines made of characters apply.sh itself writes.
lines() { [ -f "$STATE_DIR/$1" ] || return 0; grep -vE '[^-A-Za-z0-9_./: ]' "$STATE_DIR/$1" || true; }

sysctl_path() { printf '/proc/sys/%s' "$(printf '%s' "$1" | tr . /)"; }

set_sysctl() {
  local p cur
  p=$(sysctl_path "$1")
  if [ ! -w "$p" ]; then log "warning: cannot set $1"; return 0; fi
  cur=$(cat "$p")
  desire sysctl "$1"
  if [ -n "$RECORD" ] && ! awk -v k="$1" '$1 == k { f = 1 } END { exit !f }' "$STATE_DIR/sysctl" 2>/dev/null; then
    record sysctl "$1 $cur"
  fi
  [ "$cur" = "$2" ] || printf '%s\\n' "$2" > "$p"
}

# Checks before anything changes: every ENI present, no address sitting on another interface.
# Usage: [PRIMARY_ENI=1] preflight_eni MAC DEVICE IP... (the primary ENI is never a "managed" device)
PRIMARY_ENI=""
preflight_eni() {
  local mac=$1 want=$2 dev ip owner
  shift 2
  dev=$(eni_dev "$mac")
  [ -n "$dev" ] || die "no interface has MAC $mac (expected $want); attach the ENI first"
  if [ "$dev" != "$want" ]; then
    log "warning: MAC $mac is $dev, not $want; configuring $dev live (persistent files name $want)"
  fi
  [ "$PRIMARY_ENI" = 1 ] || MANAGED_DEVS="\${MANAGED_DEVS:-} $dev"
  for ip in "$@"; do
    for owner in $(addr_owners "$ip"); do
      [ "$owner" = "$dev" ] && continue
      # Put there by an earlier revision of this bundle: pruned once this revision is in place.
      lines addrs | awk -v o="$owner" -v a="$ip/" '$1 == o && index($2, a) == 1 { f = 1 } END { exit !f }' && continue
      die "$ip is configured on $owner, expected on $dev ($mac); remove it there first"
    done
  done
}

# Live configuration of one ENI; idempotent, no network service involved.
# Usage: configure_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY...
configure_eni() {
  local mac=$1 plen=$3 net=$4 gw=$5 table=$6 dev a ip pref n src=""
  shift 6
  dev=$(eni_dev "$mac")
  [ -n "$dev" ] || die "no interface has MAC $mac"
  if ! link_is_up "$dev"; then
    ip link set dev "$dev" up
    record links "$dev"
  fi
  desire links "$dev"
  # Loose reverse-path filtering (strict mode drops asymmetric traffic) and no ARP flux.
  set_sysctl "net.ipv4.conf.$dev.rp_filter" 2
  set_sysctl "net.ipv4.conf.$dev.arp_ignore" 1
  set_sysctl "net.ipv4.conf.$dev.arp_announce" 2
  for a in "$@"; do
    ip=\${a%%:*}
    [ -n "$src" ] || src=$ip
    if ! has_addr "$dev" "$ip"; then
      # noprefixroute: the subnet route goes to the ENI's own table, the main table stays as it was.
      if ! ip -4 addr add "$ip/$plen" dev "$dev" noprefixroute 2>/dev/null; then
        log "warning: kernel refused noprefixroute; adding $ip/$plen with a main-table prefix route"
        ip -4 addr add "$ip/$plen" dev "$dev"
      fi
      record addrs "$dev $ip/$plen"
    fi
    desire addrs "$dev $ip/$plen"
  done
  ip -4 route replace "$net/$plen" dev "$dev" proto static scope link src "$src" table "$table"
  record routes "$net/$plen dev $dev table $table"
  desire routes "$net/$plen dev $dev table $table"
  ip -4 route replace default via "$gw" dev "$dev" proto static table "$table"
  record routes "default via $gw dev $dev table $table"
  desire routes "default via $gw dev $dev table $table"
  for a in "$@"; do
    ip=\${a%%:*}
    pref=\${a##*:}
    n=$(rule_count "$pref" "$ip" "$table")
    if [ "$n" -eq 0 ]; then
      ip -4 rule add from "$ip" lookup "$table" priority "$pref"
      record rules "$pref $ip $table"
    fi
    desire rules "$pref $ip $table"
    while [ "$n" -gt 1 ]; do
      log "removing a duplicate rule: $pref from $ip lookup $table"
      ip -4 rule del from "$ip" lookup "$table" priority "$pref"
      n=$((n - 1))
    done
  done
}

# The primary ENI in primary mode: only its secondary addresses, in the main table like its primary IP.
# Usage: configure_primary_eni MAC PREFIX IP...
configure_primary_eni() {
  local mac=$1 plen=$2 dev ip
  shift 2
  dev=$(eni_dev "$mac")
  [ -n "$dev" ] || die "no interface has MAC $mac"
  for ip in "$@"; do
    if ! has_addr "$dev" "$ip"; then
      # noprefixroute: the primary IP's prefix route (from DHCP) stays the one the main table uses.
      if ! ip -4 addr add "$ip/$plen" dev "$dev" noprefixroute 2>/dev/null; then
        ip -4 addr add "$ip/$plen" dev "$dev"
      fi
      record addrs "$dev $ip/$plen"
    fi
    desire addrs "$dev $ip/$plen"
  done
}

# Undo one recorded change; the argument is the line record() wrote.
undo_rules() {
  local pref ip table
  read -r pref ip table <<< "$1"
  while [ "$(rule_count "$pref" "$ip" "$table")" -gt 0 ]; do ip -4 rule del from "$ip" lookup "$table" priority "$pref" || break; done
}

# shellcheck disable=SC2086 # a route written by apply.sh, split on purpose
undo_routes() { ip -4 route del $1 2>/dev/null || true; }

undo_addrs() {
  local dev cidr
  read -r dev cidr <<< "$1"
  ip -4 addr del "$cidr" dev "$dev" 2>/dev/null || true
}

undo_links() { ip link set dev "$1" down 2>/dev/null || true; }

undo_sysctl() {
  local key value p
  read -r key value <<< "$1"
  p=$(sysctl_path "$key")
  if [ -w "$p" ]; then printf '%s\\n' "$value" > "$p"; fi
}

undo_rclocal() {
  local f="$ROOT$1"
  [ -f "$f" ] || return 0
  awk '$0 == "# BEGIN EIPilot policy routing" { skip = 1 } !skip { print } $0 == "# END EIPilot policy routing" { skip = 0 }' "$f" > "$f.eipilot.tmp"
  cat "$f.eipilot.tmp" > "$f"
  rm -f "$f.eipilot.tmp"
}

undo_chmodx() { [ ! -f "$ROOT$1" ] || chmod -x "$ROOT$1"; }

undo_files() {
  local kind path
  read -r kind path <<< "$1"
  case $kind in
    created) rm -f "$ROOT$path" ;;
    backup) if [ -e "$STATE_DIR/backup$path" ]; then rm -f "$ROOT$path"; cp -a "$STATE_DIR/backup$path" "$ROOT$path"; fi ;;
  esac
}

# Usage: undo KIND LINE (a kind of state file and one of its lines).
undo() {
  case $1 in
    rules) undo_rules "$2" ;;
    routes) undo_routes "$2" ;;
    addrs) undo_addrs "$2" ;;
    links) undo_links "$2" ;;
    sysctl) undo_sysctl "$2" ;;
    rclocal) undo_rclocal "$2" ;;
    chmodx) undo_chmodx "$2" ;;
    files) undo_files "$2" ;;
    *) log "warning: unknown state kind $1" ;;
  esac
}

# NetworkManager is running: load EIPilot's profile for one secondary ENI and make it that ENI's
# active connection (a DHCP profile left active on it could bring back a main-table default route
# until the next reboot). Only that ENI is touched.
# Usage: nm_activate FILE UUID MAC
nm_activate() {
  local file=$1 uuid=$2 mac=$3 dev active
  dev=$(eni_dev "$mac")
  [ -n "$dev" ] || return 0
  if ! nmcli connection load "$file"; then
    log "warning: nmcli could not load $file"
    return 0
  fi
  active=$(nmcli -t -f UUID,DEVICE connection show --active | awk -F: -v d="$dev" '$2 == d { print $1 }')
  # Already active: activated again only when the profile changed ('nmcli device reapply' would leave
  # the table routes of an address the profile no longer has).
  if [ "$active" = "$uuid" ]; then
    if [ ! -f "$STATE_DIR/tmp/changed" ] || ! grep -qxF -- "$file" "$STATE_DIR/tmp/changed"; then return 0; fi
  fi
  if nmcli connection up uuid "$uuid" ifname "$dev" >/dev/null; then
    log "NetworkManager: EIPilot's profile is active on $dev\${active:+ (instead of connection $active)}"
  else
    log "warning: NetworkManager could not activate $file on $dev; its connection stays as it is until reboot"
  fi
}

# rollback.sh: EIPilot's profile is gone from disk, so NetworkManager must not keep it (nor keep it active).
# Usage: nm_forget FILE UUID
nm_forget() {
  local file=$1 uuid=$2
  [ ! -e "$file" ] || return 0
  if nmcli -g UUID connection show | awk -v u="$uuid" '$0 == u { f = 1 } END { exit !f }'; then
    nmcli connection delete uuid "$uuid" >/dev/null || log "warning: nmcli could not remove profile $uuid"
  fi
}

# DHCP on a secondary ENI can add a second main-table default route that steals the
# primary ENI's traffic. Remove such routes, but only while another default route remains.
drop_secondary_defaults() {
  local dev line keep
  keep=$(ip -4 route show table main exact 0.0.0.0/0 | awk -v m="$MANAGED_DEVS" '
    BEGIN { split(m, d, " "); for (k in d) own[d[k]] = 1 }
    { for (i = 1; i < NF; i++) if ($i == "dev" && !($(i + 1) in own)) { n++; break } } END { print n + 0 }')
  for dev in $MANAGED_DEVS; do
    ip -4 route show table main exact 0.0.0.0/0 | awk -v d="$dev" '{ for (i = 1; i < NF; i++) if ($i == "dev" && $(i + 1) == d) { print; break } }' |
      while read -r line; do
        if [ "$keep" -eq 0 ]; then
          log "warning: the only default route goes via secondary ENI $dev; leaving it"
          continue
        fi
        log "removing main-table default route via secondary ENI: $line"
        # shellcheck disable=SC2086 # a route line from iproute2, split on purpose
        ip -4 route del $line
        record mainroutes "$line"
      done
  done
}
`;

type LibraryBlock = { text: string; defines: string[] };

/** LIBRARY_TEXT cut at blank lines; each block names the functions and variables it defines. */
const BLOCKS: LibraryBlock[] = LIBRARY_TEXT.split(/\n\n+/)
  .map((b) => b.trim())
  .filter(Boolean)
  .map((text) => ({
    text,
    defines: [...text.matchAll(/^(?:([A-Za-z_][A-Za-z0-9_]*)\(\) \{|([A-Z_]+)=)/gm)].map((m) => m[1] ?? m[2]!),
  }));

const usesName = (text: string, name: string) =>
  /^[A-Z_]+$/.test(name)
    ? new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(text) // a variable is used where it is read
    : new RegExp(`(?<![A-Za-z0-9_$-])${name}(?![A-Za-z0-9_-])`).test(text);

/** Where a script's parts (see withLibrary) take the shared functions. */
export const LIBRARY = "\0eipilot-library\0";

/**
 * Joins a script's parts, putting at LIBRARY the library blocks the parts after it use, directly
 * or through another included block. A function the script never calls would be dead code
 * (shellcheck SC2317), a variable it never reads an SC2034 warning.
 */
export function withLibrary(parts: string[]): string {
  const at = parts.indexOf(LIBRARY);
  if (at < 0) return parts.join("\n");
  const script = parts.slice(at + 1).join("\n");
  const included = new Set<LibraryBlock>(BLOCKS.filter((b) => b.defines.length === 0));
  for (let grew = true; grew;) {
    grew = false;
    for (const b of BLOCKS) {
      if (included.has(b)) continue;
      const users = [script, ...[...included].map((o) => o.text)];
      if (b.defines.some((name) => users.some((t) => usesName(t, name)))) {
        included.add(b);
        grew = true;
      }
    }
  }
  const lib =
    "\n" +
    BLOCKS.filter((b) => included.has(b))
      .map((b) => b.text)
      .join("\n\n") +
    "\n";
  return [...parts.slice(0, at), lib, ...parts.slice(at + 1)].join("\n");
}

/** `IP:PRIORITY` arguments for configure_eni. */
export function addrArgs(eni: NormalizedEni): string {
  return eni.addresses.map((a) => `'${a.ip}:${a.priority}'`).join(" ");
}

export function eniArgs(eni: NormalizedEni): string {
  return `'${eni.mac}' '${eni.device}' ${eni.prefixLength} '${eni.network}' '${eni.gateway}' ${eni.routeTable}`;
}

/** The live part, used by apply.sh and (without state recording) by the boot-time persist script. */
export function liveSection(spec: NormalizedSpec): string {
  const p = spec.primaryEni;
  const primaryIps = p ? p.addresses.map((a) => `'${a.ip}'`).join(" ") : "";
  return [
    'MANAGED_DEVS=""',
    ...(p ? [`PRIMARY_ENI=1 preflight_eni '${p.mac}' '${p.device}' ${primaryIps}`] : []),
    ...spec.interfaces.map(
      (e) => `preflight_eni '${e.mac}' '${e.device}' ${e.addresses.map((a) => `'${a.ip}'`).join(" ")}`,
    ),
    "# Against ARP flux: only answer ARP for addresses on the receiving interface, announce the best local source.",
    "set_sysctl net.ipv4.conf.all.arp_ignore 1",
    "set_sysctl net.ipv4.conf.all.arp_announce 2",
    ...(p ? [`configure_primary_eni '${p.mac}' ${p.prefixLength} ${primaryIps}`] : []),
    ...spec.interfaces.map((e) => `configure_eni ${eniArgs(e)} ${addrArgs(e)}`),
    ...(spec.interfaces.length ? ["drop_secondary_defaults"] : []),
  ].join("\n");
}
