#!/usr/bin/env bash
# apply.sh - EIPilot guest-OS bundle 1.1.0, os=rhel9
# spec sha256 493a7f37a033d0384bd4d84ce68123281c16bcc61a5d80711b5fc264b16bded2
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
    log "NetworkManager: EIPilot's profile is active on $dev${active:+ (instead of connection $active)}"
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
SPEC_SHA256=493a7f37a033d0384bd4d84ce68123281c16bcc61a5d80711b5fc264b16bded2
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
warn_shadows '00:16:3e:12:34:56' 'eth1' '/etc/NetworkManager/system-connections/eipilot-eth1.nmconnection' "$ROOT/etc/NetworkManager/system-connections"/* "$ROOT"/etc/sysconfig/network-scripts/ifcfg-*
install_file 0600 '/etc/NetworkManager/system-connections/eipilot-eth1.nmconnection' <<'EIPILOT_EOF'
# Generated by EIPilot 1.1.0: secondary ENI eth1 (00:16:3e:12:34:56). Regenerate instead of editing.
[connection]
id=eipilot-eth1
uuid=b23b7506-c453-57ec-95ea-0892301c670f
type=ethernet
autoconnect=true
autoconnect-priority=50

[ethernet]
mac-address=00:16:3E:12:34:56

[ipv4]
method=manual
address1=172.16.0.57/24
address2=172.16.0.77/24
address3=172.16.0.78/24
# No default route in the main table from this ENI; everything goes to its own table.
never-default=true
ignore-auto-routes=true
ignore-auto-dns=true
route-table=1001
route1=0.0.0.0/0,172.16.0.253
route1_options=table=1001
routing-rule1=priority 30000 from 172.16.0.57/32 table 1001
routing-rule2=priority 30001 from 172.16.0.77/32 table 1001
routing-rule3=priority 30002 from 172.16.0.78/32 table 1001

[ipv6]
method=ignore
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
if [ -z "$ROOT" ] && command -v nmcli >/dev/null && nmcli -t general status >/dev/null 2>&1; then
  nm_activate '/etc/NetworkManager/system-connections/eipilot-eth1.nmconnection' 'b23b7506-c453-57ec-95ea-0892301c670f' '00:16:3e:12:34:56'
  configure_eni '00:16:3e:12:34:56' 'eth1' 24 '172.16.0.0' '172.16.0.253' 1001 '172.16.0.57:30000' '172.16.0.77:30001' '172.16.0.78:30002'
  drop_secondary_defaults
fi

# --- what an earlier revision added and this one does not have ---
prune_stale
if [ -f "$STATE_DIR/tmp/pruned-files" ]; then
  if [ -z "$ROOT" ] && command -v nmcli >/dev/null && nmcli -t general status >/dev/null 2>&1; then
    nmcli connection reload || true
    nm_forget '/etc/NetworkManager/system-connections/eipilot-eth1.nmconnection' 'b23b7506-c453-57ec-95ea-0892301c670f'
  fi
fi
push_revision
rm -rf "$STATE_DIR/tmp"
log "applied; run verify.sh to check"
