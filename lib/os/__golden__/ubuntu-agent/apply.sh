#!/usr/bin/env bash
# apply.sh - EIPilot guest-OS bundle 1.1.0, os=ubuntu
# spec sha256 f618da6217f509fe9af43c8c792947c66b93c4ae6586b62e16bd925d89b13a98
# Adds the ENI addresses, per-ENI route tables and source rules live (no network
# service restart), then installs the persistent files. Safe to run again.
# Usage: sudo ./apply.sh   (ROOT=/some/dir puts every written file under that directory)
# Generated file: regenerate the bundle instead of editing it.

# Started as `sh script.sh`? Run again under bash, which the script needs.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -euo pipefail
umask 022

export LC_ALL=C

ROOT="${ROOT:-/}"
ROOT="${ROOT%/}"

STATE_DIR="$ROOT/var/lib/eipilot"

RECORD=""

log() { printf 'eipilot: %s\n' "$*" >&2; }

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

state_has() { [ -f "$STATE_DIR/$1" ] && grep -qxF -- "$2" "$STATE_DIR/$1"; }

# Remember something apply.sh changed so rollback.sh can undo exactly that (no-op in the boot script).
record() {
  [ -n "$RECORD" ] || return 0
  mkdir -p "$STATE_DIR"
  state_has "$1" "$2" || printf '%s\n' "$2" >> "$STATE_DIR/$1"
}

# What this revision keeps (whether it added it now or an earlier revision did): apply.sh prunes the rest.
desire() {
  [ -n "$RECORD" ] || return 0
  mkdir -p "$STATE_DIR/tmp/want"
  printf '%s\n' "$2" >> "$STATE_DIR/tmp/want/$1"
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
  [ "$cur" = "$2" ] || printf '%s\n' "$2" > "$p"
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
  [ "$PRIMARY_ENI" = 1 ] || MANAGED_DEVS="${MANAGED_DEVS:-} $dev"
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
    ip=${a%%:*}
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
    ip=${a%%:*}
    pref=${a##*:}
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
  if [ -w "$p" ]; then printf '%s\n' "$value" > "$p"; fi
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


# Install one persistent file under $ROOT; back up a different file we did not create.
install_file() {
  local mode=$1 path=$2 dst tmp
  desire files "$path"
  dst="$ROOT$path"
  mkdir -p "$STATE_DIR/tmp" "$(dirname "$dst")"
  tmp=$(mktemp "$STATE_DIR/tmp/file.XXXXXX")
  cat > "$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$dst" ] && cmp -s "$tmp" "$dst"; then
    rm -f "$tmp"
    chmod "$mode" "$dst"
    return 0
  fi
  if [ -e "$dst" ] || [ -L "$dst" ]; then
    if ! state_has files "created $path" && ! state_has files "backup $path"; then
      mkdir -p "$(dirname "$STATE_DIR/backup$path")"
      cp -a "$dst" "$STATE_DIR/backup$path"
      record files "backup $path"
    fi
  elif ! state_has files "backup $path"; then
    record files "created $path"
  fi
  mv -f "$tmp" "$dst"
  printf '%s\n' "$path" >> "$STATE_DIR/tmp/changed"
  log "installed $path"
}

# Enable a systemd unit the way systemctl enable does, so it also works inside a sandboxed $ROOT.
# Usage: enable_unit UNIT [TARGET] (default multi-user.target)
enable_unit() {
  local wants="/etc/systemd/system/${2:-multi-user.target}.wants/$1"
  local link="$ROOT$wants"
  desire files "$wants"
  mkdir -p "$(dirname "$link")"
  if [ ! -L "$link" ]; then
    ln -s "/etc/systemd/system/$1" "$link"
    record files "created $wants"
  fi
  if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
}

# Legacy persistence (the source document's way): a marked block in rc.local.
install_rclocal() {
  local path=$1 f
  f="$ROOT$path"
  desire files "$path"
  desire rclocal "$path"
  desire chmodx "$path"
  mkdir -p "$(dirname "$f")"
  if [ ! -e "$f" ]; then
    printf '#!/bin/sh\n' > "$f"
    record files "created $path"
  fi
  if ! grep -qxF '# BEGIN EIPilot policy routing' "$f"; then
    awk -v cmd="/usr/local/sbin/eipilot-routes.sh" '
      !done && $0 == "exit 0" { print "# BEGIN EIPilot policy routing"; print cmd " || true"; print "# END EIPilot policy routing"; done = 1 }
      { print }
      END { if (!done) { print "# BEGIN EIPilot policy routing"; print cmd " || true"; print "# END EIPilot policy routing" } }' "$f" > "$f.eipilot.tmp"
    cat "$f.eipilot.tmp" > "$f"
    rm -f "$f.eipilot.tmp"
    record rclocal "$path"
  fi
  if [ ! -x "$f" ]; then
    chmod +x "$f"
    record chmodx "$path"
  fi
}

# An earlier revision's changes that this one does not want: undone, live and on disk, and forgotten.
# Records stay relative to the state before EIPilot, so rollback.sh --all still restores that state.
prune_stale() {
  local kind line key
  for kind in rules routes addrs links sysctl rclocal chmodx files; do
    [ -f "$STATE_DIR/$kind" ] || continue
    : > "$STATE_DIR/tmp/keep"
    while IFS= read -r line; do
      case $kind in
        sysctl) key=${line%% *} ;;
        files) key=${line#* } ;;
        *) key=$line ;;
      esac
      if [ -f "$STATE_DIR/tmp/want/$kind" ] && grep -qxF -- "$key" "$STATE_DIR/tmp/want/$kind"; then
        printf '%s
' "$line" >> "$STATE_DIR/tmp/keep"
        continue
      fi
      undo "$kind" "$line"
      if [ "$kind" = files ]; then
        : > "$STATE_DIR/tmp/pruned-files"
        rm -rf "$STATE_DIR/backup${key}"
      fi
      log "removed what an earlier revision added: $kind $line"
    done < <(lines "$kind")
    mv -f "$STATE_DIR/tmp/keep" "$STATE_DIR/$kind"
    [ -s "$STATE_DIR/$kind" ] || rm -f "$STATE_DIR/$kind"
  done
}

# The revisions applied on this guest, oldest first, each with its apply.sh so that rollback.sh
# of the next one can return to it.
push_revision() {
  local top
  mkdir -p "$STATE_DIR/revisions"
  top=$(tail -n 1 "$STATE_DIR/revisions/stack" 2>/dev/null || true)
  [ "$top" != "$SPEC_SHA256" ] || return 0
  if [ -f "$0" ] && grep -qxF "# spec sha256 $SPEC_SHA256" "$0"; then
    cp "$0" "$STATE_DIR/revisions/$SPEC_SHA256.apply.sh"
  else
    log "warning: cannot keep a copy of this apply.sh (run it from a file); a later rollback.sh cannot return to it"
  fi
  printf '%s
' "$SPEC_SHA256" >> "$STATE_DIR/revisions/stack"
}

# Warn about other configuration that names the same ENI and may shadow ours.
warn_shadows() {
  local mac=$1 dev=$2 own=$3 f
  shift 3
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$f" = "$ROOT$own" ] && continue
    if grep -qiE -e "$mac" -e "(^|[^a-zA-Z0-9_-])$dev([^a-zA-Z0-9_-]|$)" "$f"; then
      log "warning: ${f#"$ROOT"} also configures $dev ($mac) and may override EIPilot's file; see README.md"
    fi
  done
}

RECORD=1
[ "$(id -u)" = 0 ] || die "run as root"
command -v ip >/dev/null || die "iproute2 (ip) is required"
mkdir -p "$STATE_DIR"
SPEC_SHA256=f618da6217f509fe9af43c8c792947c66b93c4ae6586b62e16bd925d89b13a98
rm -rf "$STATE_DIR/tmp"

# --- live configuration ---
MANAGED_DEVS=""
preflight_eni '00:16:3e:12:34:56' 'eth1' '172.16.0.57' '172.16.0.77' '172.16.0.78'
# Against ARP flux: only answer ARP for addresses on the receiving interface, announce the best local source.
set_sysctl net.ipv4.conf.all.arp_ignore 1
set_sysctl net.ipv4.conf.all.arp_announce 2
configure_eni '00:16:3e:12:34:56' 'eth1' 24 '172.16.0.0' '172.16.0.253' 1001 '172.16.0.57:30000' '172.16.0.77:30001' '172.16.0.78:30002'
drop_secondary_defaults

# --- persistent configuration ---
warn_shadows '00:16:3e:12:34:56' 'eth1' '/etc/netplan/90-eipilot.yaml' "$ROOT"/etc/netplan/*.yaml "$ROOT"/etc/netplan/*.yml
install_file 0600 '/etc/netplan/90-eipilot.yaml' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: secondary ENIs with per-ENI route tables. Regenerate instead of editing.
network:
  version: 2
  ethernets:
    eth1:
      match:
        macaddress: "00:16:3e:12:34:56"
      dhcp4: false
      dhcp6: false
      accept-ra: false
      # addresses: 172.16.0.57, 172.16.0.77, 172.16.0.78 in /etc/systemd/network/10-netplan-eth1.network.d/90-eipilot.conf
      routes:
        - to: 172.16.0.0/24
          scope: link
          from: 172.16.0.57
          table: 1001
        - to: 0.0.0.0/0
          via: 172.16.0.253
          table: 1001
      routing-policy:
        - from: 172.16.0.57
          table: 1001
          priority: 30000
        - from: 172.16.0.77
          table: 1001
          priority: 30001
        - from: 172.16.0.78
          table: 1001
          priority: 30002
EIPILOT_EOF
install_file 0644 '/etc/systemd/network/10-netplan-eth1.network.d/90-eipilot.conf' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: addresses of secondary ENI eth1 (00:16:3e:12:34:56), without main-table prefix routes. Regenerate instead of editing.

[Address]
Address=172.16.0.57/24
AddPrefixRoute=no

[Address]
Address=172.16.0.77/24
AddPrefixRoute=no

[Address]
Address=172.16.0.78/24
AddPrefixRoute=no
EIPILOT_EOF
install_file 0644 '/etc/systemd/networkd.conf.d/90-eipilot.conf' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: keep systemd-networkd from deleting policy rules it did not create. Regenerate instead of editing.
[Network]
ManageForeignRoutingPolicyRules=no
EIPILOT_EOF
install_file 0644 '/etc/sysctl.d/90-eipilot.conf' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: kernel settings for policy routing on secondary ENIs. Regenerate instead of editing.
# Against ARP flux when several ENIs share a subnet.
net.ipv4.conf.all.arp_ignore = 1
net.ipv4.conf.all.arp_announce = 2
# eth1 (00:16:3e:12:34:56): loose reverse-path filter, ARP only for its own addresses.
net.ipv4.conf.eth1.rp_filter = 2
net.ipv4.conf.eth1.arp_ignore = 1
net.ipv4.conf.eth1.arp_announce = 2
EIPILOT_EOF
install_file 0644 '/etc/cloud/cloud.cfg.d/90-eipilot.cfg' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: keep cloud-init from re-rendering the secondary ENIs' network configuration at every boot. Regenerate instead of editing.
# Network configuration is still rendered on a new instance's first boot (the primary ENI keeps
# working); later boots and hotplug events leave the files EIPilot installed alone.
updates:
  network:
    when: [boot-new-instance]
EIPILOT_EOF
install_file 0755 '/usr/local/sbin/eipilot-netd' <<'EIPILOT_EOF'
#!/usr/bin/env bash
# /usr/local/sbin/eipilot-netd - EIPilot guest-OS bundle 1.1.0, os=ubuntu
# spec sha256 f618da6217f509fe9af43c8c792947c66b93c4ae6586b62e16bd925d89b13a98
# eipilot-netd: brings the secondary ENIs' addresses, route tables and source rules to what the
# instance metadata service says (ENIs attached, addresses assigned or unassigned in the cloud).
# Never the primary ENI, never an interface this bundle leaves alone. Safe to run again.
# Usage: eipilot-netd [--dry-run] [--device DEVICE]   (run by eipilot-netd.timer and a udev rule)
# Generated file: regenerate the bundle instead of editing it.

# Started as `sh script.sh`? Run again under bash, which the script needs.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -euo pipefail

export LC_ALL=C

ROOT="${ROOT:-/}"
ROOT="${ROOT%/}"

STATE_DIR="$ROOT/var/lib/eipilot"

RECORD=""

log() { printf 'eipilot: %s\n' "$*" >&2; }

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

state_has() { [ -f "$STATE_DIR/$1" ] && grep -qxF -- "$2" "$STATE_DIR/$1"; }

# Remember something apply.sh changed so rollback.sh can undo exactly that (no-op in the boot script).
record() {
  [ -n "$RECORD" ] || return 0
  mkdir -p "$STATE_DIR"
  state_has "$1" "$2" || printf '%s\n' "$2" >> "$STATE_DIR/$1"
}

# Only replay state lines made of characters apply.sh itself writes.
lines() { [ -f "$STATE_DIR/$1" ] || return 0; grep -vE '[^-A-Za-z0-9_./: ]' "$STATE_DIR/$1" || true; }

sysctl_path() { printf '/proc/sys/%s' "$(printf '%s' "$1" | tr . /)"; }

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
  if [ -w "$p" ]; then printf '%s\n' "$value" > "$p"; fi
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

# From the bundle's spec: its ENIs (MAC,table,first rule priority), their addresses' priorities, what to leave alone.
KNOWN_ENIS='00:16:3e:12:34:56,1001,30000'
KNOWN_ADDRS='172.16.0.57,30000 172.16.0.77,30001 172.16.0.78,30002'
LEAVE_ALONE='eth3 00:16:3e:99:00:03'
ALLOW_NORMAL_MODE=0

usage() { printf 'usage: %s [--dry-run] [--device DEVICE]\n' "$0" >&2; exit 2; }
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
  if [ -z "${JOURNAL_STREAM:-}" ] && command -v logger >/dev/null; then logger -t eipilot-netd -- "$*" || true; fi
}

# Makes (or, with --dry-run, prints) one change.
change() {
  CHANGES=$((CHANGES + 1))
  if [ "$DRY_RUN" = 1 ]; then
    printf 'would run: %s\n' "$*"
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
  out=$(curl -sS --max-time 3 -w '\n%{http_code}' -X PUT -H "X-aliyun-ecs-metadata-token-ttl-seconds: 300" "$MD_URL/api/token" 2>&1) || rc=$?
  if [ "$rc" -ne 0 ]; then
    out=${out%$'\n'*}
    out=${out%$'\n'}
    md_fail "the instance metadata service (100.100.100.200) did not answer: ${out##*curl: }"
  fi
  code=${out##*$'\n'}
  if [ "$code" = 200 ]; then
    TOKEN=${out%$'\n'*}
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
    out=$(curl -sS --max-time 3 -w '\n%{http_code}' -H "X-aliyun-ecs-metadata-token: $TOKEN" "$MD_URL/meta-data/$1" 2>&1) || rc=$?
  else
    out=$(curl -sS --max-time 3 -w '\n%{http_code}' "$MD_URL/meta-data/$1" 2>&1) || rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    out=${out%$'\n'*}
    out=${out%$'\n'}
    md_fail "metadata item $1: ${out##*curl: }"
  fi
  code=${out##*$'\n'}
  [ "$code" = 200 ] || md_fail "metadata item $1: HTTP $code"
  printf '%s\n' "${out%$'\n'*}"
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

# Priorities given out in this run (a dry run adds no rule, so `ip rule` alone would hand one out twice).
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
  n=${BASH_REMATCH[1]}
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
    v=${k#*:}
    k=${k%%:*}
    cur=$(cat "/proc/sys/net/ipv4/conf/$dev/$k")
    if [ "$cur" != "$v" ]; then
      change sysctl -qw "net.ipv4.conf.$dev.$k=$v"
      awk -v k="net.ipv4.conf.$dev.$k" '$1 == k { f = 1 } END { exit !f }' "$STATE_DIR/sysctl" 2>/dev/null || record sysctl "net.ipv4.conf.$dev.$k $cur"
    fi
  done
  for ip in "$@"; do
    has_addr "$dev" "$ip" && continue
    owners=$(addr_owners "$ip" | tr '\n' ' ')
    if [ -n "$owners" ]; then
      note "warning: $ip (ENI $id) is configured on $owners; not adding it to $dev"
      continue
    fi
    change ip -4 addr add "$ip/$plen" dev "$dev" noprefixroute
    record addrs "$dev $ip/$plen"
  done
  # Addresses of the ENI's subnet that the cloud no longer assigns to it: the VPC drops their traffic anyway.
  for cur in $(ip -4 -o addr show dev "$dev" | awk '{ print $4 }'); do
    ip=${cur%/*}
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
  m=$(printf '%s' "${m%/}" | tr 'A-F' 'a-f')
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
  ENIS+=("$id $m ${cidr%/*} ${cidr#*/} $gw $ips")
done

# --- bring each ENI to what the metadata says ---
for e in "${ENIS[@]}"; do
  read -r id mac net plen gw ips <<< "$e"
  dev=$(eni_dev "$mac")
  if [ -z "$dev" ]; then
    note "ENI $id ($mac) is attached but no interface has its MAC yet; the next run configures it"
    continue
  fi
  [ -z "$ONLY_DEV" ] || [ "$dev" = "$ONLY_DEV" ] || continue
  if left_alone "$mac" "$dev"; then
    [ -z "${JOURNAL_STREAM:-}" ] && log "leaving $dev ($mac, ENI $id) alone, as the bundle says"
    continue
  fi
  if ! tp=$(eni_table "$mac" "$dev"); then
    note "warning: $dev (ENI $id) is not in the bundle and not named ethN: no route table to give it; leaving it"
    continue
  fi
  # shellcheck disable=SC2086 # the addresses, split on purpose
  sync_eni "$id" "$mac" "$dev" "$net" "$plen" "$gw" ${tp% *} ${tp#* } $ips
done

if [ "$DRY_RUN" = 1 ]; then
  printf 'dry run: %s change(s) would be made\n' "$CHANGES"
elif [ "$CHANGES" -eq 0 ] && [ -z "${JOURNAL_STREAM:-}" ]; then
  printf 'in sync with the instance metadata (%s secondary ENI(s))\n' "${#ENIS[@]}"
fi
EIPILOT_EOF
install_file 0644 '/etc/systemd/system/eipilot-netd.service' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: the guest agent that follows the instance metadata. Regenerate instead of editing.
[Unit]
Description=EIPilot: bring secondary ENIs to what the instance metadata says
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/eipilot-netd
EIPILOT_EOF
install_file 0644 '/etc/systemd/system/eipilot-netd.timer' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: runs the guest agent regularly. Regenerate instead of editing.
[Unit]
Description=EIPilot: check the instance metadata every 30 s

[Timer]
OnBootSec=15s
OnUnitActiveSec=30s
AccuracySec=1s

[Install]
WantedBy=timers.target
EIPILOT_EOF
install_file 0644 '/etc/udev/rules.d/90-eipilot-netd.rules' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: runs the guest agent when a network interface appears (an ENI attached). Regenerate instead of editing.
ACTION=="add", SUBSYSTEM=="net", KERNEL!="lo", RUN+="/bin/systemctl --no-block start eipilot-netd.service"
EIPILOT_EOF
enable_unit eipilot-netd.timer timers.target
if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl restart eipilot-netd.timer || true; udevadm control --reload 2>/dev/null || true; fi

# --- what an earlier revision added and this one does not have ---
prune_stale
if [ -f "$STATE_DIR/tmp/pruned-files" ]; then
  if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then if [ ! -e /etc/systemd/system/eipilot-netd.timer ]; then systemctl stop eipilot-netd.timer || true; systemctl daemon-reload || true; fi; fi
fi
push_revision
rm -rf "$STATE_DIR/tmp"
log "applied; run verify.sh to check"
