import { z } from "zod";
// Relative, not "@/": the routes CLI runs under tsx from any directory, where the alias does not resolve.
import { broadcastOf, inPrefix, intToIp, ipToInt, isIpv4, isSpecialPurpose, networkOf } from "../net/ipv4";

// Input of the guest-OS bundle generator (DESIGN.md contract 4). Extra fields
// are allowed and ignored: only the validated, normalised fields below ever
// reach a generated file.

import { OS_FAMILIES, type OsFamily } from "./os-families";
export { OS_FAMILIES, type OsFamily };

/** "native" = the distro's own network configuration; "rc.local" = the source document's legacy way. */
export const PERSISTENCE_MODES = ["native", "rc.local"] as const;
export type Persistence = (typeof PERSISTENCE_MODES)[number];

/** Linux interface names: at most 15 characters; we refuse anything a shell or a file name could misread. */
export const DEVICE_RE = /^[a-zA-Z][a-zA-Z0-9_-]{0,14}$/;
export const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
/** The vSwitch CIDR sizes Alibaba Cloud allows. */
export const PREFIX_MIN = 16;
export const PREFIX_MAX = 29;
/** A well-formed MAC (MAC_RE) that a NIC can have: not multicast/broadcast, not all zeros. */
export function isUnicastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 0 && !/^(00:){5}00$/.test(mac);
}
export const RESERVED_TABLES = [0, 253, 254, 255] as const;
/** netplan (0.106, Ubuntu 22.04) writes a table id above this as a negative number (Table=-1), which networkd rejects. */
export const NETPLAN_TABLE_MAX = 2 ** 31 - 1;
export const MAX_INTERFACES = 16;
export const MAX_ADDRESSES_PER_ENI = 50; // ENI primary + secondaries; the largest ECS quota
/** Default first rule priority of interface i is DEFAULT_PRIORITY_BASE + 100 * i (below main's 32766). */
export const DEFAULT_PRIORITY_BASE = 30000;

/** An address, a MAC or a device name is far shorter; the limit only stops a hostile file. */
const TEXT_MAX = 64;

const interfaceSchema = z.looseObject({
  device: z.string().max(TEXT_MAX),
  mac: z.string().max(TEXT_MAX),
  primaryIp: z.string().max(TEXT_MAX),
  secondaryIps: z.array(z.string().max(TEXT_MAX)).default([]),
  prefixLength: z.number().int(),
  /** Required unless `primary`. */
  gateway: z.string().max(TEXT_MAX).optional(),
  /** Required unless `primary` (which has no table of its own). */
  routeTable: z.number().int().optional(),
  /**
   * The instance's primary ENI (deployment spec `"eni": {"mode": "primary"}`): only its secondary
   * addresses are added; no table, no rules; its primary IP and routes are not touched.
   */
  primary: z.boolean().optional(),
  /** Optional first `ip rule` priority for this ENI; its addresses use consecutive priorities. */
  rulePriority: z.number().int().optional(),
  /** Optional expected EIP per private IP of this ENI, used by verify.sh --echo-url. */
  eips: z.record(z.string().max(TEXT_MAX), z.string().max(TEXT_MAX)).optional(),
  /**
   * Optional: which of this ENI's addresses carry an EIP. Absent: all of them (the behaviour before
   * this field). An address without an EIP keeps its address, table route and source rule (replies
   * to VPC peers leave through its own ENI), but verify.sh --echo-url does not expect it to reach
   * the internet, and fails only if it egresses as one of this spec's EIPs.
   */
  eipIps: z.array(z.string().max(TEXT_MAX)).optional(),
});

/** How the guest agent reads the instance metadata: security hardening mode only, or normal mode when no token is given. */
export const METADATA_ACCESS = ["hardened", "hardened-or-normal"] as const;

/**
 * The optional guest agent eipilot-netd (lib/os/netd.ts): present = installed. `leaveAlone`: interface
 * names or MACs it never touches (besides the primary ENI, which it never touches anyway).
 */
const agentSchema = z.looseObject({
  leaveAlone: z.array(z.string().max(TEXT_MAX)).max(64).default([]),
  metadataAccess: z.enum(METADATA_ACCESS).default("hardened"),
});

export const routesSpecSchema = z.looseObject({
  os: z.enum(OS_FAMILIES),
  persistence: z.enum(PERSISTENCE_MODES).default("native"),
  interfaces: z.array(interfaceSchema).min(1).max(MAX_INTERFACES),
  agent: agentSchema.optional(),
});

export type RoutesSpecInput = z.input<typeof routesSpecSchema>;

/** One address of an ENI with its policy-routing rule priority. */
/** `carriesEip`: an EIP is bound to this private IP (its expected address is `eip` when known). */
export type EniAddress = { ip: string; priority: number; eip: string | null; carriesEip: boolean; primary: boolean };

export type NormalizedEni = {
  device: string;
  mac: string; // lower case
  prefixLength: number;
  network: string;
  gateway: string;
  routeTable: number;
  primaryIp: string;
  addresses: EniAddress[]; // primary first, then secondaries in spec order
};

/** The primary ENI in primary mode: `addresses` are its secondary IPs only (priority unused, 0). */
export type NormalizedPrimaryEni = {
  device: string;
  mac: string;
  prefixLength: number;
  primaryIp: string;
  addresses: EniAddress[];
};

/** The guest agent's settings; `leaveAlone` holds device names and lower-case MACs. */
export type NormalizedAgent = { leaveAlone: string[]; metadataAccess: (typeof METADATA_ACCESS)[number] };

/**
 * `interfaces`: the secondary ENIs, each with its own table; `primaryEni`: the primary ENI in primary mode;
 * `agent`: the guest agent, when the bundle installs it.
 */
export type NormalizedSpec = {
  os: OsFamily;
  persistence: Persistence;
  interfaces: NormalizedEni[];
  primaryEni: NormalizedPrimaryEni | null;
  agent?: NormalizedAgent;
};

export type ValidationResult = { ok: true; spec: NormalizedSpec } | { ok: false; errors: string[] };

export class SpecError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid routes spec:\n${errors.map((e) => `  - ${e}`).join("\n")}`);
    this.name = "SpecError";
  }
}

/** `interfaces[0].mac`, the way the checks below name a field too. */
function fieldPath(path: PropertyKey[]): string {
  return (
    path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), "") ||
    "spec"
  );
}

const KINDS: Record<string, string> = {
  int: "a whole number",
  array: "a list",
  record: "an object",
  object: "an object",
};

/** A type problem in words: what is missing, or the value given and what the field takes. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = fieldPath(issue.path);
  let value: unknown = input;
  for (const k of issue.path)
    value = value != null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[k] : undefined;
  const shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
  switch (issue.code) {
    case "invalid_type": {
      // A number too large for JSON.parse (1e400) arrives as Infinity, which JSON.stringify would show as null.
      if (typeof value === "number" && !Number.isFinite(value)) return `${where}: ${value} is not a finite number`;
      const want = KINDS[issue.expected] ?? `a ${issue.expected}`;
      return value === undefined ? `${where}: is required (${want})` : `${where}: ${shown} is not ${want}`;
    }
    case "invalid_value": {
      const allowed = issue.values.map(String).join(", ");
      return value === undefined
        ? `${where}: is required (one of ${allowed})`
        : `${where}: ${shown} is not one of ${allowed}`;
    }
    case "too_small":
    case "too_big":
      if (where === "interfaces")
        return `interfaces: ${(value as unknown[]).length} given; 1 to ${MAX_INTERFACES} are supported`;
      return `${where}: ${issue.message}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/** gateway and routeTable are required on every entry but the primary ENI's (zod only sees them as optional). */
function missingUnlessPrimary(input: unknown): string[] {
  const list = (input as { interfaces?: unknown } | null)?.interfaces;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown, i) => {
    if (e === null || typeof e !== "object" || (e as { primary?: unknown }).primary === true) return [];
    const o = e as Record<string, unknown>;
    return [
      ...(o.gateway === undefined ? [`interfaces[${i}].gateway: is required (a string)`] : []),
      ...(o.routeTable === undefined ? [`interfaces[${i}].routeTable: is required (a whole number)`] : []),
    ];
  });
}

/** Validates a spec and returns every problem found (not just the first), or the normalised spec. */
export function validateRoutesSpec(input: unknown): ValidationResult {
  const parsed = routesSpecSchema.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      errors: [...parsed.error.issues.map((i) => describeIssue(i, input)), ...missingUnlessPrimary(input)],
    };
  const errors: string[] = [];
  const seen: Seen = {
    ips: new Map(),
    devices: new Map(),
    macs: new Map(),
    tables: new Map(),
    priorities: new Map(),
    eips: new Map(),
  };
  const out: NormalizedEni[] = [];
  let primaryEni: NormalizedPrimaryEni | null = null;
  let secondaryIndex = 0;
  let primarySeen = false;

  parsed.data.interfaces.forEach((eni, i) => {
    const at = `interfaces[${i}]`;
    const before = errors.length;
    const err: Problem = (field, msg) => errors.push(`${at}.${field}: ${msg}`);
    if (eni.primary) {
      if (primarySeen) err("primary", "only one entry can be the primary ENI");
      primarySeen = true;
      const p = normalizePrimary(eni, at, seen, err);
      if (p && errors.length === before) primaryEni = p;
      return;
    }
    if (eni.gateway === undefined) err("gateway", "is required (a string)");
    if (eni.routeTable === undefined) err("routeTable", "is required (a whole number)");
    if (eni.gateway === undefined || eni.routeTable === undefined) return;
    const routeTable = eni.routeTable;
    const gateway = eni.gateway;

    checkDevice(eni.device, at, seen, err);
    const mac = eni.mac.toLowerCase();
    checkMac(eni.mac, mac, at, seen, err);
    const prefixOk = eni.prefixLength >= PREFIX_MIN && eni.prefixLength <= PREFIX_MAX;
    if (!prefixOk)
      err(
        "prefixLength",
        `${eni.prefixLength} is outside ${PREFIX_MIN}..${PREFIX_MAX} (the vSwitch CIDR sizes Alibaba Cloud allows)`,
      );
    checkRouteTable(routeTable, parsed.data.os, at, seen, err);

    // Addresses: the ENI's primary private IP first, then the secondaries.
    const ips: { ip: string; field: string }[] = [
      { ip: eni.primaryIp, field: "primaryIp" },
      ...eni.secondaryIps.map((ip, j) => ({ ip, field: `secondaryIps[${j}]` })),
    ];
    if (ips.length > MAX_ADDRESSES_PER_ENI) {
      err("secondaryIps", `${ips.length} addresses on one ENI; at most ${MAX_ADDRESSES_PER_ENI} are supported`);
    }
    const subnet = isIpv4(eni.primaryIp) && prefixOk ? subnetOf(eni.primaryIp, eni.prefixLength) : null;
    checkAddresses(ips, subnet, at, seen, err);
    checkGateway(gateway, ips, subnet, err);

    const base = eni.rulePriority ?? DEFAULT_PRIORITY_BASE + 100 * secondaryIndex++;
    checkPriorities(base, base + ips.length - 1, at, seen, err);

    const eips = eni.eips ?? {};
    checkEips(eips, ips, seen, err);
    const carrying = checkEipIps(eni.eipIps, eips, ips, err);

    if (errors.length === before && subnet) {
      out.push({
        device: eni.device,
        mac,
        prefixLength: eni.prefixLength,
        network: subnet.net,
        gateway,
        routeTable,
        primaryIp: eni.primaryIp,
        addresses: ips.map((a, j) => ({
          ip: a.ip,
          priority: base + j,
          eip: eips[a.ip] ?? null,
          carriesEip: carrying.has(a.ip),
          primary: j === 0,
        })),
      });
    }
  });

  const agent = parsed.data.agent ? normalizeAgent(parsed.data.agent, seen, errors) : undefined;
  if (errors.length) return { ok: false, errors };
  const spec: NormalizedSpec = {
    os: parsed.data.os,
    persistence: parsed.data.persistence,
    interfaces: out,
    primaryEni,
  };
  // Only present when asked for, so that specs without an agent (and their bundles) stay as they were.
  if (agent) spec.agent = agent;
  return { ok: true, spec };
}

/** `leaveAlone`: each an interface name or a MAC, not one of the ENIs this spec configures. */
function normalizeAgent(agent: z.infer<typeof agentSchema>, seen: Seen, errors: string[]): NormalizedAgent {
  const leaveAlone: string[] = [];
  agent.leaveAlone.forEach((raw, k) => {
    const at = `agent.leaveAlone[${k}]`;
    const value = MAC_RE.test(raw) ? raw.toLowerCase() : raw;
    if (!MAC_RE.test(raw) && !DEVICE_RE.test(raw))
      errors.push(`${at}: ${JSON.stringify(raw).slice(0, 60)} is neither an interface name nor a MAC address`);
    else if (seen.devices.has(value) || seen.macs.has(value))
      errors.push(
        `${at}: ${value} is configured by ${seen.devices.get(value) ?? seen.macs.get(value)}; the agent cannot leave it alone`,
      );
    else if (leaveAlone.includes(value)) errors.push(`${at}: ${value} is listed twice`);
    else leaveAlone.push(value);
  });
  return { leaveAlone, metadataAccess: agent.metadataAccess };
}

type InterfaceInput = z.infer<typeof interfaceSchema>;

/** The primary ENI in primary mode: its secondary IPs are added; its primary IP is only used to find the subnet. */
function normalizePrimary(eni: InterfaceInput, at: string, seen: Seen, err: Problem): NormalizedPrimaryEni | null {
  if (eni.routeTable !== undefined)
    err("routeTable", "the primary ENI has no table of its own (its secondary IPs use the main table)");
  if (eni.rulePriority !== undefined) err("rulePriority", "the primary ENI gets no source rules");
  checkDevice(eni.device, at, seen, err);
  const mac = eni.mac.toLowerCase();
  checkMac(eni.mac, mac, at, seen, err);
  const prefixOk = eni.prefixLength >= PREFIX_MIN && eni.prefixLength <= PREFIX_MAX;
  if (!prefixOk) err("prefixLength", `${eni.prefixLength} is outside ${PREFIX_MIN}..${PREFIX_MAX}`);
  if (eni.secondaryIps.length === 0)
    err("secondaryIps", "the primary ENI entry needs at least one secondary IP (its primary IP is not changed)");
  const ips = [
    { ip: eni.primaryIp, field: "primaryIp" },
    ...eni.secondaryIps.map((ip, j) => ({ ip, field: `secondaryIps[${j}]` })),
  ];
  const subnet = isIpv4(eni.primaryIp) && prefixOk ? subnetOf(eni.primaryIp, eni.prefixLength) : null;
  checkAddresses(ips, subnet, at, seen, err);
  if (eni.gateway !== undefined) checkGateway(eni.gateway, ips, subnet, err);
  const secondaries = ips.slice(1);
  const eips = eni.eips ?? {};
  checkEips(eips, secondaries, seen, err);
  const carrying = checkEipIps(eni.eipIps ?? secondaries.map((a) => a.ip), eips, secondaries, err);
  if (!subnet) return null;
  return {
    device: eni.device,
    mac,
    prefixLength: eni.prefixLength,
    primaryIp: eni.primaryIp,
    addresses: secondaries.map((a) => ({
      ip: a.ip,
      priority: 0,
      eip: eips[a.ip] ?? null,
      carriesEip: carrying.has(a.ip),
      primary: false,
    })),
  };
}

// The per-field checks of validateRoutesSpec. Each reports through `err` and records what it
// accepted in `seen`, so a later interface that reuses a value names the first one.

/** Where each value was first used, e.g. an IP → "interfaces[0].primaryIp". */
type Seen = {
  ips: Map<string, string>;
  devices: Map<string, string>;
  macs: Map<string, string>;
  tables: Map<number, string>;
  priorities: Map<number, string>;
  eips: Map<string, string>;
};
type Problem = (field: string, msg: string) => void;
type Subnet = { net: string; bcast: string; cidr: string; prefixLength: number; reserved: Set<string> };

function checkDevice(device: string, at: string, seen: Seen, err: Problem) {
  if (!DEVICE_RE.test(device)) {
    err("device", `${JSON.stringify(device)} is not a valid interface name (letter, then up to 14 of [a-zA-Z0-9_-])`);
  } else if (device === "lo") {
    err("device", `"lo" is the loopback interface`);
  } else if (device === "all" || device === "default") {
    // net.ipv4.conf.all / .default: the sysctl file would loosen rp_filter for every interface.
    err("device", `"${device}" cannot name an interface (the kernel reserves net.ipv4.conf.${device})`);
  } else if (seen.devices.has(device)) {
    err("device", `${device} is also used by ${seen.devices.get(device)}`);
  } else seen.devices.set(device, at);
}

/** `raw` as given (for the format check), `mac` lower-cased. */
function checkMac(raw: string, mac: string, at: string, seen: Seen, err: Problem) {
  if (!MAC_RE.test(raw)) {
    err("mac", `${JSON.stringify(raw)} is not a MAC address like 00:16:3e:12:34:56`);
  } else if (!isUnicastMac(mac)) {
    err("mac", `${mac} is not a unicast MAC address`);
  } else if (seen.macs.has(mac)) {
    err("mac", `${mac} is also used by ${seen.macs.get(mac)}`);
  } else seen.macs.set(mac, at);
}

function checkRouteTable(table: number, os: OsFamily, at: string, seen: Seen, err: Problem) {
  if (!Number.isSafeInteger(table) || table < 1 || table > 0xffffffff) {
    err("routeTable", `${table} is not a table id in 1..4294967295`);
  } else if ((RESERVED_TABLES as readonly number[]).includes(table)) {
    err("routeTable", `${table} is reserved by the kernel (0 unspec, 253 default, 254 main, 255 local)`);
  } else if (os === "ubuntu" && table > NETPLAN_TABLE_MAX) {
    err(
      "routeTable",
      `${table} is above ${NETPLAN_TABLE_MAX}; netplan writes such a table id as a negative number and the route table is lost at boot`,
    );
  } else if (seen.tables.has(table)) {
    err("routeTable", `${table} is also used by ${seen.tables.get(table)}; each ENI needs its own table`);
  } else seen.tables.set(table, at);
}

/** The subnet of a valid primary IP and prefix length. */
function subnetOf(primaryIp: string, prefixLength: number): Subnet {
  const net = networkOf(primaryIp, prefixLength);
  const bcast = broadcastOf(primaryIp, prefixLength);
  // The vSwitch reserves the first address and the last three (the gateway is the third from last).
  const reserved = new Set([net, intToIp(ipToInt(bcast) - 2), intToIp(ipToInt(bcast) - 1), bcast]);
  return { net, bcast, cidr: `${net}/${prefixLength}`, prefixLength, reserved };
}

function checkAddresses(
  ips: { ip: string; field: string }[],
  subnet: Subnet | null,
  at: string,
  seen: Seen,
  err: Problem,
) {
  for (const { ip, field } of ips) {
    if (!isIpv4(ip)) {
      err(field, `${JSON.stringify(ip)} is not an IPv4 address`);
      continue;
    }
    if (isSpecialPurpose(ip)) err(field, `${ip} is not a usable unicast address`);
    if (subnet && !inPrefix(ip, subnet.net, subnet.prefixLength))
      err(field, `${ip} is outside the ENI's subnet ${subnet.cidr}`);
    else if (subnet?.reserved.has(ip))
      err(field, `${ip} is reserved in ${subnet.cidr} (network, gateway, or broadcast address)`);
    if (seen.ips.has(ip)) err(field, `${ip} is also used by ${seen.ips.get(ip)}`);
    else seen.ips.set(ip, `${at}.${field}`);
  }
}

function checkGateway(gateway: string, ips: { ip: string }[], subnet: Subnet | null, err: Problem) {
  if (!isIpv4(gateway)) {
    err("gateway", `${JSON.stringify(gateway)} is not an IPv4 address`);
  } else if (subnet) {
    const { net, bcast, cidr } = subnet;
    if (!inPrefix(gateway, net, subnet.prefixLength)) err("gateway", `${gateway} is outside the ENI's subnet ${cidr}`);
    else if (gateway === net || gateway === bcast)
      err("gateway", `${gateway} is the network or broadcast address of ${cidr}`);
    else if (ips.some((a) => a.ip === gateway)) err("gateway", `${gateway} is also one of the ENI's own addresses`);
  }
}

/** One rule per address, priorities base..last, none shared with another interface. */
function checkPriorities(base: number, last: number, at: string, seen: Seen, err: Problem) {
  if (base < 1 || last > 32765) {
    err("rulePriority", `rule priorities ${base}..${last} must lie in 1..32765 (before the main table's rule)`);
    return;
  }
  for (let p = base; p <= last; p++) {
    if (seen.priorities.has(p)) {
      err("rulePriority", `rule priority ${p} is also used by ${seen.priorities.get(p)}`);
      break;
    }
  }
  for (let p = base; p <= last; p++) if (!seen.priorities.has(p)) seen.priorities.set(p, at);
}

/** Expected EIPs: keyed by one of this ENI's addresses, each EIP expected once in the whole spec. */
function checkEips(eips: Record<string, string>, ips: { ip: string }[], seen: Seen, err: Problem) {
  const ipSet = new Set(ips.map((a) => a.ip));
  for (const [priv, eip] of Object.entries(eips)) {
    if (!ipSet.has(priv)) err(`eips`, `${JSON.stringify(priv)} is not one of this ENI's addresses`);
    if (!isIpv4(eip) || isSpecialPurpose(eip))
      err(`eips`, `${JSON.stringify(eip)} (for ${priv}) is not a usable IPv4 address`);
    else if (seen.eips.has(eip)) err(`eips`, `EIP ${eip} is also expected for ${seen.eips.get(eip)}`);
    else seen.eips.set(eip, priv);
  }
}

/** The addresses that carry an EIP: `eipIps` when given (each one of this ENI's, and every `eips` key listed), else all. */
function checkEipIps(
  eipIps: string[] | undefined,
  eips: Record<string, string>,
  ips: { ip: string }[],
  err: Problem,
): Set<string> {
  if (!eipIps) return new Set(ips.map((a) => a.ip));
  const ipSet = new Set(ips.map((a) => a.ip));
  eipIps.forEach((ip, k) => {
    if (!ipSet.has(ip)) err(`eipIps[${k}]`, `${JSON.stringify(ip)} is not one of this ENI's addresses`);
    else if (eipIps.indexOf(ip) !== k) err(`eipIps[${k}]`, `${ip} is listed twice`);
  });
  for (const priv of Object.keys(eips))
    if (ipSet.has(priv) && !eipIps.includes(priv))
      err("eipIps", `${priv} has an expected EIP in eips but is not listed in eipIps`);
  return new Set(eipIps);
}
