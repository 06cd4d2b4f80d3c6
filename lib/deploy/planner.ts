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

export function planApply(spec: DeploymentSpec, live: LiveSnapshot, record: ResourcesRecord = {}): Plan {
  const R = spec.regionId;
  const d: Draft[] = [];
  const inst = spec.instance;
  const instanceId: Val = inst.mode === "existing" ? inst.instanceId : (record.instanceId ?? { $ref: "instanceId" });
  const instanceType = inst.mode === "create" ? inst.instanceType : (live.instance?.instanceType ?? "");

  // 1. Instance (create).
  if (inst.mode === "create") {
    d.push({
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
        Password: inst.password,
        KeyPairName: inst.keyPairName,
        Amount: 1,
        InstanceChargeType: "PostPaid",
      },
      done: { entity: "instance", id: instanceId, status: ["Running"] },
      description: {
        en: `Create a ${inst.instanceType} instance in ${inst.zoneId}`,
        ja: `${inst.zoneId} に ${inst.instanceType} インスタンスを作成`,
      },
    });
  }

  // 2. Secondary ENI (create, with its secondary IPs in the same call).
  const eniSpec = spec.eni;
  const eniId: Val = eniSpec.mode === "existing" ? eniSpec.networkInterfaceId : (record.eniId ?? { $ref: "eniId" });
  const eniCreatedNow = eniSpec.mode === "create" && !live.eni;
  if (eniSpec.mode === "create") {
    const ipParams =
      spec.privateIps.mode === "explicit"
        ? { PrivateIpAddress: spec.privateIps.addresses.length ? spec.privateIps.addresses : undefined }
        : { SecondaryPrivateIpAddressCount: spec.privateIps.count || undefined };
    d.push({
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
    });
  }

  // 3. Attach (stopping the instance around it when its family requires that and the user allowed it).
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

  // 4. Secondary private IPs — all in ONE AssignPrivateIpAddresses call.
  const onEni = new Set(live.eni?.privateIps.filter((p) => !p.primary).map((p) => p.ip) ?? []);
  let secondaries: Val[];
  let assign: Draft | null = null;
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
  if (spec.privateIps.mode === "explicit") {
    secondaries = spec.privateIps.addresses;
    const missing = spec.privateIps.addresses.filter((ip) => !onEni.has(ip));
    if (eniCreatedNow)
      assign = {
        ...assignBase,
        noop: true,
        params: { RegionId: R, NetworkInterfaceId: eniId, PrivateIpAddress: spec.privateIps.addresses },
        done: { entity: "eni", id: eniId, hasIps: spec.privateIps.addresses },
        description: {
          en: `${spec.privateIps.addresses.length} secondary private IP(s) on ${show(eniId)}: ${spec.privateIps.addresses.join(", ")}${withCreate.en}`,
          ja: `${showJa(eniId)} のセカンダリプライベート IP ${spec.privateIps.addresses.length} 個: ${spec.privateIps.addresses.join(", ")}${withCreate.ja}`,
        },
      };
    else
      assign = {
        ...assignBase,
        noop: missing.length === 0,
        params: {
          RegionId: R,
          NetworkInterfaceId: eniId,
          PrivateIpAddress: missing.length ? missing : spec.privateIps.addresses,
        },
        done: { entity: "eni", id: eniId, hasIps: spec.privateIps.addresses },
        description: missing.length
          ? {
              en: `Assign ${missing.length} secondary private IP(s) to ${show(eniId)}: ${missing.join(", ")}`,
              ja: `${showJa(eniId)} にセカンダリプライベート IP を ${missing.length} 個割り当て`,
            }
          : {
              en: `All ${spec.privateIps.addresses.length} secondary private IP(s) are already on ${show(eniId)}: ${spec.privateIps.addresses.join(", ")}`,
              ja: `${showJa(eniId)} にはセカンダリプライベート IP ${spec.privateIps.addresses.length} 個がすでに割り当て済み`,
            },
      };
  } else {
    const kept = (record.assignedIps ?? []).filter((ip) => onEni.has(ip));
    const need = eniCreatedNow ? 0 : Math.max(0, spec.privateIps.count - kept.length);
    const fresh: Val[] = Array.from({ length: eniCreatedNow ? spec.privateIps.count : need }, (_, i) => ({
      $ref: "secondaryIp" as const,
      index: i,
    }));
    secondaries = [...kept, ...fresh].slice(0, spec.privateIps.count);
    if (eniCreatedNow)
      assign = {
        ...assignBase,
        noop: true,
        params: { RegionId: R, NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: spec.privateIps.count },
        description: {
          en: `${spec.privateIps.count} secondary private IP(s) on ${show(eniId)}${withCreate.en}`,
          ja: `${showJa(eniId)} のセカンダリプライベート IP ${spec.privateIps.count} 個${withCreate.ja}`,
        },
      };
    else
      assign = {
        ...assignBase,
        noop: need === 0,
        params: {
          RegionId: R,
          NetworkInterfaceId: eniId,
          SecondaryPrivateIpAddressCount: need || spec.privateIps.count,
        },
        description: need
          ? {
              en: `Assign ${need} secondary private IP(s) to ${show(eniId)} (the cloud picks idle addresses)`,
              ja: `${showJa(eniId)} にセカンダリプライベート IP を ${need} 個割り当て（空きアドレスを自動選択）`,
            }
          : {
              en: `All ${spec.privateIps.count} secondary private IP(s) are already on ${show(eniId)}: ${kept.join(", ")}`,
              ja: `${showJa(eniId)} にはセカンダリプライベート IP ${spec.privateIps.count} 個がすでに割り当て済み`,
            },
      };
  }
  d.push(assign);

  // 5. EIPs: allocate what is missing, associate each with its private IP (NAT mode), in parallel.
  const primary: Val = live.eni?.primaryIp || record.eniPrimaryIp || { $ref: "eniPrimaryIp" };
  const targets = eipTargets(spec, primary, secondaries);
  spec.eips.forEach((e, i) => {
    const recorded = record.eips?.find((r) => r.allocatedByUs && r.specIndex === i);
    const allocationId: Val = e.allocationId ?? recorded?.allocationId ?? { $ref: "allocationId", index: i };
    const liveEip =
      typeof allocationId === "string" ? live.eips.find((x) => x.allocationId === allocationId) : undefined;
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
    const target = targets[i]!;
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
  });

  return finish("apply", d);
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
  const R = spec.regionId;
  const d: Draft[] = [];
  const eniId = record.eniId;
  const instanceId = record.instanceId;
  const unassocKeys: string[] = [];
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
    unassocKeys.push(key);
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
  return finish("teardown", d);
}

export const GUEST_ROLLBACK_KEY = "guest.rollback";

export type { Cond };
