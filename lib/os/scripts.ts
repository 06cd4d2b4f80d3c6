import { LIBRARY, PERSIST_SCRIPT, addrArgs, eniArgs, header, liveSection, withLibrary } from "./shell";
import type { NormalizedEni, NormalizedSpec } from "./spec.schema";

// apply.sh / verify.sh / rollback.sh and the boot-time persist script.

export type PersistentFile = { path: string; content: string; mode: "0600" | "0644" | "0755" };

/** What a family contributes to apply.sh besides its files. Every string is generator-made, never user text. */
export type FamilyPlan = {
  files: PersistentFile[];
  /** Shell lines run after the files are installed (e.g. enable a unit); may use $ROOT. */
  postInstall: string[];
  /** Shell lines run by rollback.sh after files are restored. */
  postRollback: string[];
  /** Shell words for warn_shadows after MAC and device: 'our own file' then globs of other files that may configure the ENI. */
  shadowArgs?: (eni: NormalizedEni) => string;
  /** rc.local file that gets a marked block calling the persist script (legacy mode). */
  rcLocal?: string;
};

const EOF = "EIPILOT_EOF";

function installSection(plan: FamilyPlan): string {
  const out: string[] = [];
  for (const f of plan.files) {
    if (f.content.split("\n").includes(EOF)) throw new Error(`internal: ${f.path} contains the heredoc delimiter`);
    out.push(`install_file ${f.mode} '${f.path}' <<'${EOF}'`, f.content.replace(/\n$/, ""), EOF);
  }
  if (plan.rcLocal) out.push(`install_rclocal '${plan.rcLocal}'`);
  out.push(...plan.postInstall);
  return out.join("\n");
}

const APPLY_LIB = `
# Install one persistent file under $ROOT; back up a different file we did not create.
install_file() {
  local mode=$1 path=$2 dst tmp
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
  log "installed $path"
}

# Enable a systemd unit the way systemctl enable does, so it also works inside a sandboxed $ROOT.
enable_unit() {
  local link="$ROOT/etc/systemd/system/multi-user.target.wants/$1"
  mkdir -p "$(dirname "$link")"
  if [ ! -L "$link" ]; then
    ln -s "/etc/systemd/system/$1" "$link"
    record files "created /etc/systemd/system/multi-user.target.wants/$1"
  fi
  if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
}

# Legacy persistence (the source document's way): a marked block in rc.local.
install_rclocal() {
  local path=$1 f
  f="$ROOT$path"
  mkdir -p "$(dirname "$f")"
  if [ ! -e "$f" ]; then
    printf '#!/bin/sh\\n' > "$f"
    record files "created $path"
  fi
  if ! grep -qxF '# BEGIN EIPilot policy routing' "$f"; then
    awk -v cmd="${PERSIST_SCRIPT}" '
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

# Warn about other configuration that names the same ENI and may shadow ours.
warn_shadows() {
  local mac=$1 dev=$2 own=$3 f
  shift 3
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$f" = "$ROOT$own" ] && continue
    if grep -qiE -e "$mac" -e "(^|[^a-zA-Z0-9_-])$dev([^a-zA-Z0-9_-]|$)" "$f"; then
      log "warning: \${f#"$ROOT"} also configures $dev ($mac) and may override EIPilot's file; see README.md"
    fi
  done
}
`;

export function applyScript(spec: NormalizedSpec, specSha256: string, plan: FamilyPlan): string {
  const shadowArgs = plan.shadowArgs;
  const shadows = shadowArgs
    ? spec.interfaces.map((e) => `warn_shadows '${e.mac}' '${e.device}' ${shadowArgs(e)}`)
    : [];
  return withLibrary([
    header({
      name: "apply.sh",
      os: spec.os,
      specSha256,
      purpose: [
        "Adds the ENI addresses, per-ENI route tables and source rules live (no network",
        "service restart), then installs the persistent files. Safe to run again.",
        "Usage: sudo ./apply.sh   (ROOT=/some/dir puts every written file under that directory)",
      ],
    }),
    "set -euo pipefail",
    "umask 022",
    LIBRARY,
    APPLY_LIB,
    "RECORD=1",
    '[ "$(id -u)" = 0 ] || die "run as root"',
    'command -v ip >/dev/null || die "iproute2 (ip) is required"',
    'mkdir -p "$STATE_DIR"',
    "",
    "# --- live configuration ---",
    liveSection(spec),
    "",
    "# --- persistent configuration ---",
    ...shadows,
    installSection(plan),
    'rm -rf "$STATE_DIR/tmp"',
    'log "applied; run verify.sh to check"',
    "",
  ]);
}

export function persistScript(spec: NormalizedSpec, specSha256: string): string {
  return withLibrary([
    header({
      name: PERSIST_SCRIPT,
      os: spec.os,
      specSha256,
      purpose: ["Boot-time policy routing for the secondary ENIs (same live steps as apply.sh, no files written)."],
    }),
    "set -euo pipefail",
    LIBRARY,
    liveSection(spec),
    "",
  ]);
}

// verify.sh, section by section: withLibrary joins the pieces with a newline.

/** Options, their checks, and the address `ip route get` is asked about. */
const VERIFY_ARGUMENTS = `
usage() { printf 'usage: %s [--echo-url URL] [--dst IPV4] [--timeout SECONDS]\\n' "$0" >&2; exit 2; }
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
if [ -n "$ECHO_URL" ] && ! [[ $ECHO_URL =~ ^https?://[A-Za-z0-9.:/_?=\\&%~+-]+$ ]]; then log "--echo-url must be a plain http(s) URL"; usage; fi
if [ -n "$DST" ] && ! [[ $DST =~ $IPV4_RE ]]; then log "--dst must be an IPv4 address"; usage; fi
[[ $TIMEOUT =~ ^[0-9]{1,3}$ ]] || usage
if [ -z "$DST" ]; then
  host=\${ECHO_URL#*://}
  host=\${host%%[/:]*}
  if [[ $host =~ $IPV4_RE ]]; then DST=$host; else DST=192.0.2.1; fi
fi
if [ -n "$ECHO_URL" ] && ! command -v curl >/dev/null; then log "--echo-url needs curl"; exit 2; fi
`;

/** The counters and check_eni: one ENI's link, table routes, and per address the rule, route and egress. */
const VERIFY_CHECKS = `FAILURES=0
CHECKS=0
ENIS=""
ADDRS=""
PROBLEMS=""
fail() {
  FAILURES=$((FAILURES + 1))
  log "FAIL: $*"
  PROBLEMS="\${PROBLEMS:+$PROBLEMS,}\\"$*\\""
}
check() { CHECKS=$((CHECKS + 1)); }

# Usage: check_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY:EIP:CARRIES...
# EIP is "-" when unknown; CARRIES is 1 when an EIP is bound to IP, 0 when none is (then the echo
# check only fails if IP egresses as one of the EIPs in $SPEC_EIPS).
check_eni() {
  local mac=$1 want=$2 plen=$3 net=$4 gw=$5 table=$6 dev found=true up=false routes=true a ip pref eip carries
  local addr rule rget egress ok n got body
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
  ENIS="\${ENIS:+$ENIS,}{\\"mac\\":\\"$mac\\",\\"device\\":\\"$dev\\",\\"found\\":$found,\\"up\\":$up,\\"table\\":$table,\\"tableRoutes\\":$routes}"
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
    else ok=false; fail "ip route get $DST from $ip uses \${got:-no route}, not $dev"; fi
    if [ "$routes" != true ] || [ "$up" != true ]; then ok=false; fi
    if [ -n "$ECHO_URL" ]; then
      check
      body=$(curl -sS --max-time "$TIMEOUT" --interface "$ip" "$ECHO_URL" 2>/dev/null | tr -d ' \\r\\n\\t')
      body=\${body:0:64}
      if [[ $body =~ $IPV4_RE ]]; then egress="\\"$body\\""; else body=""; fi
      if [ "$carries" != 1 ]; then
        if [ -n "$body" ] && [[ " $SPEC_EIPS " == *" $body "* ]]; then ok=false; fail "$ip has no EIP but egresses as EIP $body"; fi
      elif [ -z "$body" ]; then ok=false; fail "no answer from the echo URL via $ip"
      elif [ "$eip" != "-" ] && [ "$body" != "$eip" ]; then ok=false; fail "$ip egresses as $body, expected EIP $eip"; fi
    fi
    [ "$eip" = "-" ] && eip=null || eip="\\"$eip\\""
    [ "$carries" = 1 ] && carries=true || carries=false
    ADDRS="\${ADDRS:+$ADDRS,}{\\"device\\":\\"$dev\\",\\"ip\\":\\"$ip\\",\\"table\\":$table,\\"priority\\":$pref,\\"address\\":$addr,\\"rule\\":$rule,\\"routeGet\\":$rget,\\"egress\\":$egress,\\"expectedEip\\":$eip,\\"carriesEip\\":$carries,\\"ok\\":$ok}"
  done
}
`;

/** One JSON line on stdout; the exit code says whether everything passed. */
function verifySummary(os: string, specSha256: string): string {
  return `
OK=true
[ "$FAILURES" -eq 0 ] || OK=false
ECHO_JSON=null
[ -z "$ECHO_URL" ] || ECHO_JSON="\\"$ECHO_URL\\""
printf '{"ok":%s,"os":"%s","specSha256":"%s","dst":"%s","echoUrl":%s,"checks":%d,"failures":%d,"enis":[%s],"addresses":[%s],"problems":[%s]}\\n' \\
  "$OK" "${os}" "${specSha256}" "$DST" "$ECHO_JSON" "$CHECKS" "$FAILURES" "$ENIS" "$ADDRS" "$PROBLEMS"
[ "$OK" = true ] || exit 1
exit 0
`;
}

export function verifyScript(spec: NormalizedSpec, specSha256: string): string {
  const checks = spec.interfaces.map(
    (e) =>
      `check_eni ${eniArgs(e)} ${e.addresses.map((a) => `'${a.ip}:${a.priority}:${a.eip ?? "-"}:${a.carriesEip ? 1 : 0}'`).join(" ")}`,
  );
  const eips = spec.interfaces.flatMap((e) => e.addresses.flatMap((a) => (a.eip ? [a.eip] : [])));
  return withLibrary([
    header({
      name: "verify.sh",
      os: spec.os,
      specSha256,
      purpose: [
        "Checks every address, rule and table route, and that traffic from each address",
        "leaves through its ENI. Prints one JSON summary on stdout; exit 0 = all good, 1 = failures, 2 = usage.",
        "Usage: ./verify.sh [--echo-url http://what-is-my-ip/] [--dst IPV4] [--timeout SECONDS]",
      ],
    }),
    "set -uo pipefail",
    LIBRARY,
    VERIFY_ARGUMENTS,
    VERIFY_CHECKS,
    `SPEC_EIPS='${eips.join(" ")}'`,
    ...checks,
    verifySummary(spec.os, specSha256),
  ]);
}

export function rollbackScript(spec: NormalizedSpec, specSha256: string, plan: FamilyPlan): string {
  return withLibrary([
    header({
      name: "rollback.sh",
      os: spec.os,
      specSha256,
      purpose: [
        "Removes exactly what apply.sh added (live and persistent), as recorded in its state",
        "directory, and restores any file it replaced. Safe to run again.",
      ],
    }),
    "set -euo pipefail",
    LIBRARY,
    `
[ "$(id -u)" = 0 ] || die "run as root"
# Only replay state lines made of characters apply.sh itself writes.
lines() { [ -f "$STATE_DIR/$1" ] || return 0; grep -vE '[^-A-Za-z0-9_./: ]' "$STATE_DIR/$1" || true; }

# Usage: forget_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY... (used when there is no state)
forget_eni() {
  local mac=$1 want=$2 plen=$3 net=$4 gw=$5 table=$6 dev a ip pref
  shift 6
  dev=$(eni_dev "$mac")
  dev=\${dev:-$want}
  for a in "$@"; do
    ip=\${a%%:*}
    pref=\${a##*:}
    while [ "$(rule_count "$pref" "$ip" "$table")" -gt 0 ]; do ip -4 rule del from "$ip" lookup "$table" priority "$pref" || break; done
  done
  ip -4 route del default via "$gw" dev "$dev" table "$table" 2>/dev/null || true
  ip -4 route del "$net/$plen" dev "$dev" table "$table" 2>/dev/null || true
}

if [ ! -d "$STATE_DIR" ]; then
  log "no state in $STATE_DIR (apply.sh never ran here?): removing only this bundle's rules and table routes"
${spec.interfaces.map((e) => `  forget_eni ${eniArgs(e)} ${addrArgs(e)}`).join("\n")}
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
  if [ -w "$p" ]; then printf '%s\\n' "$value" > "$p"; fi
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
${plan.postRollback.join("\n")}
rm -rf "$STATE_DIR"
log "rolled back"
`,
  ]);
}
