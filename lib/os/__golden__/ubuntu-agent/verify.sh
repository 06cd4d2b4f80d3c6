#!/usr/bin/env bash
# verify.sh - EIPilot guest-OS bundle 1.1.0, os=ubuntu
# spec sha256 f618da6217f509fe9af43c8c792947c66b93c4ae6586b62e16bd925d89b13a98
# Checks every address, rule and table route, and that traffic from each address
# leaves through its ENI. Prints one JSON summary on stdout; exit 0 = all good, 1 = failures, 2 = usage.
# Usage: ./verify.sh [--echo-url http://what-is-my-ip/] [--dst IPV4] [--timeout SECONDS]
# Generated file: regenerate the bundle instead of editing it.

# Started as `sh script.sh`? Run again under bash, which the script needs.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -uo pipefail

export LC_ALL=C

log() { printf 'eipilot: %s\n' "$*" >&2; }

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


usage() { printf 'usage: %s [--echo-url URL] [--dst IPV4] [--timeout SECONDS]\n' "$0" >&2; exit 2; }
ECHO_URL=""
DST=""
TIMEOUT=5
while [ $# -gt 0 ]; do
  case $1 in
    --echo-url) [ $# -ge 2 ] || usage; ECHO_URL=$2; shift 2 ;;
    --dst) [ $# -ge 2 ] || usage; DST=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done
IPV4_RE='^([0-9]{1,3}[.]){3}[0-9]{1,3}$'
if [ -n "$ECHO_URL" ] && ! [[ $ECHO_URL =~ ^https?://[A-Za-z0-9.:/_?=\&%~+-]+$ ]]; then log "--echo-url must be a plain http(s) URL"; usage; fi
if [ -n "$DST" ] && ! [[ $DST =~ $IPV4_RE ]]; then log "--dst must be an IPv4 address"; usage; fi
[[ $TIMEOUT =~ ^[0-9]{1,3}$ ]] || usage
if [ -z "$DST" ]; then
  host=${ECHO_URL#*://}
  host=${host%%[/:]*}
  if [[ $host =~ $IPV4_RE ]]; then DST=$host; else DST=192.0.2.1; fi
fi
if [ -n "$ECHO_URL" ] && ! command -v curl >/dev/null; then log "--echo-url needs curl"; exit 2; fi

FAILURES=0
CHECKS=0
ENIS=""
ADDRS=""
PROBLEMS=""
fail() {
  FAILURES=$((FAILURES + 1))
  log "FAIL: $*"
  PROBLEMS="${PROBLEMS:+$PROBLEMS,}\"$*\""
}
check() { CHECKS=$((CHECKS + 1)); }

# With --echo-url: what the echo service sees from IP; sets EGRESS (JSON), returns 1 on a failure.
check_egress() {
  local ip=$1 eip=$2 carries=$3 body
  EGRESS=null
  [ -n "$ECHO_URL" ] || return 0
  check
  body=$(curl -sS --max-time "$TIMEOUT" --interface "$ip" "$ECHO_URL" 2>/dev/null | tr -d ' \r\n\t')
  body=${body:0:64}
  if [[ $body =~ $IPV4_RE ]]; then EGRESS="\"$body\""; else body=""; fi
  if [ "$carries" != 1 ]; then
    if [ -n "$body" ] && [[ " $SPEC_EIPS " == *" $body "* ]]; then fail "$ip has no EIP but egresses as EIP $body"; return 1; fi
  elif [ -z "$body" ]; then fail "no answer from the echo URL via $ip"; return 1
  elif [ "$eip" != "-" ] && [ "$body" != "$eip" ]; then fail "$ip egresses as $body, expected EIP $eip"; return 1; fi
  return 0
}


# Usage: check_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY:EIP:CARRIES...
# EIP is "-" when unknown; CARRIES is 1 when an EIP is bound to IP, 0 when none is (then the echo
# check only fails if IP egresses as one of the EIPs in $SPEC_EIPS).
check_eni() {
  local mac=$1 want=$2 plen=$3 net=$4 gw=$5 table=$6 dev found=true up=false routes=true a ip pref eip carries
  local addr rule rget egress ok n got
  shift 6
  dev=$(eni_dev "$mac")
  check
  if [ -z "$dev" ]; then
    found=false
    routes=false
    dev=$want
    fail "no interface has MAC $mac ($want)"
  else
    check
    # A link set down loses its routes: name that cause, not only the routes it took along.
    if link_is_up "$dev"; then up=true; else fail "$dev ($mac) is down"; fi
    check
    table_has_subnet "$table" "$net/$plen" "$dev" || { routes=false; fail "table $table has no route $net/$plen dev $dev"; }
    check
    table_has_default "$table" "$gw" "$dev" || { routes=false; fail "table $table has no default via $gw dev $dev"; }
  fi
  ENIS="${ENIS:+$ENIS,}{\"mac\":\"$mac\",\"device\":\"$dev\",\"found\":$found,\"up\":$up,\"table\":$table,\"tableRoutes\":$routes}"
  for a in "$@"; do
    IFS=: read -r ip pref eip carries <<< "$a"
    addr=false rule=false rget=false egress=null ok=true
    check
    if [ "$found" = true ] && has_addr "$dev" "$ip"; then addr=true; else ok=false; fail "$ip is not configured on $dev"; fi
    check
    n=$(rule_count "$pref" "$ip" "$table")
    if [ "$n" -eq 1 ]; then rule=true
    elif [ "$n" -gt 1 ]; then ok=false; fail "rule $pref from $ip lookup $table exists $n times"
    else ok=false; fail "no rule $pref from $ip lookup $table"; fi
    check
    got=$(route_get_dev "$DST" "$ip")
    if [ "$found" = true ] && [ "$got" = "$dev" ]; then rget=true
    else ok=false; fail "ip route get $DST from $ip uses ${got:-no route}, not $dev"; fi
    if [ "$routes" != true ] || [ "$up" != true ]; then ok=false; fi
    check_egress "$ip" "$eip" "$carries" || ok=false
    egress=$EGRESS
    [ "$eip" = "-" ] && eip=null || eip="\"$eip\""
    [ "$carries" = 1 ] && carries=true || carries=false
    ADDRS="${ADDRS:+$ADDRS,}{\"device\":\"$dev\",\"ip\":\"$ip\",\"table\":$table,\"priority\":$pref,\"address\":$addr,\"rule\":$rule,\"routeGet\":$rget,\"egress\":$egress,\"expectedEip\":$eip,\"carriesEip\":$carries,\"ok\":$ok}"
  done
}

SPEC_EIPS='203.0.113.10 203.0.113.11 203.0.113.12'
check_eni '00:16:3e:12:34:56' 'eth1' 24 '172.16.0.0' '172.16.0.253' 1001 '172.16.0.57:30000:203.0.113.10:1' '172.16.0.77:30001:203.0.113.11:1' '172.16.0.78:30002:203.0.113.12:1'

OK=true
[ "$FAILURES" -eq 0 ] || OK=false
ECHO_JSON=null
[ -z "$ECHO_URL" ] || ECHO_JSON="\"$ECHO_URL\""
printf '{"ok":%s,"os":"%s","specSha256":"%s","dst":"%s","echoUrl":%s,"checks":%d,"failures":%d,"enis":[%s],"addresses":[%s],"problems":[%s]}\n' \
  "$OK" "ubuntu" "f618da6217f509fe9af43c8c792947c66b93c4ae6586b62e16bd925d89b13a98" "$DST" "$ECHO_JSON" "$CHECKS" "$FAILURES" "$ENIS" "$ADDRS" "$PROBLEMS"
[ "$OK" = true ] || exit 1
exit 0
