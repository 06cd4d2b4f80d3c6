// The planner: PURE. Spec + live snapshot (+ what this deployment already did)
// → the ordered list of exact API calls, each marked no-op when already in place.
// Re-planning a finished deployment therefore yields no changes, and teardown is
// the reverse plan that removes only what this deployment created or changed.
import type { DeploymentSpec } from "./spec.schema";
import {
  CLIENT_TOKEN_ACTIONS,
  STOPPED_ONLY_TYPES,
  isRef,
  type Cond,
  type LiveSnapshot,
  type Plan,
  type PlannedStep,
  type Ref,
  type ResourcesRecord,
  type Val,
} from "./model";
import type { CloudAction } from "@/lib/cloud/call";

type Draft = Omit<PlannedStep, "idempotent" | "async" | "noop" | "dependsOn"> & {
  async?: boolean;
  noop?: boolean;
  dependsOn?: string[];
};

function finish(phase: Plan["phase"], drafts: Draft[]): Plan {
  const active = new Set(drafts.filter((d) => !d.noop).map((d) => d.key));
  const steps: PlannedStep[] = drafts.map((d) => ({
    ...d,
    async: d.async ?? false,
    noop: d.noop ?? false,
    idempotent: CLIENT_TOKEN_ACTIONS.has(d.action as CloudAction),
    // A dependency on a no-op step is already satisfied.
    dependsOn: (d.dependsOn ?? []).filter((k) => active.has(k)),
  }));
  return { phase, steps, changes: steps.filter((s) => !s.noop).length };
}

const show = (v: Val): string => (isRef(v) ? refLabel(v) : v);
const showJa = (v: Val): string => (isRef(v) ? refLabel(v, "ja") : v);
/** A value known only once the run gets there, as a plan description shows it (in the description's language). */
export function refLabel(r: Ref, locale: "en" | "ja" = "en"): string {
  const ja = locale === "ja";
  switch (r.$ref) {
    case "instanceId":
      return ja ? "<新しいインスタンス>" : "<new instance>";
    case "eniId":
      return ja ? "<新しい ENI>" : "<new ENI>";
    case "eniPrimaryIp":
      return ja ? "<ENI のプライマリ IP>" : "<ENI primary IP>";
    case "secondaryIp":
      return ja ? `<新しいセカンダリ IP #${r.index + 1}>` : `<new secondary IP #${r.index + 1}>`;
    case "allocationId":
      return ja ? `<新しい EIP #${r.index + 1}>` : `<new EIP #${r.index + 1}>`;
    case "instancePassword":
      return ja ? "<ログインパスワード>" : "<login password>";
    default: {
      const never: never = r;
      return String(never);
    }
  }
}

/**
 * A plan description with its placeholders ("<new ENI>", "<new secondary IP #1>", …) replaced by what
 * the deployment recorded once the steps ran; a placeholder stays while its value is still unknown.
 * Secondary IP #n is the n-th address this deployment added (the plan is made before any is added).
 */
export function fillRefLabels(text: string, record: ResourcesRecord): string {
  return text.replace(
    /<(new instance|新しいインスタンス|new ENI|新しい ENI|ENI primary IP|ENI のプライマリ IP|(?:new secondary IP|新しいセカンダリ IP) #(\d+)|(?:new EIP|新しい EIP) #(\d+))>/g,
    (whole, what: string, ip?: string, eip?: string) => {
      const found = ip
        ? record.assignedIps?.[Number(ip) - 1]
        : eip
          ? record.eips?.find((e) => e.specIndex === Number(eip) - 1)?.allocationId
          : what === "new instance" || what === "新しいインスタンス"
            ? record.instanceId
            : what === "new ENI" || what === "新しい ENI"
              ? record.eniId
              : record.eniPrimaryIp;
      return found || whole;
    },
  );
}

/** The private IPs the EIPs map to, in spec order (concrete where known). */
export function eipTargets(spec: DeploymentSpec, primary: Val, secondaries: Val[]): Val[] {
  const slots: Val[] = [...(spec.usePrimaryIp ? [primary] : []), ...secondaries];
  const explicit = new Set(spec.eips.map((e) => e.privateIp).filter((x): x is string => !!x));
  const free = slots.filter((s) => isRef(s) || !explicit.has(s));
  let next = 0;
  return spec.eips.map((e) => e.privateIp ?? free[next++] ?? "<no free private IP>");
}

/** What the steps of an apply plan share: ids known now, or Refs filled in by earlier steps. */
type ApplyContext = {
  spec: DeploymentSpec;
  live: LiveSnapshot;
  record: ResourcesRecord;
  R: string;
  instanceId: Val;
  instanceType: string;
  eniId: Val;
  /** The spec asks for a new ENI and it does not exist yet (its secondary IPs come with it). */
  eniCreatedNow: boolean;
};

export function planApply(spec: DeploymentSpec, live: LiveSnapshot, record: ResourcesRecord = {}): Plan {
  const inst = spec.instance;
  const eniSpec = spec.eni;
  const c: ApplyContext = {
    spec,
    live,
    record,
    R: spec.regionId,
    instanceId: inst.mode === "existing" ? inst.instanceId : (record.instanceId ?? { $ref: "instanceId" }),
    instanceType: inst.mode === "create" ? inst.instanceType : (live.instance?.instanceType ?? ""),
    eniId: eniSpec.mode === "existing" ? eniSpec.networkInterfaceId : (record.eniId ?? { $ref: "eniId" }),
    eniCreatedNow: eniSpec.mode === "create" && !live.eni,
  };
  const d: Draft[] = [];
  // 1. Instance (create).
  const createInstance = planInstanceCreate(c);
  if (createInstance) d.push(createInstance);
  // 2. Secondary ENI (create, with its secondary IPs in the same call).
  const createEni = planEniCreate(c);
  if (createEni) d.push(createEni);
  // 3. Attach (stopping the instance around it when its family requires that and the user allowed it).
  d.push(...planAttach(c));
  // 4. Secondary private IPs — all in ONE AssignPrivateIpAddresses call.
  const { assign, secondaries } = planSecondaryIps(c);
  d.push(assign);
  // 5. EIPs: allocate what is missing, associate each with its private IP (NAT mode), in parallel.
  const primary: Val = live.eni?.primaryIp || record.eniPrimaryIp || { $ref: "eniPrimaryIp" };
  const targets = eipTargets(spec, primary, secondaries);
  spec.eips.forEach((_, i) => d.push(...planEip(c, i, targets[i]!, primary)));
  return finish("apply", d);
}

function planInstanceCreate({ spec, live, R, instanceId }: ApplyContext): Draft | null {
  const inst = spec.instance;
  if (inst.mode !== "create") return null;
  return {
    key: "instance.create",
    kind: "instance.create",
    action: "RunInstances",
    async: true,
    busy: ["Pending", "Starting"],
    noop: !!live.instance,
    params: {
      RegionId: R,
      ZoneId: inst.zoneId,
      InstanceType: inst.instanceType,
      ImageId: inst.imageId,
      VSwitchId: inst.vSwitchId,
      SecurityGroupId: inst.securityGroupId,
      "SystemDisk.Category": inst.systemDiskCategory,
      InstanceName: inst.instanceName,
      // A reference, never the password: plans are stored and shown (lib/deploy/secrets.ts).
      Password: inst.password ? { $ref: "instancePassword" } : undefined,
      KeyPairName: inst.keyPairName,
      Amount: 1,
      InstanceChargeType: "PostPaid",
    },
    done: { entity: "instance", id: instanceId, status: ["Running"] },
    description: {
      en: `Create a ${inst.instanceType} instance in ${inst.zoneId}`,
      ja: `${inst.zoneId} に ${inst.instanceType} インスタンスを作成`,
    },
  };
}

function planEniCreate({ spec, R, eniId, eniCreatedNow }: ApplyContext): Draft | null {
  const eniSpec = spec.eni;
  if (eniSpec.mode !== "create") return null;
  const ipParams =
    spec.privateIps.mode === "explicit"
      ? { PrivateIpAddress: spec.privateIps.addresses.length ? spec.privateIps.addresses : undefined }
      : { SecondaryPrivateIpAddressCount: spec.privateIps.count || undefined };
  return {
    key: "eni.create",
    kind: "eni.create",
    action: "CreateNetworkInterface",
    noop: !eniCreatedNow,
    params: {
      RegionId: R,
      VSwitchId: eniSpec.vSwitchId,
      SecurityGroupId: eniSpec.securityGroupId,
      NetworkInterfaceName: eniSpec.name,
      ...ipParams,
    },
    done: { entity: "eni", id: eniId, status: ["Available", "InUse", "Attaching"] },
    description: {
      en: `Create a secondary ENI in ${eniSpec.vSwitchId}`,
      ja: `${eniSpec.vSwitchId} にセカンダリ ENI を作成`,
    },
  };
}

/** Attach the ENI; stop the instance before and start it after when its type attaches only while stopped. */
function planAttach({ spec, live, R, instanceId, instanceType, eniId }: ApplyContext): Draft[] {
  const d: Draft[] = [];
  const attachedHere =
    !!live.eni &&
    live.eni.instanceId !== "" &&
    live.eni.instanceId === (isRef(instanceId) ? "\0" : instanceId) &&
    ["InUse", "Attaching"].includes(live.eni.status);
  const needStop =
    !attachedHere &&
    STOPPED_ONLY_TYPES.has(instanceType) &&
    spec.allowStopInstance &&
    (live.instance?.status ?? "Running") === "Running";
  if (needStop) {
    d.push({
      key: "instance.stop",
      kind: "instance.stop",
      action: "StopInstance",
      async: true,
      busy: ["Stopping"],
      dependsOn: ["instance.create"],
      params: { InstanceId: instanceId, ForceStop: false },
      done: { entity: "instance", id: instanceId, status: ["Stopped"] },
      description: {
        en: `Stop ${show(instanceId)} (its type attaches ENIs only while stopped)`,
        ja: `${showJa(instanceId)} を停止（このタイプは停止中のみ ENI をアタッチ可能）`,
      },
    });
  }
  d.push({
    key: "eni.attach",
    kind: "eni.attach",
    action: "AttachNetworkInterface",
    async: true,
    busy: ["Attaching"],
    noop: attachedHere,
    dependsOn: ["eni.create", "instance.create", "instance.stop"],
    params: { RegionId: R, NetworkInterfaceId: eniId, InstanceId: instanceId },
    done: { entity: "eni", id: eniId, status: ["InUse"], instanceId },
    description: {
      en: `Attach ${show(eniId)} to ${show(instanceId)}`,
      ja: `${showJa(eniId)} を ${showJa(instanceId)} にアタッチ`,
    },
  });
  if (needStop) {
    d.push({
      key: "instance.start",
      kind: "instance.start",
      action: "StartInstance",
      async: true,
      busy: ["Starting"],
      dependsOn: ["eni.attach"],
      params: { InstanceId: instanceId },
      done: { entity: "instance", id: instanceId, status: ["Running"] },
      description: { en: `Start ${show(instanceId)} again`, ja: `${showJa(instanceId)} を再起動` },
    });
  }
  return d;
}

const assignBase = {
  key: "ips.assign",
  kind: "ips.assign" as const,
  action: "AssignPrivateIpAddresses" as const,
  dependsOn: ["eni.attach", "eni.create", "instance.start"],
};
// A new ENI gets its secondary IPs in the CreateNetworkInterface call itself: this call is then not
// needed, and its parameters and description say what that call assigns (not "0").
const withCreate = {
  en: `, assigned by CreateNetworkInterface with the new ENI: no separate call`,
  ja: `（CreateNetworkInterface で新しい ENI と同時に割り当て、個別の呼び出しは不要）`,
};

/** The one AssignPrivateIpAddresses step, and the secondary IPs the EIPs can map to (Refs where the cloud picks). */
function planSecondaryIps(c: ApplyContext): { assign: Draft; secondaries: Val[] } {
  const onEni = new Set(c.live.eni?.privateIps.filter((p) => !p.primary).map((p) => p.ip) ?? []);
  return c.spec.privateIps.mode === "explicit"
    ? planExplicitIps(c, c.spec.privateIps.addresses, onEni)
    : planCountedIps(c, c.spec.privateIps.count, onEni);
}

function planExplicitIps(
  { R, eniId, eniCreatedNow }: ApplyContext,
  addresses: string[],
  onEni: Set<string>,
): { assign: Draft; secondaries: Val[] } {
  const missing = addresses.filter((ip) => !onEni.has(ip));
  if (eniCreatedNow)
    return {
      secondaries: addresses,
      assign: {
        ...assignBase,
        noop: true,
        params: { RegionId: R, NetworkInterfaceId: eniId, PrivateIpAddress: addresses },
        done: { entity: "eni", id: eniId, hasIps: addresses },
        description: {
          en: `${addresses.length} secondary private IP(s) on ${show(eniId)}: ${addresses.join(", ")}${withCreate.en}`,
          ja: `${showJa(eniId)} のセカンダリプライベート IP ${addresses.length} 個: ${addresses.join(", ")}${withCreate.ja}`,
        },
      },
    };
  return {
    secondaries: addresses,
    assign: {
      ...assignBase,
      noop: missing.length === 0,
      params: {
        RegionId: R,
        NetworkInterfaceId: eniId,
        PrivateIpAddress: missing.length ? missing : addresses,
      },
      done: { entity: "eni", id: eniId, hasIps: addresses },
      description: missing.length
        ? {
            en: `Assign ${missing.length} secondary private IP(s) to ${show(eniId)}: ${missing.join(", ")}`,
            ja: `${showJa(eniId)} にセカンダリプライベート IP を ${missing.length} 個割り当て`,
          }
        : {
            en: `All ${addresses.length} secondary private IP(s) are already on ${show(eniId)}: ${addresses.join(", ")}`,
            ja: `${showJa(eniId)} にはセカンダリプライベート IP ${addresses.length} 個がすでに割り当て済み`,
          },
    },
  };
}

function planCountedIps(
  { record, R, eniId, eniCreatedNow }: ApplyContext,
  count: number,
  onEni: Set<string>,
): { assign: Draft; secondaries: Val[] } {
  const kept = (record.assignedIps ?? []).filter((ip) => onEni.has(ip));
  const need = eniCreatedNow ? 0 : Math.max(0, count - kept.length);
  const fresh: Val[] = Array.from({ length: eniCreatedNow ? count : need }, (_, i) => ({
    $ref: "secondaryIp" as const,
    index: i,
  }));
  const secondaries = [...kept, ...fresh].slice(0, count);
  if (eniCreatedNow)
    return {
      secondaries,
      assign: {
        ...assignBase,
        noop: true,
        params: { RegionId: R, NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: count },
        description: {
          en: `${count} secondary private IP(s) on ${show(eniId)}${withCreate.en}`,
          ja: `${showJa(eniId)} のセカンダリプライベート IP ${count} 個${withCreate.ja}`,
        },
      },
    };
  return {
    secondaries,
    assign: {
      ...assignBase,
      noop: need === 0,
      params: {
        RegionId: R,
        NetworkInterfaceId: eniId,
        SecondaryPrivateIpAddressCount: need || count,
      },
      description: need
        ? {
            en: `Assign ${need} secondary private IP(s) to ${show(eniId)} (the cloud picks idle addresses)`,
            ja: `${showJa(eniId)} にセカンダリプライベート IP を ${need} 個割り当て（空きアドレスを自動選択）`,
          }
        : {
            en: `All ${count} secondary private IP(s) are already on ${show(eniId)}: ${kept.join(", ")}`,
            ja: `${showJa(eniId)} にはセカンダリプライベート IP ${count} 個がすでに割り当て済み`,
          },
    },
  };
}

/** The spec's EIP `i`: allocate it when the spec names none, then associate it with `target` on the ENI. */
function planEip({ spec, live, record, R, eniId }: ApplyContext, i: number, target: Val, primary: Val): Draft[] {
  const d: Draft[] = [];
  const e = spec.eips[i]!;
  const recorded = record.eips?.find((r) => r.allocatedByUs && r.specIndex === i);
  const allocationId: Val = e.allocationId ?? recorded?.allocationId ?? { $ref: "allocationId", index: i };
  const liveEip = typeof allocationId === "string" ? live.eips.find((x) => x.allocationId === allocationId) : undefined;
  if (!e.allocationId) {
    d.push({
      key: `eip.allocate.${i}`,
      kind: "eip.allocate",
      action: "AllocateEipAddress",
      noop: !!liveEip,
      params: {
        RegionId: R,
        Bandwidth: String(spec.eipAllocation.bandwidth),
        InternetChargeType: spec.eipAllocation.internetChargeType,
        InstanceChargeType: "PostPaid",
        Name: `${spec.eipAllocation.namePrefix}-${i + 1}`,
      },
      done: { entity: "eip", id: allocationId, status: ["Available", "InUse", "Associating"] },
      description: {
        en: `Allocate a pay-as-you-go EIP (${spec.eipAllocation.bandwidth} Mbit/s, ${spec.eipAllocation.internetChargeType})`,
        ja: `従量課金 EIP を確保（${spec.eipAllocation.bandwidth} Mbit/s、${spec.eipAllocation.internetChargeType}）`,
      },
    });
  }
  const inPlace =
    !!liveEip &&
    typeof eniId === "string" &&
    typeof target === "string" &&
    liveEip.instanceId === eniId &&
    liveEip.privateIpAddress === target &&
    ["InUse", "Associating"].includes(liveEip.status);
  d.push({
    key: `eip.associate.${i}`,
    kind: "eip.associate",
    action: "AssociateEipAddress",
    async: true,
    busy: ["Associating"],
    noop: inPlace,
    dependsOn: [
      `eip.allocate.${i}`,
      "eni.create",
      "eni.attach",
      "instance.start",
      ...(spec.usePrimaryIp && target === primary ? [] : ["ips.assign"]),
    ],
    params: {
      RegionId: R,
      AllocationId: allocationId,
      InstanceId: eniId,
      InstanceType: "NetworkInterface",
      Mode: "NAT",
      PrivateIpAddress: target,
    },
    done: { entity: "eip", id: allocationId, status: ["InUse"], boundTo: { instanceId: eniId, privateIp: target } },
    ...(liveEip ? { known: { eipAddress: liveEip.ipAddress } } : {}),
    description: {
      en: `Associate ${show(allocationId)}${liveEip ? ` (${liveEip.ipAddress})` : ""} with ${show(target)} on ${show(eniId)} (NAT mode)`,
      ja: `${showJa(allocationId)} を ${showJa(eniId)} の ${showJa(target)} に関連付け（NAT モード）`,
    },
  });
  return d;
}

export type TeardownOptions = {
  /** The operator chose not to roll the guest configuration back through Cloud Assistant (they run rollback.sh by hand). */
  skipGuestRollback?: boolean;
};

/**
 * Reverse plan: roll back the guest configuration (when it was applied through Cloud Assistant)
 * → unassociate → unassign → detach → delete/release only what this deployment created.
 */
export function planTeardown(
  spec: DeploymentSpec,
  live: LiveSnapshot,
  record: ResourcesRecord,
  opts: TeardownOptions = {},
): Plan {
  const c: TeardownContext = {
    spec,
    live,
    record,
    R: spec.regionId,
    eniId: record.eniId,
    instanceId: record.instanceId,
  };
  const d = planUnassociate(c);
  const unassocKeys = d.map((x) => x.key);
  d.push(...planUnassign(c, unassocKeys), ...planDetach(c, unassocKeys), ...planDeletes(c, unassocKeys));
  guestRollbackFirst(c, d, opts);
  return finish("teardown", d);
}

/** What the steps of a teardown plan share: the ids this deployment recorded. */
type TeardownContext = {
  spec: DeploymentSpec;
  live: LiveSnapshot;
  record: ResourcesRecord;
  R: string;
  eniId: string | undefined;
  instanceId: string | undefined;
};

/** Unassociate each EIP this deployment associated (a no-op where it is no longer bound there). */
function planUnassociate({ live, record, R, eniId }: TeardownContext): Draft[] {
  const d: Draft[] = [];
  for (const e of record.eips ?? []) {
    const l = live.eips.find((x) => x.allocationId === e.allocationId);
    if (!e.associatedByUs) continue;
    const bound =
      !!l &&
      !!eniId &&
      l.instanceId === eniId &&
      l.privateIpAddress === e.privateIp &&
      ["InUse", "Associating"].includes(l.status);
    const key = `eip.unassociate.${e.allocationId}`;
    d.push({
      key,
      kind: "eip.unassociate",
      action: "UnassociateEipAddress",
      async: true,
      busy: ["Unassociating"],
      noop: !bound,
      params: {
        RegionId: R,
        AllocationId: e.allocationId,
        InstanceId: eniId,
        InstanceType: "NetworkInterface",
        PrivateIpAddress: e.privateIp,
      },
      done: { entity: "eip", id: e.allocationId, status: ["Available"] },
      description: {
        en: `Unassociate ${e.allocationId} (${e.ipAddress}) from ${e.privateIp}`,
        ja: `${e.allocationId}（${e.ipAddress}）と ${e.privateIp} の関連付けを解除`,
      },
    });
  }
  return d;
}

/** Unassign the secondary IPs this deployment added (a created ENI takes them along when deleted). */
function planUnassign({ live, record, R, eniId }: TeardownContext, unassocKeys: string[]): Draft[] {
  const d: Draft[] = [];
  const onEni = new Set(live.eni?.privateIps.filter((p) => !p.primary).map((p) => p.ip) ?? []);
  const ours = (record.assignedIps ?? []).filter((ip) => onEni.has(ip));
  if (eniId && (record.assignedIps?.length ?? 0) > 0) {
    d.push({
      key: "ips.unassign",
      kind: "ips.unassign",
      action: "UnassignPrivateIpAddresses",
      dependsOn: unassocKeys,
      // A created ENI takes its addresses with it when it is deleted.
      noop: ours.length === 0 || !!record.eniCreated,
      params: { RegionId: R, NetworkInterfaceId: eniId, PrivateIpAddress: ours.length ? ours : record.assignedIps },
      done: { entity: "eni", id: eniId, lacksIps: record.assignedIps ?? [] },
      description: {
        en: `Unassign ${ours.length} secondary private IP(s) from ${eniId}`,
        ja: `${eniId} からセカンダリプライベート IP を ${ours.length} 個解除`,
      },
    });
  }
  return d;
}

/** Detach the ENI this deployment attached or created, stopping the instance around it when its type needs that. */
function planDetach({ spec, live, record, R, eniId, instanceId }: TeardownContext, unassocKeys: string[]): Draft[] {
  const d: Draft[] = [];
  const attached =
    !!live.eni &&
    !!instanceId &&
    live.eni.instanceId === instanceId &&
    ["InUse", "Attaching"].includes(live.eni.status);
  if (eniId && instanceId && (record.eniAttachedByUs || record.eniCreated)) {
    const needStop =
      attached &&
      !!live.instance &&
      STOPPED_ONLY_TYPES.has(live.instance.instanceType) &&
      live.instance.status === "Running" &&
      spec.allowStopInstance;
    if (needStop) {
      d.push({
        key: "instance.stop",
        kind: "instance.stop",
        action: "StopInstance",
        async: true,
        busy: ["Stopping"],
        dependsOn: [...unassocKeys, "ips.unassign"],
        params: { InstanceId: instanceId, ForceStop: false },
        done: { entity: "instance", id: instanceId, status: ["Stopped"] },
        description: { en: `Stop ${instanceId} to detach the ENI`, ja: `ENI をデタッチするため ${instanceId} を停止` },
      });
    }
    d.push({
      key: "eni.detach",
      kind: "eni.detach",
      action: "DetachNetworkInterface",
      async: true,
      busy: ["Detaching"],
      noop: !attached,
      dependsOn: [...unassocKeys, "ips.unassign", "instance.stop"],
      params: { RegionId: R, NetworkInterfaceId: eniId, InstanceId: instanceId },
      done: { entity: "eni", id: eniId, status: ["Available"] },
      description: { en: `Detach ${eniId} from ${instanceId}`, ja: `${eniId} を ${instanceId} からデタッチ` },
    });
    if (needStop) {
      d.push({
        key: "instance.start",
        kind: "instance.start",
        action: "StartInstance",
        async: true,
        busy: ["Starting"],
        dependsOn: ["eni.detach"],
        params: { InstanceId: instanceId },
        done: { entity: "instance", id: instanceId, status: ["Running"] },
        description: { en: `Start ${instanceId} again`, ja: `${instanceId} を再起動` },
      });
    }
  }
  return d;
}

/** Delete / release only what this deployment created: the ENI, the EIPs, the instance. */
function planDeletes({ live, record, R, eniId, instanceId }: TeardownContext, unassocKeys: string[]): Draft[] {
  const d: Draft[] = [];
  if (eniId && record.eniCreated) {
    d.push({
      key: "eni.delete",
      kind: "eni.delete",
      action: "DeleteNetworkInterface",
      async: true,
      busy: ["Deleting"],
      noop: !live.eni,
      dependsOn: [...unassocKeys, "eni.detach"],
      params: { RegionId: R, NetworkInterfaceId: eniId },
      done: { entity: "eni", id: eniId, gone: true },
      description: { en: `Delete ${eniId} (created by this deployment)`, ja: `${eniId} を削除（このデプロイで作成）` },
    });
  }
  for (const e of record.eips ?? []) {
    if (!e.allocatedByUs) continue;
    const exists = live.eips.some((x) => x.allocationId === e.allocationId);
    d.push({
      key: `eip.release.${e.allocationId}`,
      kind: "eip.release",
      action: "ReleaseEipAddress",
      async: true,
      busy: ["Releasing"],
      noop: !exists,
      dependsOn: [`eip.unassociate.${e.allocationId}`],
      params: { RegionId: R, AllocationId: e.allocationId },
      done: { entity: "eip", id: e.allocationId, gone: true },
      description: {
        en: `Release ${e.allocationId} (${e.ipAddress}, allocated by this deployment)`,
        ja: `${e.allocationId}（${e.ipAddress}）を解放（このデプロイで確保）`,
      },
    });
  }
  if (instanceId && record.instanceCreated) {
    d.push({
      key: "instance.delete",
      kind: "instance.delete",
      action: "DeleteInstance",
      async: true,
      noop: !live.instance,
      dependsOn: ["eni.detach", "eni.delete", ...unassocKeys],
      params: { InstanceId: instanceId, Force: true },
      done: { entity: "instance", id: instanceId, gone: true },
      description: {
        en: `Delete ${instanceId} (created by this deployment)`,
        ja: `${instanceId} を削除（このデプロイで作成）`,
      },
    });
  }
  return d;
}

/** Puts the guest rollback (rollback.sh through Cloud Assistant) before every other step, when it applies. */
function guestRollbackFirst({ spec, live, record, R, instanceId }: TeardownContext, d: Draft[], opts: TeardownOptions) {
  // The guest first: its policy routes name the ENI's addresses, and once the ENI is detached
  // rollback.sh can no longer find the interface it configured. Every cloud step waits for it,
  // so a failed rollback changes nothing else.
  const guestInstance = instanceId ?? (spec.instance.mode === "existing" ? spec.instance.instanceId : undefined);
  if (record.guestApplied && guestInstance && !opts.skipGuestRollback) {
    const v = record.guestApplied.scriptVersion;
    for (const x of d) x.dependsOn = [GUEST_ROLLBACK_KEY, ...(x.dependsOn ?? [])];
    d.unshift({
      key: GUEST_ROLLBACK_KEY,
      kind: "guest.rollback",
      action: "RunCommand",
      async: true,
      // An instance that no longer exists has no guest configuration left to remove.
      noop: !live.instance,
      params: {
        RegionId: R,
        InstanceId: guestInstance,
        Type: "RunShellScript",
        Script: "rollback.sh",
        ScriptVersion: v,
      },
      description: {
        en: `Roll back the guest configuration on ${guestInstance}: run rollback.sh (bundle v${v}) through Cloud Assistant`,
        ja: `${guestInstance} のゲスト設定をロールバック: クラウドアシスタントで rollback.sh（バンドル v${v}）を実行`,
      },
    });
  }
}

export const GUEST_ROLLBACK_KEY = "guest.rollback";

export type { Cond };
