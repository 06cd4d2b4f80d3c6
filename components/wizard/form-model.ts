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
  // ENI
  eniMode: "existing" | "create";
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
    ...over,
  };
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
  const eni =
    f.eniMode === "existing"
      ? { mode: "existing", networkInterfaceId: f.eniId }
      : {
          mode: "create",
          vSwitchId: f.vSwitchId,
          securityGroupId: f.securityGroupId,
          ...(resourceName(f.name) ? { name: resourceName(f.name) } : {}),
        };
  const privateIps =
    f.ipMode === "count"
      ? { mode: "count", count: Math.max(0, Math.floor(Number(f.ipCount) || 0)) }
      : { mode: "explicit", addresses: parseAddressList(f.ipAddresses) };
  const eips = f.eips.map((e) => ({
    ...(e.source !== "new" && e.allocationId ? { allocationId: e.allocationId.trim() } : {}),
    ...(e.privateIp ? { privateIp: e.privateIp } : {}),
  }));
  return {
    specVersion: 1,
    cloudAccountId: f.cloudAccountId,
    regionId: f.regionId,
    instance,
    eni,
    privateIps,
    usePrimaryIp: f.usePrimaryIp,
    eips,
    eipAllocation: {
      bandwidth: f.bandwidth,
      internetChargeType: f.internetChargeType,
      namePrefix: resourceName(f.name) || "eipilot",
    },
    allowStopInstance: f.allowStopInstance,
    os: resolvedOs(f, inv ?? null),
    traffic: f.traffic,
    eipQuota: EIP_QUOTA_DEFAULT,
  };
}

export function resolvedOs(f: WizardForm, inv: Pick<InventoryLike, "instance" | "instances"> | null): OsFamily {
  if (f.os) return f.os;
  if (f.instanceMode === "create") return osFromImage(f.imageId);
  const inst = inv?.instance?.instance ?? inv?.instances.find((i) => i.instanceId === f.instanceId);
  return inst ? osFromImage(inst.imageId, inst.osName) : "generic";
}

export function formFromSpec(spec: SpecLike, name: string, eipSources?: Record<string, "existing" | "id">): WizardForm {
  const f = emptyForm({ name });
  const s = spec as {
    cloudAccountId?: string;
    regionId?: string;
    usePrimaryIp?: boolean;
    allowStopInstance?: boolean;
    os?: OsFamily;
    traffic?: WizardForm["traffic"];
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
  if (s.eipAllocation?.bandwidth) f.bandwidth = s.eipAllocation.bandwidth;
  if (s.eipAllocation?.internetChargeType) f.internetChargeType = s.eipAllocation.internetChargeType;
  if (Array.isArray(s.eips) && s.eips.length) {
    f.eips = s.eips.map((e) => ({
      source: e.allocationId ? (eipSources?.[e.allocationId] ?? "existing") : e.pickExisting ? "existing" : "new",
      allocationId: e.allocationId ?? "",
      privateIp: e.privateIp ?? "",
    }));
  }
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
export function chosenEni(f: WizardForm, inv: InventoryLike | null): EniView | null {
  if (!inv || f.eniMode !== "existing" || !f.eniId) return null;
  return (
    inv.enis.find((e) => e.networkInterfaceId === f.eniId) ??
    inv.instance?.enis.find((e) => e.networkInterfaceId === f.eniId) ??
    null
  );
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
/** The vSwitch the secondary ENI lives in (existing ENI's, or the one chosen for a new ENI). */
export function eniVSwitch(f: WizardForm, inv: InventoryLike | null): VSwitchDto | null {
  if (!inv) return null;
  const id = f.eniMode === "existing" ? chosenEni(f, inv)?.vSwitchId : f.vSwitchId;
  return inv.vSwitches.find((v) => v.vSwitchId === id) ?? null;
}
export function secondaryCount(f: WizardForm): number {
  return f.ipMode === "count"
    ? Math.max(0, Math.floor(Number(f.ipCount) || 0))
    : parseAddressList(f.ipAddresses).length;
}
/** The private IPs EIPs can map to: the ENI primary IP (if used) and the secondaries (explicit, or "auto #n"). */
export function eipTargets(
  f: WizardForm,
  inv: InventoryLike | null,
): Array<{ value: string; label: string; auto: boolean }> {
  const eni = chosenEni(f, inv);
  const out: Array<{ value: string; label: string; auto: boolean }> = [];
  if (f.usePrimaryIp)
    out.push(
      eni ? { value: eni.primaryIp, label: eni.primaryIp, auto: false } : { value: "", label: "primary", auto: true },
    );
  if (f.ipMode === "explicit")
    for (const ip of parseAddressList(f.ipAddresses)) out.push({ value: ip, label: ip, auto: false });
  else for (let i = 0; i < secondaryCount(f); i++) out.push({ value: "", label: `#${i + 1}`, auto: true });
  return out;
}

/**
 * Room for secondary IPs on the ENI under the instance type's per-ENI quota (which counts the ENI's
 * primary IP): `max` new secondaries, besides `others` already on it. Null while the type is unknown.
 */
export function ipRoom(
  f: WizardForm,
  inv: InventoryLike | null,
): { type: string; quota: number; others: number; max: number } | null {
  const type = chosenType(f, inv);
  if (!type) return null;
  const eni = chosenEni(f, inv);
  const others = eni
    ? eni.privateIps.filter(
        (p) => !p.primary && !(f.ipMode === "explicit" && parseAddressList(f.ipAddresses).includes(p.ip)),
      ).length
    : 0;
  return {
    type: type.instanceTypeId,
    quota: type.eniPrivateIpAddressQuantity,
    others,
    max: Math.max(0, type.eniPrivateIpAddressQuantity - 1 - others),
  };
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

/** 2. the secondary ENI: an existing one fit for the instance, or a vSwitch and security group for a new one. */
function validateEni(f: WizardForm, inv: InventoryLike | null, add: AddIssue) {
  const inst = chosenInstance(f, inv);
  const type = chosenType(f, inv);
  const place = instancePlace(f, inv);
  const eni = chosenEni(f, inv);
  if (f.eniMode === "existing") {
    if (!f.eniId) add("eni", "eniId", "eniRequired");
    else if (inv && !eni) add("eni", "eniId", "eniNotFound", { eni: f.eniId });
    else if (eni) {
      const attachedHere = !!inst && eni.instanceId === inst.instanceId;
      if (eni.type === "Primary") add("eni", "eniId", "eniPrimary", { eni: eni.networkInterfaceId });
      else if (!attachedHere && eni.status !== "Available")
        add("eni", "eniId", "eniNotAvailable", { eni: eni.networkInterfaceId, status: eni.status });
      if (place?.vpcId && eni.vpcId !== place.vpcId)
        add("eni", "eniId", "eniVpc", { eni: eni.networkInterfaceId, vpc: eni.vpcId, instanceVpc: place.vpcId });
      else if (place?.zoneId && eni.zoneId !== place.zoneId)
        add("eni", "eniId", "eniZone", {
          eni: eni.networkInterfaceId,
          zone: eni.zoneId,
          instanceZone: place.zoneId,
          instance: inst?.instanceId ?? "—",
        });
    }
  } else {
    const v = inv?.vSwitches.find((x) => x.vSwitchId === f.vSwitchId);
    if (!f.vSwitchId) add("eni", "vSwitchId", "vSwitchRequired");
    else if (v && place?.vpcId && v.vpcId !== place.vpcId)
      add("eni", "vSwitchId", "vSwitchVpc", { vSwitch: v.vSwitchId, vpc: v.vpcId, instanceVpc: place.vpcId });
    else if (v && place?.zoneId && v.zoneId !== place.zoneId)
      add("eni", "vSwitchId", "vSwitchZoneEni", { vSwitch: v.vSwitchId, zone: v.zoneId, instanceZone: place.zoneId });
    const sg = inv?.securityGroups.find((x) => x.securityGroupId === f.securityGroupId);
    if (!f.securityGroupId) add("eni", "securityGroupId", "securityGroupRequired");
    else if (sg && v && sg.vpcId !== v.vpcId)
      add("eni", "securityGroupId", "securityGroupVpc", { sg: sg.securityGroupId, vpc: v.vpcId });
  }
  const alreadyAttached = !!eni && !!inst && eni.instanceId === inst.instanceId;
  if (type && inst && !alreadyAttached) {
    const enisNow =
      inv?.instance?.instance.instanceId === inst.instanceId
        ? inv.instance.enis.length || inst.eniCount
        : inst.eniCount;
    if (enisNow + 1 > type.eniQuantity)
      add("eni", "eniId", "eniQuota", {
        type: type.instanceTypeId,
        quota: type.eniQuantity,
        now: enisNow,
        instance: inst.instanceId,
      });
    if (type.stoppedOnly && inst.status === "Running" && !f.allowStopInstance)
      add("eni", "allowStopInstance", "mustStop", { type: type.instanceTypeId, instance: inst.instanceId });
  }
}

/** 3. the private IPs: a count in range, or addresses that are valid, unique, inside the vSwitch and free. */
function validateIps(f: WizardForm, inv: InventoryLike | null, add: AddIssue) {
  const eni = chosenEni(f, inv);
  const vsw = eniVSwitch(f, inv);
  const n = secondaryCount(f);
  if (f.ipMode === "count") {
    if (!Number.isInteger(Number(f.ipCount)) || Number(f.ipCount) < 0 || Number(f.ipCount) > 49)
      add("ips", "ipCount", "countRange");
  } else {
    const list = parseAddressList(f.ipAddresses);
    if (!list.length) add("ips", "ipAddresses", "addressesRequired");
    const seen = new Set<string>();
    const inUse = new Map<string, string>();
    for (const e of [...(inv?.enis ?? []), ...(inv?.instance?.enis ?? [])])
      for (const p of e.privateIps)
        if (e.networkInterfaceId !== eni?.networkInterfaceId || p.primary) inUse.set(p.ip, e.networkInterfaceId);
    for (const i of inv?.instances ?? []) if (i.primaryIp) inUse.set(i.primaryIp, i.instanceId);
    for (const ip of list) {
      if (!isIpv4(ip)) {
        add("ips", "ipAddresses", "addressInvalid", { ip });
        continue;
      }
      if (seen.has(ip)) {
        add("ips", "ipAddresses", "addressDuplicate", { ip });
        continue;
      }
      seen.add(ip);
      if (vsw) {
        const c = classifyInCidr(ip, vsw.cidrBlock);
        if (c === "outside")
          add("ips", "ipAddresses", "addressOutside", { ip, cidr: vsw.cidrBlock, vSwitch: vsw.vSwitchId });
        else if (c === "reserved") add("ips", "ipAddresses", "addressReserved", { ip, cidr: vsw.cidrBlock });
        else if (inUse.has(ip)) add("ips", "ipAddresses", "addressInUse", { ip, holder: inUse.get(ip)! });
      }
    }
  }
  const room = ipRoom(f, inv);
  if (room) {
    const total = 1 + room.others + n;
    if (total > room.quota)
      add("ips", f.ipMode === "count" ? "ipCount" : "ipAddresses", "ipQuota", {
        type: room.type,
        quota: room.quota,
        total,
        max: room.max,
      });
  }
  if (vsw && f.ipMode === "count" && n + (f.eniMode === "create" ? 1 : 0) > vsw.availableIpAddressCount)
    add("ips", "ipCount", "vSwitchFull", { vSwitch: vsw.vSwitchId, free: vsw.availableIpAddressCount });
}

/** 5. the EIPs: no more than the addresses, each one found, Available and in the region, targets unique. */
function validateEips(f: WizardForm, inv: InventoryLike | null, located: Record<string, LocatedEip>, add: AddIssue) {
  const eni = chosenEni(f, inv);
  const slots = secondaryCount(f) + (f.usePrimaryIp ? 1 : 0);
  if (!f.eips.length) add("eips", "eips", "eipsRequired");
  if (f.eips.length > slots) add("eips", "eips", "eipsMoreThanIps", { eips: f.eips.length, slots });
  const ids = new Set<string>();
  const targets = new Set<string>();
  const allowedTargets = new Set(
    eipTargets(f, inv)
      .filter((t) => !t.auto)
      .map((t) => t.value),
  );
  f.eips.forEach((e, i) => {
    const field = `eips.${i}`;
    const row = i + 1;
    if (e.source !== "new") {
      const idv = e.allocationId.trim();
      if (!idv) add("eips", field, e.source === "id" ? "eipIdRequired" : "eipPick", { row });
      else if (!/^eip-[a-z0-9]+$/.test(idv)) add("eips", field, "eipIdFormat", { row });
      else if (ids.has(idv)) add("eips", field, "eipDuplicate", { row, eip: idv });
      else {
        ids.add(idv);
        const here = inv?.eips.find((x) => x.allocationId === idv);
        const away = located[idv];
        if (here) {
          if (here.status !== "Available" && !(eni && here.instanceId === eni.networkInterfaceId))
            add("eips", field, "eipNotAvailable", { row, eip: idv, status: here.status });
        } else if (away && away.regionId && away.regionId !== f.regionId)
          add("eips", field, "eipRegion", { row, eip: idv, region: away.regionId, wanted: f.regionId });
        else if (inv && (away === null || e.source === "existing"))
          add("eips", field, "eipNotFound", { row, eip: idv, region: f.regionId });
      }
    }
    if (e.privateIp) {
      if (targets.has(e.privateIp)) add("eips", field, "eipTargetDuplicate", { row, ip: e.privateIp });
      else if (allowedTargets.size && !allowedTargets.has(e.privateIp) && f.ipMode === "explicit")
        add("eips", field, "eipTargetUnknown", { row, ip: e.privateIp });
      targets.add(e.privateIp);
    }
  });
  const toAllocate = f.eips.filter((e) => e.source === "new").length;
  if (inv && toAllocate > 0 && inv.eipTotal + toAllocate > EIP_QUOTA_DEFAULT)
    add("eips", "eips", "eipQuota", { quota: EIP_QUOTA_DEFAULT, used: inv.eipTotal, asked: toAllocate });
  if (f.bandwidth < 1 || f.bandwidth > 500) add("eips", "bandwidth", "bandwidthRange");
}

/**
 * The EIP step's starting rows: one EIP per private IP (EIPilot's purpose is one EIP per address), the
 * team's Available EIPs of the region first (`available`, allocation ids), new pay-as-you-go ones after:
 * an EIP already paid for is used before another is allocated.
 */
export function defaultEips(f: WizardForm, available: readonly string[] = []): EipRow[] {
  return Array.from({ length: Math.max(1, secondaryCount(f) + (f.usePrimaryIp ? 1 : 0)) }, (_, i) =>
    available[i]
      ? { source: "existing" as const, allocationId: available[i], privateIp: "" }
      : { source: "new" as const, allocationId: "", privateIp: "" },
  );
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
  const slots = secondaryCount(f) + (f.usePrimaryIp ? 1 : 0);
  const eips = f.eips.length;
  return eips > 0 && eips < slots
    ? [{ field: "eips", key: "eipsFewerThanIps", values: { eips, slots, missing: slots - eips } }]
    : [];
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
