// The wizard's form state, its conversion to and from a DeploymentSpec, and the
// per-step validation against the live inventory. PURE (no React, no I/O): the
// wizard, quick deploy and unit tests share it. Messages are i18n keys + values.
import type { EniView } from "@/lib/cloud/resources";
import type { InstanceDto, InstanceTypeDto, Inventory, VSwitchDto } from "@/lib/deploy/inventory.service";
import { classifyInCidr, intToIp, isIpv4, parseCidr } from "@/lib/net/ipv4";
import { OS_FAMILIES } from "@/lib/os/os-families";
import { textProblem } from "@/lib/validation/text";

export type OsFamily = (typeof OS_FAMILIES)[number];
export const STEPS = ["instance", "eni", "ips", "os", "eips", "routes", "review"] as const;
export type StepId = (typeof STEPS)[number];

export type EipRow = { source: "existing" | "new" | "id"; allocationId: string; privateIp: string };

/**
 * Where an ENI comes from: an Available secondary ENI, a new one, or the instance's own primary ENI
 * (NAT-mode EIPs on its secondary private IPs; no ENI to attach, no policy routes in the guest).
 */
export type EniMode = "existing" | "create" | "primary";
/** A second or third ENI (spec v2's enis[1..]): the same choices as ENI 1, with its own IPs and EIPs. */
export type ExtraEni = {
  eniMode: EniMode;
  eniId: string;
  vSwitchId: string;
  securityGroupId: string;
  ipMode: "count" | "explicit";
  ipCount: number;
  ipAddresses: string;
  usePrimaryIp: boolean;
  eips: EipRow[];
};
/** ENIs besides ENI 1 the wizard offers (an instance type's ENI count rarely leaves room for more). */
export const MAX_EXTRA_ENIS = 2;
/**
 * One ENI of the form, numbered from 0: ENI 1 is the form's flat fields, the others its extraEnis.
 * `field` prefixes the fields of its issues ("" for ENI 1, "extraEnis.0." for ENI 2).
 */
export type EniForm = ExtraEni & { index: number; field: string };
/**
 * What a deployment being changed already has (not part of the spec): the ENI of each spec entry
 * (by index, "" when it is still to be made), the private IPs EIPilot assigned, and the EIPs it allocated.
 */
export type Deployed = { enis: string[]; ips: string[]; allocatedEips: number };

export type WizardForm = {
  name: string;
  cloudAccountId: string;
  regionId: string;
  instanceMode: "existing" | "create";
  instanceId: string;
  // instance creation (quick deploy)
  zoneId: string;
  instanceType: string;
  imageId: string;
  systemDiskCategory: "cloud_essd" | "cloud_ssd" | "cloud_efficiency" | "cloud_auto";
  password: string;
  instanceVSwitchId: string;
  instanceSecurityGroupId: string;
  // ENI 1 ("primary": the instance's own primary ENI)
  eniMode: EniMode;
  eniId: string;
  vSwitchId: string;
  securityGroupId: string;
  allowStopInstance: boolean;
  // private IPs
  ipMode: "count" | "explicit";
  ipCount: number;
  ipAddresses: string;
  usePrimaryIp: boolean;
  // guest OS: "" = detected from the image
  os: OsFamily | "";
  // EIPs
  eips: EipRow[];
  bandwidth: number;
  internetChargeType: "PayByTraffic" | "PayByBandwidth";
  traffic: "policy-routes" | "inbound-only";
  /** A change: release the EIPs this deployment allocated that the change removes or replaces (else they are kept). */
  releaseRemovedEips: boolean;
  /** The guest bundle installs the agent that follows the instance metadata. */
  guestAgent: boolean;
  /** ENI 2 and 3 (spec v2). */
  extraEnis: ExtraEni[];
  /** Set when the form edits a deployment that exists (Change): what it already has. */
  deployed?: Deployed;
};

/** What validation needs of the inventory (lib/deploy's Inventory without the region list and read time). */
export type InventoryLike = Omit<Inventory, "regions" | "readAt">;

/** An EIP looked up by id in another region (the wizard stores the answer). */
export type LocatedEip = { allocationId: string; regionId: string; status: string; ipAddress: string } | null;

export type Issue = { field: string; key: string; values?: Record<string, string | number> };
export type Issues = Record<StepId, Issue[]>;

export const EIP_QUOTA_DEFAULT = 20;

export function emptyForm(over: Partial<WizardForm> = {}): WizardForm {
  return {
    name: "",
    cloudAccountId: "",
    regionId: "",
    instanceMode: "existing",
    instanceId: "",
    zoneId: "",
    instanceType: "",
    imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
    systemDiskCategory: "cloud_essd",
    password: "",
    instanceVSwitchId: "",
    instanceSecurityGroupId: "",
    eniMode: "existing",
    eniId: "",
    vSwitchId: "",
    securityGroupId: "",
    allowStopInstance: false,
    ipMode: "count",
    ipCount: 2,
    ipAddresses: "",
    usePrimaryIp: true,
    os: "",
    eips: [{ source: "existing", allocationId: "", privateIp: "" }],
    bandwidth: 5,
    internetChargeType: "PayByTraffic",
    traffic: "policy-routes",
    releaseRemovedEips: false,
    guestAgent: false,
    extraEnis: [],
    ...over,
  };
}

/** A new ENI 2 or 3: created in the instance's vSwitch, one secondary IP, an EIP for each of its two addresses. */
export function emptyExtraEni(over: Partial<ExtraEni> = {}): ExtraEni {
  return {
    eniMode: "create",
    eniId: "",
    vSwitchId: "",
    securityGroupId: "",
    ipMode: "count",
    ipCount: 1,
    ipAddresses: "",
    usePrimaryIp: true,
    eips: [newEipRow(), newEipRow()],
    ...over,
  };
}
const newEipRow = (): EipRow => ({ source: "new", allocationId: "", privateIp: "" });

/** Every ENI of the form in spec order: ENI 1 (the flat fields), then the extras. */
export function enisOf(f: WizardForm): EniForm[] {
  const first: EniForm = {
    index: 0,
    field: "",
    eniMode: f.eniMode,
    eniId: f.eniId,
    vSwitchId: f.vSwitchId,
    securityGroupId: f.securityGroupId,
    ipMode: f.ipMode,
    ipCount: f.ipCount,
    ipAddresses: f.ipAddresses,
    // The primary ENI's primary IP is the instance's own address: never re-pointed.
    usePrimaryIp: f.eniMode !== "primary" && f.usePrimaryIp,
    eips: f.eips,
  };
  return [
    first,
    ...(f.extraEnis ?? []).map((e, i) => ({
      ...e,
      usePrimaryIp: e.eniMode !== "primary" && e.usePrimaryIp,
      index: i + 1,
      field: `extraEnis.${i}.`,
    })),
  ];
}
/**
 * What a deployment's resources record says it already has, for a Change: the ENI of each spec entry,
 * the private IPs EIPilot assigned and how many EIPs it allocated that the spec still lists. Reads the
 * per-ENI record (`enis[]`) and the older one-ENI record (`eniId`, `assignedIps`).
 */
export function deployedFromRecord(raw: unknown): Deployed {
  const r = (raw && typeof raw === "object" ? raw : {}) as {
    eniId?: string;
    assignedIps?: string[];
    enis?: Array<{ index?: number; eniId?: string; assignedIps?: string[] }>;
    eips?: Array<{ allocatedByUs?: boolean; specIndex?: number }>;
  };
  const enis: string[] = [];
  const ips: string[] = [];
  if (Array.isArray(r.enis) && r.enis.length)
    r.enis.forEach((e, k) => {
      enis[e.index ?? k] = e.eniId ?? "";
      ips.push(...(e.assignedIps ?? []));
    });
  else {
    if (r.eniId) enis[0] = r.eniId;
    ips.push(...(r.assignedIps ?? []));
  }
  const allocatedEips = (r.eips ?? []).filter((e) => e.allocatedByUs && e.specIndex !== -1).length;
  return { enis: Array.from(enis, (e) => e ?? ""), ips, allocatedEips };
}

/** Whether the form needs spec v2 (more than one ENI, or the primary ENI). */
export function isMultiEni(f: WizardForm): boolean {
  return (f.extraEnis?.length ?? 0) > 0 || f.eniMode === "primary";
}

// ---------------------------------------------------------------- addresses

// The arithmetic is lib/net's; the wizard's tests and callers import classifyInCidr from here.
export { classifyInCidr };
export function parseAddressList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
/** Free example addresses in a CIDR (for previews before the cloud picks real ones). */
export function exampleAddresses(cidr: string, used: string[], count: number): string[] {
  const c = parseCidr(cidr);
  if (!c) return [];
  const taken = new Set(used);
  const out: string[] = [];
  for (
    let n = c.base + 100 < c.base + c.size - 3 ? c.base + 100 : c.base + 1;
    n < c.base + c.size - 3 && out.length < count;
    n++
  ) {
    const ip = intToIp(n);
    if (!taken.has(ip)) out.push(ip);
  }
  return out;
}

// ---------------------------------------------------------------- OS detection

export function osFromImage(imageId: string, osName = ""): OsFamily {
  const s = `${imageId} ${osName}`.toLowerCase();
  if (/aliyun_2|alibaba cloud linux\s*2|alinux2|aliyun linux 2/.test(s)) return "alinux2";
  if (/aliyun_3|alibaba cloud linux\s*3|alinux3/.test(s)) return "alinux3";
  if (/centos[ _]?7/.test(s)) return "centos7";
  if (/rhel|red hat|rocky|alma|centos[ _]?(8|9)|anolis/.test(s)) return "rhel9";
  if (/ubuntu/.test(s)) return "ubuntu";
  if (/debian/.test(s)) return "debian";
  return "generic";
}

/** How each family's bundle persists the addresses: choosing another family of the same style changes nothing. */
const CONFIG_STYLE: Record<OsFamily, string> = {
  alinux2: "network-scripts",
  centos7: "network-scripts",
  alinux3: "keyfile",
  rhel9: "keyfile",
  ubuntu: "netplan",
  debian: "ifupdown",
  generic: "generic",
};

/**
 * A warning when the OS family chosen on the OS step does not fit the OS the instance runs
 * (DescribeInstances' OSName/OSType; for a new instance, its image): the bundle would write files the
 * guest does not read. Nothing while the family is detected, or when the instance's OS is not known.
 */
export function osWarnings(f: WizardForm, inv: Pick<InventoryLike, "instance" | "instances"> | null): Issue[] {
  if (!f.os) return [];
  const inst =
    f.instanceMode === "existing"
      ? ((inv?.instance?.instance.instanceId === f.instanceId
          ? inv.instance.instance
          : inv?.instances.find((i) => i.instanceId === f.instanceId)) ?? null)
      : null;
  if (f.instanceMode === "existing" && !inst) return [];
  const osName = inst ? inst.osName || inst.imageId : f.imageId;
  if (inst && /windows/i.test(`${inst.osType} ${inst.osName}`))
    return [{ field: "os", key: "osWindows", values: { osName } }];
  const detected = inst ? osFromImage(inst.imageId, inst.osName) : osFromImage(f.imageId);
  if (detected === "generic" || f.os === "generic" || CONFIG_STYLE[f.os] === CONFIG_STYLE[detected]) return [];
  return [{ field: "os", key: "osMismatch", values: { chosen: f.os, detected, osName } }];
}

// ---------------------------------------------------------------- spec ⇄ form

type SpecLike = Record<string, unknown>;

/**
 * The name the ENI and the EIPs the app creates carry in the console: the deployment's (EIPs get
 * "-1", "-2"…), in the characters every Alibaba Cloud name accepts (letters, digits, . _ -, starting
 * with a letter), so they can be told apart from another deployment's — not "eipilot-1..3" for all.
 * Empty when nothing of the name is left (a Japanese-only name): the engine's default then.
 */
export function resourceName(deploymentName: string): string {
  const ascii = deploymentName
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^A-Za-z]+/, "")
    .replace(/[-.]+$/, "")
    .slice(0, 90);
  return ascii.length >= 2 ? ascii : "";
}

function eniSpecOf(e: EniForm): SpecLike {
  switch (e.eniMode) {
    case "primary":
      return { mode: "primary" };
    case "existing":
      return { mode: "existing", networkInterfaceId: e.eniId };
    case "create":
      return { mode: "create", vSwitchId: e.vSwitchId, securityGroupId: e.securityGroupId };
  }
}
function entryOf(e: EniForm): { eni: SpecLike; privateIps: SpecLike; usePrimaryIp: boolean; eips: SpecLike[] } {
  return {
    eni: eniSpecOf(e),
    privateIps:
      e.ipMode === "count"
        ? { mode: "count", count: Math.max(0, Math.floor(Number(e.ipCount) || 0)) }
        : { mode: "explicit", addresses: parseAddressList(e.ipAddresses) },
    usePrimaryIp: e.usePrimaryIp,
    eips: e.eips.map((r) => ({
      ...(r.source !== "new" && r.allocationId ? { allocationId: r.allocationId.trim() } : {}),
      ...(r.privateIp ? { privateIp: r.privateIp } : {}),
    })),
  };
}

/** The spec the form asks for: v1 for one secondary ENI (as always), v2 for several ENIs or the primary ENI. */
export function specFromForm(f: WizardForm, inv?: Pick<InventoryLike, "instance" | "instances"> | null): SpecLike {
  const instance =
    f.instanceMode === "existing"
      ? { mode: "existing", instanceId: f.instanceId }
      : {
          mode: "create",
          zoneId: f.zoneId,
          instanceType: f.instanceType,
          imageId: f.imageId,
          systemDiskCategory: f.systemDiskCategory,
          vSwitchId: f.instanceVSwitchId,
          securityGroupId: f.instanceSecurityGroupId,
          ...(f.password ? { password: f.password } : {}),
        };
  const enis = enisOf(f).map(entryOf);
  // The ENIs the app creates carry the deployment's name in the console.
  for (const e of enis) if (e.eni.mode === "create" && resourceName(f.name)) e.eni.name = resourceName(f.name);
  const rest = {
    eipAllocation: {
      bandwidth: f.bandwidth,
      internetChargeType: f.internetChargeType,
      namePrefix: resourceName(f.name) || "eipilot",
    },
    allowStopInstance: f.allowStopInstance,
    os: resolvedOs(f, inv ?? null),
    traffic: f.traffic,
    eipQuota: EIP_QUOTA_DEFAULT,
    ...(f.releaseRemovedEips ? { releaseRemovedEips: true } : {}),
    ...(f.guestAgent && f.traffic === "policy-routes" ? { guestAgent: true } : {}),
  };
  const head = { cloudAccountId: f.cloudAccountId, regionId: f.regionId, instance };
  if (isMultiEni(f)) return { specVersion: 2, ...head, enis, ...rest };
  return { specVersion: 1, ...head, ...enis[0]!, ...rest };
}

export function resolvedOs(f: WizardForm, inv: Pick<InventoryLike, "instance" | "instances"> | null): OsFamily {
  if (f.os) return f.os;
  if (f.instanceMode === "create") return osFromImage(f.imageId);
  const inst = inv?.instance?.instance ?? inv?.instances.find((i) => i.instanceId === f.instanceId);
  return inst ? osFromImage(inst.imageId, inst.osName) : "generic";
}

type EntryLike = {
  eni?: { mode?: string; networkInterfaceId?: string; vSwitchId?: string; securityGroupId?: string };
  privateIps?: { mode?: string; count?: number; addresses?: string[] };
  usePrimaryIp?: boolean;
  /** pickExisting: from a shared config — an existing EIP the user must choose in this account. */
  eips?: Array<{ allocationId?: string; privateIp?: string; pickExisting?: boolean }>;
};
const eniModeOf = (m: string | undefined): EniMode => (m === "create" || m === "primary" ? m : "existing");
function eipRowsOf(entry: EntryLike, eipSources?: Record<string, "existing" | "id">): EipRow[] | null {
  if (!Array.isArray(entry.eips) || !entry.eips.length) return null;
  return entry.eips.map((e) => ({
    source: e.allocationId ? (eipSources?.[e.allocationId] ?? "existing") : e.pickExisting ? "existing" : "new",
    allocationId: e.allocationId ?? "",
    privateIp: e.privateIp ?? "",
  }));
}
/** ENI 2 or 3 of a v2 spec as the form holds it. */
function extraFromEntry(entry: EntryLike, eipSources?: Record<string, "existing" | "id">): ExtraEni {
  const mode = eniModeOf(entry.eni?.mode);
  return emptyExtraEni({
    eniMode: mode,
    eniId: entry.eni?.networkInterfaceId ?? "",
    vSwitchId: entry.eni?.vSwitchId ?? "",
    securityGroupId: entry.eni?.securityGroupId ?? "",
    ipMode: entry.privateIps?.mode === "explicit" ? "explicit" : "count",
    ipCount: typeof entry.privateIps?.count === "number" ? entry.privateIps.count : 0,
    ipAddresses: (entry.privateIps?.addresses ?? []).join("\n"),
    usePrimaryIp: typeof entry.usePrimaryIp === "boolean" ? entry.usePrimaryIp : mode !== "primary",
    eips: eipRowsOf(entry, eipSources) ?? [],
  });
}

/** The form of a stored spec, v1 or v2 (v2's enis[0] fills ENI 1's fields, enis[1..] the extras). */
export function formFromSpec(spec: SpecLike, name: string, eipSources?: Record<string, "existing" | "id">): WizardForm {
  if (spec.specVersion === 2 && Array.isArray(spec.enis)) {
    const [first, ...others] = spec.enis as EntryLike[];
    const f = formFromSpec({ ...spec, specVersion: 1, enis: undefined, ...(first ?? {}) }, name, eipSources);
    if (first?.eni?.mode === "primary") Object.assign(f, { eniMode: "primary", usePrimaryIp: false });
    f.extraEnis = others.slice(0, MAX_EXTRA_ENIS).map((e) => extraFromEntry(e, eipSources));
    return f;
  }
  const f = emptyForm({ name });
  const s = spec as {
    cloudAccountId?: string;
    regionId?: string;
    usePrimaryIp?: boolean;
    allowStopInstance?: boolean;
    os?: OsFamily;
    traffic?: WizardForm["traffic"];
    releaseRemovedEips?: boolean;
    guestAgent?: boolean;
    instance?: {
      mode?: string;
      instanceId?: string;
      zoneId?: string;
      instanceType?: string;
      imageId?: string;
      systemDiskCategory?: WizardForm["systemDiskCategory"];
      vSwitchId?: string;
      securityGroupId?: string;
    };
    eni?: { mode?: string; networkInterfaceId?: string; vSwitchId?: string; securityGroupId?: string };
    privateIps?: { mode?: string; count?: number; addresses?: string[] };
    /** pickExisting: from a shared config — an existing EIP the user must choose in this account. */
    eips?: Array<{ allocationId?: string; privateIp?: string; pickExisting?: boolean }>;
    eipAllocation?: { bandwidth?: number; internetChargeType?: WizardForm["internetChargeType"] };
    detectOs?: boolean;
  };
  f.cloudAccountId = s.cloudAccountId ?? "";
  f.regionId = s.regionId ?? "";
  if (s.instance?.mode === "create") {
    Object.assign(f, {
      instanceMode: "create",
      zoneId: s.instance.zoneId ?? "",
      instanceType: s.instance.instanceType ?? "",
      imageId: s.instance.imageId ?? f.imageId,
      systemDiskCategory: s.instance.systemDiskCategory ?? "cloud_essd",
      instanceVSwitchId: s.instance.vSwitchId ?? "",
      instanceSecurityGroupId: s.instance.securityGroupId ?? "",
    });
  } else f.instanceId = s.instance?.instanceId ?? "";
  if (s.eni?.mode === "create")
    Object.assign(f, {
      eniMode: "create",
      vSwitchId: s.eni.vSwitchId ?? "",
      securityGroupId: s.eni.securityGroupId ?? "",
    });
  else f.eniId = s.eni?.networkInterfaceId ?? "";
  if (s.privateIps?.mode === "explicit")
    Object.assign(f, { ipMode: "explicit", ipAddresses: (s.privateIps.addresses ?? []).join("\n") });
  else if (typeof s.privateIps?.count === "number") f.ipCount = s.privateIps.count;
  if (typeof s.usePrimaryIp === "boolean") f.usePrimaryIp = s.usePrimaryIp;
  if (typeof s.allowStopInstance === "boolean") f.allowStopInstance = s.allowStopInstance;
  if (s.os) f.os = s.os;
  if (s.traffic) f.traffic = s.traffic;
  if (s.releaseRemovedEips === true) f.releaseRemovedEips = true;
  if (s.guestAgent === true) f.guestAgent = true;
  if (s.eipAllocation?.bandwidth) f.bandwidth = s.eipAllocation.bandwidth;
  if (s.eipAllocation?.internetChargeType) f.internetChargeType = s.eipAllocation.internetChargeType;
  const rows = eipRowsOf(s, eipSources);
  if (rows) f.eips = rows;
  return f;
}

/**
 * The form of a deployment being changed: its spec, what it already has (`deployed`), and a created
 * instance as the existing one it now is (the password of its creation is not asked again).
 */
export function formForChange(spec: SpecLike, name: string, deployed: Deployed, instanceId: string | null): WizardForm {
  const f = { ...formFromSpec(spec, name), deployed };
  if (f.instanceMode === "create" && instanceId) return { ...f, instanceMode: "existing", instanceId, password: "" };
  return f;
}

// ---------------------------------------------------------------- derived facts

export function chosenInstance(f: WizardForm, inv: InventoryLike | null): InstanceDto | null {
  if (!inv || f.instanceMode !== "existing") return null;
  return inv.instance?.instance.instanceId === f.instanceId
    ? inv.instance.instance
    : (inv.instances.find((i) => i.instanceId === f.instanceId) ?? null);
}
export function chosenType(f: WizardForm, inv: InventoryLike | null): InstanceTypeDto | null {
  if (!inv) return null;
  if (f.instanceMode === "create") return inv.instanceTypes.find((t) => t.instanceTypeId === f.instanceType) ?? null;
  const inst = chosenInstance(f, inv);
  if (!inst) return null;
  return (
    (inv.instance?.instance.instanceId === inst.instanceId ? inv.instance.type : null) ??
    inv.instanceTypes.find((t) => t.instanceTypeId === inst.instanceType) ??
    null
  );
}
/** The instance's own primary ENI, as read with the chosen instance (null for a new instance or before it is read). */
export function primaryEniOf(f: WizardForm, inv: InventoryLike | null): EniView | null {
  if (!inv?.instance || f.instanceMode !== "existing" || inv.instance.instance.instanceId !== f.instanceId) return null;
  return inv.instance.enis.find((e) => e.type === "Primary") ?? null;
}
/** The ENI an entry names in the cloud: the existing one, the primary ENI, or (Change) the one made for it. */
export function chosenEniOf(e: EniForm, f: WizardForm, inv: InventoryLike | null): EniView | null {
  if (!inv) return null;
  if (e.eniMode === "primary") return primaryEniOf(f, inv);
  const id = e.eniMode === "existing" ? e.eniId : (f.deployed?.enis[e.index] ?? "");
  if (!id) return null;
  return (
    inv.enis.find((x) => x.networkInterfaceId === id) ??
    inv.instance?.enis.find((x) => x.networkInterfaceId === id) ??
    null
  );
}
export function chosenEni(f: WizardForm, inv: InventoryLike | null): EniView | null {
  return chosenEniOf(enisOf(f)[0]!, f, inv);
}
/** Where the instance lives (existing: from the cloud; create: from the form). */
export function instancePlace(f: WizardForm, inv: InventoryLike | null): { zoneId: string; vpcId: string } | null {
  if (f.instanceMode === "create") {
    const vsw = inv?.vSwitches.find((v) => v.vSwitchId === f.instanceVSwitchId);
    return f.zoneId || vsw ? { zoneId: f.zoneId || vsw?.zoneId || "", vpcId: vsw?.vpcId ?? "" } : null;
  }
  const i = chosenInstance(f, inv);
  return i ? { zoneId: i.zoneId, vpcId: i.vpcId } : null;
}
/**
 * The ENI to preselect: the only Available secondary ENI in the instance's zone and VPC — one the user
 * would pick anyway. Never an InUse one (attached here or to another instance: AttachNetworkInterface
 * refuses it), and nothing when there are several to choose from or none.
 */
export function soleAvailableEni(f: WizardForm, inv: InventoryLike | null): EniView | null {
  const place = instancePlace(f, inv);
  if (!inv || !place?.zoneId) return null;
  const free = inv.enis.filter(
    (e) =>
      e.status === "Available" &&
      e.type !== "Primary" &&
      e.zoneId === place.zoneId &&
      (!place.vpcId || e.vpcId === place.vpcId),
  );
  return free.length === 1 ? free[0]! : null;
}
/** The vSwitch an ENI lives in (existing ENI's or the primary ENI's, or the one chosen for a new ENI). */
export function eniVSwitchOf(e: EniForm, f: WizardForm, inv: InventoryLike | null): VSwitchDto | null {
  if (!inv) return null;
  const id = e.eniMode === "create" ? e.vSwitchId : chosenEniOf(e, f, inv)?.vSwitchId;
  return inv.vSwitches.find((v) => v.vSwitchId === id) ?? null;
}
export function eniVSwitch(f: WizardForm, inv: InventoryLike | null): VSwitchDto | null {
  return eniVSwitchOf(enisOf(f)[0]!, f, inv);
}
export function secondaryCountOf(e: Pick<ExtraEni, "ipMode" | "ipCount" | "ipAddresses">): number {
  return e.ipMode === "count"
    ? Math.max(0, Math.floor(Number(e.ipCount) || 0))
    : parseAddressList(e.ipAddresses).length;
}
export function secondaryCount(f: WizardForm): number {
  return secondaryCountOf(f);
}
/** The private IPs an ENI's EIPs can map to: its primary IP (if used) and the secondaries (explicit, or "auto #n"). */
export function eipTargetsOf(
  e: EniForm,
  f: WizardForm,
  inv: InventoryLike | null,
): Array<{ value: string; label: string; auto: boolean }> {
  const eni = chosenEniOf(e, f, inv);
  const out: Array<{ value: string; label: string; auto: boolean }> = [];
  if (e.usePrimaryIp)
    out.push(
      eni ? { value: eni.primaryIp, label: eni.primaryIp, auto: false } : { value: "", label: "primary", auto: true },
    );
  if (e.ipMode === "explicit")
    for (const ip of parseAddressList(e.ipAddresses)) out.push({ value: ip, label: ip, auto: false });
  else for (let i = 0; i < secondaryCountOf(e); i++) out.push({ value: "", label: `#${i + 1}`, auto: true });
  return out;
}
export function eipTargets(
  f: WizardForm,
  inv: InventoryLike | null,
): Array<{ value: string; label: string; auto: boolean }> {
  return eipTargetsOf(enisOf(f)[0]!, f, inv);
}

/**
 * Room for secondary IPs on an ENI under the instance type's per-ENI quota (which counts the ENI's
 * primary IP): `max` new secondaries, besides `others` already on it (not EIPilot's, on a Change).
 * Null while the type is unknown.
 */
export function ipRoomOf(
  e: EniForm,
  f: WizardForm,
  inv: InventoryLike | null,
): { type: string; quota: number; others: number; max: number } | null {
  const type = chosenType(f, inv);
  if (!type) return null;
  const eni = chosenEniOf(e, f, inv);
  const listed = e.ipMode === "explicit" ? parseAddressList(e.ipAddresses) : [];
  const ours = new Set(f.deployed?.ips ?? []);
  const others = eni ? eni.privateIps.filter((p) => !p.primary && !listed.includes(p.ip) && !ours.has(p.ip)).length : 0;
  return {
    type: type.instanceTypeId,
    quota: type.eniPrivateIpAddressQuantity,
    others,
    max: Math.max(0, type.eniPrivateIpAddressQuantity - 1 - others),
  };
}
export function ipRoom(
  f: WizardForm,
  inv: InventoryLike | null,
): { type: string; quota: number; others: number; max: number } | null {
  return ipRoomOf(enisOf(f)[0]!, f, inv);
}
/** ENIs on the instance now (primary included) and the type's quota; null while either is unknown. */
export function eniSlots(
  f: WizardForm,
  inv: InventoryLike | null,
): { now: number; quota: number; free: number } | null {
  const inst = chosenInstance(f, inv);
  const type = chosenType(f, inv);
  if (!inst || !type) return null;
  const now =
    inv?.instance?.instance.instanceId === inst.instanceId ? inv.instance.enis.length || inst.eniCount : inst.eniCount;
  return { now, quota: type.eniQuantity, free: Math.max(0, type.eniQuantity - now) };
}

// ---------------------------------------------------------------- validation

const RUNNABLE = new Set(["Running", "Stopped"]);

type AddIssue = (step: StepId, field: string, key: string, values?: Issue["values"]) => void;

/** Every problem of the form, by step: one checker per step, each adding only to its own step's list. */
export function validate(f: WizardForm, inv: InventoryLike | null, located: Record<string, LocatedEip> = {}): Issues {
  const out: Issues = { instance: [], eni: [], ips: [], os: [], eips: [], routes: [], review: [] };
  const add: AddIssue = (step, field, key, values) => out[step].push({ field, key, ...(values ? { values } : {}) });
  validateInstance(f, inv, add);
  validateEni(f, inv, add);
  validateIps(f, inv, add);
  validateEips(f, inv, located, add);
  return out;
}

/** 1. account, region, instance (an existing one, or the fields of a new one). */
function validateInstance(f: WizardForm, inv: InventoryLike | null, add: AddIssue) {
  if (!f.name.trim()) add("instance", "name", "nameRequired");
  else if (textProblem(f.name.trim())) add("instance", "name", "nameInvalid");
  if (!f.cloudAccountId) add("instance", "cloudAccountId", "accountRequired");
  if (!f.regionId) add("instance", "regionId", "regionRequired");
  const inst = chosenInstance(f, inv);
  if (f.instanceMode === "existing") {
    if (!f.instanceId) add("instance", "instanceId", "instanceRequired");
    else if (inv && !inst)
      add("instance", "instanceId", "instanceNotFound", { instance: f.instanceId, region: f.regionId });
    else if (inst && !RUNNABLE.has(inst.status))
      add("instance", "instanceId", "instanceState", { instance: inst.instanceId, status: inst.status });
  } else {
    if (!f.zoneId) add("instance", "zoneId", "zoneRequired");
    if (!f.instanceType) add("instance", "instanceType", "typeRequired");
    if (!f.imageId) add("instance", "imageId", "imageRequired");
    if (!f.instanceVSwitchId) add("instance", "instanceVSwitchId", "vSwitchRequired");
    else {
      const v = inv?.vSwitches.find((x) => x.vSwitchId === f.instanceVSwitchId);
      if (v && f.zoneId && v.zoneId !== f.zoneId)
        add("instance", "instanceVSwitchId", "vSwitchZone", { vSwitch: v.vSwitchId, zone: v.zoneId, wanted: f.zoneId });
    }
    if (!f.instanceSecurityGroupId) add("instance", "instanceSecurityGroupId", "securityGroupRequired");
    if (
      f.password.length < 8 ||
      f.password.length > 30 ||
      !/[a-z]/.test(f.password) ||
      !/[A-Z]/.test(f.password) ||
      !/\d/.test(f.password)
    )
      add("instance", "password", "passwordRule");
  }
}

/** Where an ENI's issues go: ENI 1's to their own step and field; ENI 2's and 3's to the ENI step, prefixed. */
function placeOf(e: EniForm): (step: "eni" | "ips" | "eips") => StepId {
  return (step) => (e.index === 0 ? step : "eni");
}

/** 2. the ENIs: each an existing one fit for the instance, a vSwitch and group for a new one, or the primary ENI. */
function validateEni(f: WizardForm, inv: InventoryLike | null, add: AddIssue) {
  const inst = chosenInstance(f, inv);
  const type = chosenType(f, inv);
  const enis = enisOf(f);
  const seen = new Set<string>();
  for (const e of enis) {
    validateOneEni(e, f, inv, add);
    if (e.eniMode === "existing" && e.eniId) {
      if (seen.has(e.eniId)) add("eni", `${e.field}eniId`, "eniTwice", { eni: e.eniId });
      seen.add(e.eniId);
    }
    if (e.index > 0 && e.eniMode === "primary" && enis.some((o) => o.index < e.index && o.eniMode === "primary"))
      add("eni", `${e.field}eniMode`, "primaryEniTwice");
  }
  // The type's ENI count, across every ENI still to attach (the primary ENI and those already on it take no slot).
  const slots = eniSlots(f, inv);
  if (!type || !inst || !slots) return;
  let needed = 0;
  for (const e of enis) {
    if (e.eniMode === "primary") continue;
    const eni = chosenEniOf(e, f, inv);
    if (eni && eni.instanceId === inst.instanceId) continue;
    needed++;
    if (slots.now + needed > slots.quota) {
      const values = { type: type.instanceTypeId, quota: type.eniQuantity, now: slots.now, instance: inst.instanceId };
      add("eni", `${e.field}eniId`, e.index === 0 ? "eniQuota" : "eniQuotaMore", { ...values, n: e.index + 1 });
      break;
    }
  }
  if (needed > 0 && type.stoppedOnly && inst.status === "Running" && !f.allowStopInstance)
    add("eni", "allowStopInstance", "mustStop", { type: type.instanceTypeId, instance: inst.instanceId });
}

function validateOneEni(e: EniForm, f: WizardForm, inv: InventoryLike | null, add: AddIssue) {
  const inst = chosenInstance(f, inv);
  const place = instancePlace(f, inv);
  const eni = chosenEniOf(e, f, inv);
  const field = (name: string) => `${e.field}${name}`;
  if (e.eniMode === "primary") {
    // A new instance's primary ENI is made with it; an existing one's is read with the instance.
    if (f.instanceMode === "existing" && inst && inv?.instance?.instance.instanceId === inst.instanceId && !eni)
      add("eni", field("eniMode"), "primaryEniUnknown", { instance: inst.instanceId });
  } else if (e.eniMode === "existing") {
    if (!e.eniId) add("eni", field("eniId"), "eniRequired");
    else if (inv && !eni) add("eni", field("eniId"), "eniNotFound", { eni: e.eniId });
    else if (eni) {
      const attachedHere = !!inst && eni.instanceId === inst.instanceId;
      if (eni.type === "Primary") add("eni", field("eniId"), "eniPrimary", { eni: eni.networkInterfaceId });
      else if (!attachedHere && eni.status !== "Available")
        add("eni", field("eniId"), "eniNotAvailable", { eni: eni.networkInterfaceId, status: eni.status });
      if (place?.vpcId && eni.vpcId !== place.vpcId)
        add("eni", field("eniId"), "eniVpc", {
          eni: eni.networkInterfaceId,
          vpc: eni.vpcId,
          instanceVpc: place.vpcId,
        });
      else if (place?.zoneId && eni.zoneId !== place.zoneId)
        add("eni", field("eniId"), "eniZone", {
          eni: eni.networkInterfaceId,
          zone: eni.zoneId,
          instanceZone: place.zoneId,
          instance: inst?.instanceId ?? "—",
        });
    }
  } else {
    const v = inv?.vSwitches.find((x) => x.vSwitchId === e.vSwitchId);
    if (!e.vSwitchId) add("eni", field("vSwitchId"), "vSwitchRequired");
    else if (v && place?.vpcId && v.vpcId !== place.vpcId)
      add("eni", field("vSwitchId"), "vSwitchVpc", { vSwitch: v.vSwitchId, vpc: v.vpcId, instanceVpc: place.vpcId });
    else if (v && place?.zoneId && v.zoneId !== place.zoneId)
      add("eni", field("vSwitchId"), "vSwitchZoneEni", {
        vSwitch: v.vSwitchId,
        zone: v.zoneId,
        instanceZone: place.zoneId,
      });
    const sg = inv?.securityGroups.find((x) => x.securityGroupId === e.securityGroupId);
    if (!e.securityGroupId) add("eni", field("securityGroupId"), "securityGroupRequired");
    else if (sg && v && sg.vpcId !== v.vpcId)
      add("eni", field("securityGroupId"), "securityGroupVpc", { sg: sg.securityGroupId, vpc: v.vpcId });
  }
}

/** 3. the private IPs of each ENI: a count in range, or addresses that are valid, unique, inside the vSwitch and free. */
function validateIps(f: WizardForm, inv: InventoryLike | null, add: AddIssue) {
  const enis = enisOf(f);
  // Explicit addresses of the other ENIs of this form: an address can be on one ENI only.
  const listedBy = new Map<string, number>();
  for (const e of enis)
    if (e.ipMode === "explicit")
      for (const ip of parseAddressList(e.ipAddresses)) if (!listedBy.has(ip)) listedBy.set(ip, e.index);
  for (const e of enis) validateOneEniIps(e, f, inv, listedBy, add);
}

function inUseAddresses(
  eni: EniView | null,
  inv: InventoryLike | null,
  ours: ReadonlySet<string>,
): Map<string, string> {
  const inUse = new Map<string, string>();
  for (const e of [...(inv?.enis ?? []), ...(inv?.instance?.enis ?? [])])
    for (const p of e.privateIps)
      if ((e.networkInterfaceId !== eni?.networkInterfaceId || p.primary) && !ours.has(p.ip))
        inUse.set(p.ip, e.networkInterfaceId);
  for (const i of inv?.instances ?? []) if (i.primaryIp) inUse.set(i.primaryIp, i.instanceId);
  return inUse;
}

function validateOneEniIps(
  e: EniForm,
  f: WizardForm,
  inv: InventoryLike | null,
  listedBy: ReadonlyMap<string, number>,
  add: AddIssue,
) {
  const step = placeOf(e)("ips");
  const countField = `${e.field}ipCount`;
  const listField = `${e.field}ipAddresses`;
  const eni = chosenEniOf(e, f, inv);
  const vsw = eniVSwitchOf(e, f, inv);
  const n = secondaryCountOf(e);
  if (e.ipMode === "count") {
    if (!Number.isInteger(Number(e.ipCount)) || Number(e.ipCount) < 0 || Number(e.ipCount) > 49)
      add(step, countField, "countRange");
  } else {
    const list = parseAddressList(e.ipAddresses);
    if (!list.length) add(step, listField, "addressesRequired");
    const seen = new Set<string>();
    const inUse = inUseAddresses(eni, inv, new Set(f.deployed?.ips ?? []));
    for (const ip of list) {
      if (!isIpv4(ip)) {
        add(step, listField, "addressInvalid", { ip });
        continue;
      }
      if (seen.has(ip)) {
        add(step, listField, "addressDuplicate", { ip });
        continue;
      }
      seen.add(ip);
      const first = listedBy.get(ip);
      if (first !== undefined && first !== e.index) {
        add(step, listField, "addressOtherEni", { ip, n: first + 1 });
        continue;
      }
      if (vsw) {
        const c = classifyInCidr(ip, vsw.cidrBlock);
        if (c === "outside")
          add(step, listField, "addressOutside", { ip, cidr: vsw.cidrBlock, vSwitch: vsw.vSwitchId });
        else if (c === "reserved") add(step, listField, "addressReserved", { ip, cidr: vsw.cidrBlock });
        else if (inUse.has(ip)) add(step, listField, "addressInUse", { ip, holder: inUse.get(ip)! });
      }
    }
  }
  const room = ipRoomOf(e, f, inv);
  if (room) {
    const total = 1 + room.others + n;
    if (total > room.quota)
      add(step, e.ipMode === "count" ? countField : listField, e.eniMode === "primary" ? "ipQuotaPrimary" : "ipQuota", {
        type: room.type,
        quota: room.quota,
        total,
        max: room.max,
      });
  }
  const isNew = e.eniMode === "create" && !f.deployed?.enis[e.index];
  if (vsw && e.ipMode === "count" && n + (isNew ? 1 : 0) > vsw.availableIpAddressCount)
    add(step, countField, "vSwitchFull", { vSwitch: vsw.vSwitchId, free: vsw.availableIpAddressCount });
}

/** 5. the EIPs: no more than each ENI's addresses, each one found, Available and in the region, targets unique. */
function validateEips(f: WizardForm, inv: InventoryLike | null, located: Record<string, LocatedEip>, add: AddIssue) {
  const enis = enisOf(f);
  const ids = new Set<string>();
  const total = enis.reduce((a, e) => a + e.eips.length, 0);
  if (!total) add("eips", "eips", "eipsRequired");
  for (const e of enis) validateOneEniEips(e, f, inv, located, ids, add);
  const toAllocate = Math.max(
    0,
    enis.reduce((a, e) => a + e.eips.filter((r) => r.source === "new").length, 0) - (f.deployed?.allocatedEips ?? 0),
  );
  if (inv && toAllocate > 0 && inv.eipTotal + toAllocate > EIP_QUOTA_DEFAULT)
    add("eips", "eips", "eipQuota", { quota: EIP_QUOTA_DEFAULT, used: inv.eipTotal, asked: toAllocate });
  if (f.bandwidth < 1 || f.bandwidth > 500) add("eips", "bandwidth", "bandwidthRange");
}

function validateOneEniEips(
  e: EniForm,
  f: WizardForm,
  inv: InventoryLike | null,
  located: Record<string, LocatedEip>,
  ids: Set<string>,
  add: AddIssue,
) {
  const step = placeOf(e)("eips");
  const eni = chosenEniOf(e, f, inv);
  const inst = chosenInstance(f, inv);
  const slots = secondaryCountOf(e) + (e.usePrimaryIp ? 1 : 0);
  if (e.eips.length > slots) add(step, `${e.field}eips`, "eipsMoreThanIps", { eips: e.eips.length, slots });
  const targets = new Set<string>();
  const allowedTargets = new Set(
    eipTargetsOf(e, f, inv)
      .filter((t) => !t.auto)
      .map((t) => t.value),
  );
  e.eips.forEach((r, i) => {
    const field = `${e.field}eips.${i}`;
    const row = i + 1;
    if (r.source !== "new") {
      const idv = r.allocationId.trim();
      if (!idv) add(step, field, r.source === "id" ? "eipIdRequired" : "eipPick", { row });
      else if (!/^eip-[a-z0-9]+$/.test(idv)) add(step, field, "eipIdFormat", { row });
      else if (ids.has(idv)) add(step, field, "eipDuplicate", { row, eip: idv });
      else {
        ids.add(idv);
        const here = inv?.eips.find((x) => x.allocationId === idv);
        const away = located[idv];
        const ours =
          !!here &&
          ((!!eni && here.instanceId === eni.networkInterfaceId) || (!!inst && here.instanceId === inst.instanceId));
        if (here) {
          if (here.status !== "Available" && !ours)
            add(step, field, "eipNotAvailable", { row, eip: idv, status: here.status });
        } else if (away && away.regionId && away.regionId !== f.regionId)
          add(step, field, "eipRegion", { row, eip: idv, region: away.regionId, wanted: f.regionId });
        else if (inv && (away === null || r.source === "existing"))
          add(step, field, "eipNotFound", { row, eip: idv, region: f.regionId });
      }
    }
    if (r.privateIp) {
      if (targets.has(r.privateIp)) add(step, field, "eipTargetDuplicate", { row, ip: r.privateIp });
      else if (allowedTargets.size && !allowedTargets.has(r.privateIp) && e.ipMode === "explicit")
        add(step, field, "eipTargetUnknown", { row, ip: r.privateIp });
      targets.add(r.privateIp);
    }
  });
}

/**
 * The EIP step's starting rows: one EIP per private IP (EIPilot's purpose is one EIP per address), the
 * team's Available EIPs of the region first (`available`, allocation ids), new pay-as-you-go ones after:
 * an EIP already paid for is used before another is allocated.
 */
export function defaultEips(f: WizardForm, available: readonly string[] = []): EipRow[] {
  return Array.from({ length: Math.max(1, eipSlotsOf(enisOf(f)[0]!)) }, (_, i) =>
    available[i] ? { source: "existing" as const, allocationId: available[i], privateIp: "" } : newEipRow(),
  );
}
/** How many addresses of an ENI can carry an EIP. */
export function eipSlotsOf(
  e: Pick<ExtraEni, "ipMode" | "ipCount" | "ipAddresses" | "usePrimaryIp" | "eniMode">,
): number {
  return secondaryCountOf(e) + (e.usePrimaryIp && e.eniMode !== "primary" ? 1 : 0);
}
/**
 * An extra ENI after a change to its addresses: rows that are all "new EIP" and unmapped follow the
 * number of addresses (one EIP per address); rows the user picked stay as they are.
 */
export function withFollowingEips(e: ExtraEni): ExtraEni {
  const untouched = e.eips.every((r) => r.source === "new" && !r.privateIp);
  return untouched ? { ...e, eips: Array.from({ length: eipSlotsOf(e) }, newEipRow) } : e;
}
/**
 * The placeholder row of a new form (nothing chosen, nothing mapped). Saved in a draft it comes back
 * as one "new" row, so either source counts.
 */
export function isPlaceholderEips(rows: EipRow[]): boolean {
  return rows.length === 1 && rows[0]!.source !== "id" && !rows[0]!.allocationId && !rows[0]!.privateIp;
}
/** Not blocking, but against the purpose: private IPs left without an EIP. */
export function formWarnings(f: WizardForm): Issue[] {
  return enisOf(f).flatMap((e) => {
    const slots = secondaryCountOf(e) + (e.usePrimaryIp ? 1 : 0);
    const eips = e.eips.length;
    return eips > 0 && eips < slots
      ? [{ field: `${e.field}eips`, key: "eipsFewerThanIps", values: { eips, slots, missing: slots - eips } }]
      : [];
  });
}

export type StepState = "done" | "current" | "blocked" | "todo";
/** Stepper state: a step with issues is blocked once visited; a visited clean step is done. */
export function stepStates(current: StepId, visited: Set<StepId>, issues: Issues): Record<StepId, StepState> {
  const r = {} as Record<StepId, StepState>;
  for (const s of STEPS)
    r[s] =
      s === current ? "current" : issues[s].length && visited.has(s) ? "blocked" : visited.has(s) ? "done" : "todo";
  return r;
}
/**
 * Steps counted as visited when the wizard opens on `step`: the ones before it (a resumed draft has
 * been through them). Later steps stay unvisited, so they are never shown as done before the user sees them.
 */
export function visitedBefore(step: StepId): Set<StepId> {
  return new Set(STEPS.slice(0, STEPS.indexOf(step)));
}
/**
 * The problems to show now: all of them once the user tried to leave the step (or resumed a draft
 * on it), else only those of fields the user changed — never before anything was typed.
 */
export function visibleIssues(list: Issue[], stepAttempted: boolean, touchedFields: ReadonlySet<string>): Issue[] {
  return stepAttempted ? list : list.filter((i) => touchedFields.has(i.field.split(".")[0]!));
}
/** A step named in the URL (`?step=…`), or null when absent or unknown. */
export function parseStep(value: string | null | undefined): StepId | null {
  return value && (STEPS as readonly string[]).includes(value) ? (value as StepId) : null;
}
/** Where a navigation to `target` lands: the first earlier step that still has problems, else `target`. */
export function guardStep(target: StepId, issues: Issues): StepId {
  return STEPS.slice(0, STEPS.indexOf(target)).find((s) => issues[s].length > 0) ?? target;
}
export function totalIssues(issues: Issues): number {
  return STEPS.reduce((a, s) => a + issues[s].length, 0);
}
/**
 * Where a saved draft reopens when the link names no step (the dashboard, the deployment page): the
 * first step that still needs something, or the review when nothing does — not step 1 every time.
 * Checked without the inventory (not loaded yet): what the form itself says is missing.
 */
export function resumeStep(f: WizardForm): StepId {
  return guardStep("review", validate(f, null));
}

type NameText = (key: "defaultName" | "defaultNameNewInstance", values: Record<string, string | number>) => string;
/**
 * The name a deployment gets while the user has typed none, from the current choices and in the page's
 * language ("web-1 · 3 EIPs", "web-1 · EIP 3 個"), recomputed as they change. Before the EIP step the
 * count is the one the step will start with (one per address), never a placeholder row's "1".
 */
export function defaultDeploymentName(
  f: WizardForm,
  inv: Pick<InventoryLike, "instances"> | null,
  t: NameText,
  eipCount: number = isPlaceholderEips(f.eips) ? secondaryCount(f) + (f.usePrimaryIp ? 1 : 0) : f.eips.length,
): string {
  const inst = inv?.instances.find((i) => i.instanceId === f.instanceId);
  const instance =
    f.instanceMode === "create"
      ? f.instanceType
        ? t("defaultNameNewInstance", { type: f.instanceType })
        : ""
      : (inst?.name || f.instanceId).trim();
  return instance ? t("defaultName", { instance, count: eipCount }) : "";
}
