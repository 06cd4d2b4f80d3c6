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
  printf '%s\\n' "$path" >> "$STATE_DIR/tmp/changed"
  log "installed $path"
}

# Enable a systemd unit the way systemctl enable does, so it also works inside a sandboxed $ROOT.
# Usage: enable_unit UNIT [TARGET] (default multi-user.target)
enable_unit() {
  local wants="/etc/systemd/system/\${2:-multi-user.target}.wants/$1"
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

# An earlier revision's changes that this one does not want: undone, live and on disk, and forgotten.
# Records stay relative to the state before EIPilot, so rollback.sh --all still restores that state.
prune_stale() {
  local kind line key
  for kind in rules routes addrs links sysctl rclocal chmodx files; do
    [ -f "$STATE_DIR/$kind" ] || continue
    : > "$STATE_DIR/tmp/keep"
    while IFS= read -r line; do
      case $kind in
        sysctl) key=\${line%% *} ;;
        files) key=\${line#* } ;;
        *) key=$line ;;
      esac
      if [ -f "$STATE_DIR/tmp/want/$kind" ] && grep -qxF -- "$key" "$STATE_DIR/tmp/want/$kind"; then
        printf '%s\n' "$line" >> "$STATE_DIR/tmp/keep"
        continue
      fi
      undo "$kind" "$line"
      if [ "$kind" = files ]; then
        : > "$STATE_DIR/tmp/pruned-files"
        rm -rf "$STATE_DIR/backup\${key}"
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
  printf '%s\n' "$SPEC_SHA256" >> "$STATE_DIR/revisions/stack"
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
    `SPEC_SHA256=${specSha256}`,
    'rm -rf "$STATE_DIR/tmp"',
    "",
    "# --- live configuration ---",
    liveSection(spec),
    "",
    "# --- persistent configuration ---",
    ...shadows,
    installSection(plan),
    "",
    "# --- what an earlier revision added and this one does not have ---",
    "prune_stale",
    ...(plan.postRollback.length
      ? ['if [ -f "$STATE_DIR/tmp/pruned-files" ]; then', ...plan.postRollback.map((l) => `  ${l}`), "fi"]
      : []),
    "push_revision",
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

# With --echo-url: what the echo service sees from IP; sets EGRESS (JSON), returns 1 on a failure.
check_egress() {
  local ip=$1 eip=$2 carries=$3 body
  EGRESS=null
  [ -n "$ECHO_URL" ] || return 0
  check
  body=$(curl -sS --max-time "$TIMEOUT" --interface "$ip" "$ECHO_URL" 2>/dev/null | tr -d ' \\r\\n\\t')
  body=\${body:0:64}
  if [[ $body =~ $IPV4_RE ]]; then EGRESS="\\"$body\\""; else body=""; fi
  if [ "$carries" != 1 ]; then
    if [ -n "$body" ] && [[ " $SPEC_EIPS " == *" $body "* ]]; then fail "$ip has no EIP but egresses as EIP $body"; return 1; fi
  elif [ -z "$body" ]; then fail "no answer from the echo URL via $ip"; return 1
  elif [ "$eip" != "-" ] && [ "$body" != "$eip" ]; then fail "$ip egresses as $body, expected EIP $eip"; return 1; fi
  return 0
}

`;

/** check_primary_eni: the primary ENI in primary mode (only in a verify.sh that calls it). */
const VERIFY_PRIMARY = `# The primary ENI in primary mode: each secondary address configured, routed out of it, and its egress.
# Usage: check_primary_eni MAC DEVICE IP:EIP:CARRIES...
check_primary_eni() {
  local mac=$1 want=$2 dev found=true a ip eip carries addr rget ok got
  shift 2
  dev=$(eni_dev "$mac")
  check
  if [ -z "$dev" ]; then found=false; dev=$want; fail "no interface has MAC $mac ($want)"; fi
  ENIS="\${ENIS:+$ENIS,}{\\"mac\\":\\"$mac\\",\\"device\\":\\"$dev\\",\\"found\\":$found,\\"primaryEni\\":true}"
  for a in "$@"; do
    IFS=: read -r ip eip carries <<< "$a"
    addr=false rget=false ok=true
    check
    if [ "$found" = true ] && has_addr "$dev" "$ip"; then addr=true; else ok=false; fail "$ip is not configured on $dev"; fi
    check
    got=$(route_get_dev "$DST" "$ip")
    if [ "$found" = true ] && [ "$got" = "$dev" ]; then rget=true
    else ok=false; fail "ip route get $DST from $ip uses \${got:-no route}, not $dev"; fi
    check_egress "$ip" "$eip" "$carries" || ok=false
    [ "$eip" = "-" ] && eip=null || eip="\\"$eip\\""
    [ "$carries" = 1 ] && carries=true || carries=false
    ADDRS="\${ADDRS:+$ADDRS,}{\\"device\\":\\"$dev\\",\\"ip\\":\\"$ip\\",\\"table\\":null,\\"priority\\":null,\\"address\\":$addr,\\"rule\\":null,\\"routeGet\\":$rget,\\"egress\\":$EGRESS,\\"expectedEip\\":$eip,\\"carriesEip\\":$carries,\\"ok\\":$ok}"
  done
}
`;

/** check_eni: one secondary ENI (only in a verify.sh that calls it). */
const VERIFY_ENI = `# Usage: check_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY:EIP:CARRIES...
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
    check_egress "$ip" "$eip" "$carries" || ok=false
    egress=$EGRESS
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
  const p = spec.primaryEni;
  if (p)
    checks.unshift(
      `check_primary_eni '${p.mac}' '${p.device}' ${p.addresses.map((a) => `'${a.ip}:${a.eip ?? "-"}:${a.carriesEip ? 1 : 0}'`).join(" ")}`,
    );
  const eips = [...(p ? [p] : []), ...spec.interfaces].flatMap((e) =>
    e.addresses.flatMap((a) => (a.eip ? [a.eip] : [])),
  );
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
    ...(p ? [VERIFY_PRIMARY] : []),
    ...(spec.interfaces.length ? [VERIFY_ENI] : []),
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
        "Undoes this bundle's revision: when apply.sh of an earlier revision ran on this guest",
        "before it, returns the guest to that revision (its addresses, rules, tables and files);",
        "otherwise (or with --all) removes everything EIPilot added, live and persistent, and",
        "restores any file it replaced, as recorded in its state directory. Safe to run again.",
        "Usage: sudo ./rollback.sh [--all]",
      ],
    }),
    "set -euo pipefail",
    LIBRARY,
    `
[ "$(id -u)" = 0 ] || die "run as root"
ALL=""
case \${1:-} in
  --all) ALL=1 ;;
  "") ;;
  *) log "usage: rollback.sh [--all]"; exit 2 ;;
esac
SPEC_SHA256=${specSha256}

# Usage: forget_eni MAC DEVICE PREFIX NETWORK GATEWAY TABLE IP:PRIORITY... (used when there is no state)
forget_eni() {
  local mac=$1 want=$2 plen=$3 net=$4 gw=$5 table=$6 dev a ip pref
  shift 6
  dev=$(eni_dev "$mac")
  dev=\${dev:-$want}
  for a in "$@"; do
    ip=\${a%%:*}
    pref=\${a##*:}
    undo_rules "$pref $ip $table"
  done
  ip -4 route del default via "$gw" dev "$dev" table "$table" 2>/dev/null || true
  ip -4 route del "$net/$plen" dev "$dev" table "$table" 2>/dev/null || true
}

if [ ! -d "$STATE_DIR" ]; then
  log "no state in $STATE_DIR (apply.sh never ran here?): removing only this bundle's rules and table routes"
${spec.interfaces.map((e) => `  forget_eni ${eniArgs(e)} ${addrArgs(e)}`).join("\n")}
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
${plan.postRollback.join("\n")}
rm -rf "$STATE_DIR"
log "rolled back"
`,
  ]);
}
