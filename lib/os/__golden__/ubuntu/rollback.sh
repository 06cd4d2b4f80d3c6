#!/usr/bin/env bash
# rollback.sh - EIPilot guest-OS bundle 1.0.0, os=ubuntu
# spec sha256 35c3445547d0b0451fc42ab824767e137330bf62624c505116b2969a8b7b5a14
# Removes exactly what apply.sh added (live and persistent), as recorded in its state
# directory, and restores any file it replaced. Safe to run again.
# Generated file: regenerate the bundle instead of editing it.

# Started as `sh script.sh`? Run again under bash, which the script needs.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -euo pipefail

export LC_ALL=C

ROOT="${ROOT:-/}"
ROOT="${ROOT%/}"

STATE_DIR="$ROOT/var/lib/eipilot"

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

sysctl_path() { printf '/proc/sys/%s' "$(printf '%s' "$1" | tr . /)"; }


[ "$(id -u)" = 0 ] || die "run as root"
# Only replay state lines made of characters apply.sh itself writes.
lines() { [ -f "$STATE_DIR/$1" ] || return 0; grep -vE '[^-A-Za-z0-9_./: ]' "$STATE_DIR/$1" || true; }

# Usage: forget_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY... (used when there is no state)
forget_eni() {
  local mac=$1 want=$2 plen=$3 net=$4 gw=$5 table=$6 dev a ip pref
  shift 6
  dev=$(eni_dev "$mac")
  dev=${dev:-$want}
  for a in "$@"; do
    ip=${a%%:*}
    pref=${a##*:}
    while [ "$(rule_count "$pref" "$ip" "$table")" -gt 0 ]; do ip -4 rule del from "$ip" lookup "$table" priority "$pref" || break; done
  done
  ip -4 route del default via "$gw" dev "$dev" table "$table" 2>/dev/null || true
  ip -4 route del "$net/$plen" dev "$dev" table "$table" 2>/dev/null || true
}

if [ ! -d "$STATE_DIR" ]; then
  log "no state in $STATE_DIR (apply.sh never ran here?): removing only this bundle's rules and table routes"
  forget_eni '00:16:3e:12:34:56' 'eth1' 24 '172.16.0.0' '172.16.0.253' 1001 '172.16.0.57:30000' '172.16.0.77:30001' '172.16.0.78:30002'
  exit 0
fi

lines rules | while read -r pref ip table; do
  while [ "$(rule_count "$pref" "$ip" "$table")" -gt 0 ]; do ip -4 rule del from "$ip" lookup "$table" priority "$pref" || break; done
done
lines routes | while read -r line; do
  # shellcheck disable=SC2086 # a route written by apply.sh, split on purpose
  ip -4 route del $line 2>/dev/null || true
done
lines addrs | while read -r dev cidr; do
  ip -4 addr del "$cidr" dev "$dev" 2>/dev/null || true
done
lines mainroutes | while read -r line; do
  # shellcheck disable=SC2086
  ip -4 route add $line 2>/dev/null || log "warning: could not restore route: $line"
done
lines links | while read -r dev; do
  ip link set dev "$dev" down 2>/dev/null || true
done
lines sysctl | while read -r key value; do
  p=$(sysctl_path "$key")
  if [ -w "$p" ]; then printf '%s\n' "$value" > "$p"; fi
done
lines rclocal | while read -r path; do
  f="$ROOT$path"
  [ -f "$f" ] || continue
  awk '$0 == "# BEGIN EIPilot policy routing" { skip = 1 } !skip { print } $0 == "# END EIPilot policy routing" { skip = 0 }' "$f" > "$f.eipilot.tmp"
  cat "$f.eipilot.tmp" > "$f"
  rm -f "$f.eipilot.tmp"
done
lines chmodx | while read -r path; do
  [ ! -f "$ROOT$path" ] || chmod -x "$ROOT$path"
done
lines files | while read -r kind path; do
  case $kind in
    created) rm -f "$ROOT$path" ;;
    backup) if [ -e "$STATE_DIR/backup$path" ]; then rm -f "$ROOT$path"; cp -a "$STATE_DIR/backup$path" "$ROOT$path"; fi ;;
  esac
done

rm -rf "$STATE_DIR"
log "rolled back"
