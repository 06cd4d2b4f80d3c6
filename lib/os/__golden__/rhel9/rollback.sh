#!/usr/bin/env bash
# rollback.sh - EIPilot guest-OS bundle 1.1.0, os=rhel9
# spec sha256 493a7f37a033d0384bd4d84ce68123281c16bcc61a5d80711b5fc264b16bded2
# Undoes this bundle's revision: when apply.sh of an earlier revision ran on this guest
# before it, returns the guest to that revision (its addresses, rules, tables and files);
# otherwise (or with --all) removes everything EIPilot added, live and persistent, and
# restores any file it replaced, as recorded in its state directory. Safe to run again.
# Usage: sudo ./rollback.sh [--all]
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

# How many rules "PRIO: from IP lookup TABLE" exist (exact fields, no regex).
rule_count() {
  ip -4 rule show | awk -v p="$1:" -v f="$2" -v t="$3" '$1 == p && $2 == "from" && $3 == f && $4 == "lookup" && $5 == t { n++ } END { print n + 0 }'
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

# rollback.sh: EIPilot's profile is gone from disk, so NetworkManager must not keep it (nor keep it active).
# Usage: nm_forget FILE UUID
nm_forget() {
  local file=$1 uuid=$2
  [ ! -e "$file" ] || return 0
  if nmcli -g UUID connection show | awk -v u="$uuid" '$0 == u { f = 1 } END { exit !f }'; then
    nmcli connection delete uuid "$uuid" >/dev/null || log "warning: nmcli could not remove profile $uuid"
  fi
}


[ "$(id -u)" = 0 ] || die "run as root"
ALL=""
case ${1:-} in
  --all) ALL=1 ;;
  "") ;;
  *) log "usage: rollback.sh [--all]"; exit 2 ;;
esac
SPEC_SHA256=493a7f37a033d0384bd4d84ce68123281c16bcc61a5d80711b5fc264b16bded2

# Usage: forget_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY... (used when there is no state)
forget_eni() {
  local mac=$1 want=$2 plen=$3 net=$4 gw=$5 table=$6 dev a ip pref
  shift 6
  dev=$(eni_dev "$mac")
  dev=${dev:-$want}
  for a in "$@"; do
    ip=${a%%:*}
    pref=${a##*:}
    undo_rules "$pref $ip $table"
  done
  ip -4 route del default via "$gw" dev "$dev" table "$table" 2>/dev/null || true
  ip -4 route del "$net/$plen" dev "$dev" table "$table" 2>/dev/null || true
}

if [ ! -d "$STATE_DIR" ]; then
  log "no state in $STATE_DIR (apply.sh never ran here?): removing only this bundle's rules and table routes"
  forget_eni '00:16:3e:12:34:56' 'eth1' 24 '172.16.0.0' '172.16.0.253' 1001 '172.16.0.57:30000' '172.16.0.77:30001' '172.16.0.78:30002'
  exit 0
fi

STACK="$STATE_DIR/revisions/stack"
if [ -z "$ALL" ] && [ -f "$STACK" ]; then
  top=$(tail -n 1 "$STACK")
  if [ "$top" != "$SPEC_SHA256" ]; then
    log "error: the revision applied here is spec $top, not this bundle's ($SPEC_SHA256)"
    die "run that revision's rollback.sh, or rollback.sh --all to remove everything EIPilot added"
  fi
  prev=$(tail -n 2 "$STACK" | head -n 1)
  if [ "$prev" != "$top" ]; then
    [ -f "$STATE_DIR/revisions/$prev.apply.sh" ] || die "the earlier revision's apply.sh ($prev) was not kept; rollback.sh --all removes everything"
    log "returning to the earlier revision (spec $prev)"
    sed -i '$d' "$STACK"
    rm -f "$STATE_DIR/revisions/$SPEC_SHA256.apply.sh"
    bash "$STATE_DIR/revisions/$prev.apply.sh" || die "the earlier revision's apply.sh failed; rollback.sh --all removes everything"
    log "rolled back to the earlier revision"
    exit 0
  fi
fi

for kind in rules routes addrs; do
  lines "$kind" | while IFS= read -r line; do undo "$kind" "$line"; done
done
lines mainroutes | while read -r line; do
  # shellcheck disable=SC2086
  ip -4 route add $line 2>/dev/null || log "warning: could not restore route: $line"
done
for kind in links sysctl rclocal chmodx files; do
  lines "$kind" | while IFS= read -r line; do undo "$kind" "$line"; done
done
if [ -z "$ROOT" ] && command -v nmcli >/dev/null && nmcli -t general status >/dev/null 2>&1; then
  nmcli connection reload || true
  nm_forget '/etc/NetworkManager/system-connections/eipilot-eth1.nmconnection' 'b23b7506-c453-57ec-95ea-0892301c670f'
fi
rm -rf "$STATE_DIR"
log "rolled back"
