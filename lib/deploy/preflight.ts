// Pre-flight: every rule checked against the live state BEFORE anything changes.
// `checkPreflight` is pure (spec + snapshot → findings); `runPreflight` reads the
// snapshot through lib/cloud first.
import type { CloudContext } from "@/lib/cloud/call";
import { classifyInCidr } from "@/lib/net/ipv4";
import type { DeploymentSpec } from "./spec.schema";
import { STOPPED_ONLY_TYPES, type LiveSnapshot, type ResourcesRecord } from "./model";
import { readSnapshot } from "./state";
import { eipTargets } from "./planner";

export type Severity = "error" | "warning" | "notice";
export type Finding = {
  severity: Severity;
  code: string;
  message: { en: string; ja: string };
  fix: { en: string; ja: string };
};

const f = (severity: Severity, code: string, en: string, ja: string, fixEn: string, fixJa: string): Finding => ({
  severity,
  code,
  message: { en, ja },
  fix: { en: fixEn, ja: fixJa },
});

/** What the pre-flight rules share: the spec, the live state and what this deployment already did. */
type PreflightContext = {
  spec: DeploymentSpec;
  live: LiveSnapshot;
  record: ResourcesRecord;
  inst: LiveSnapshot["instance"];
  instanceId: string | undefined;
  eni: LiveSnapshot["eni"];
  vsw: LiveSnapshot["vSwitch"];
  /** The ENI is already on the instance (attached by an earlier run, or the spec's own). */
  attachedHere: boolean;
};

export function checkPreflight(spec: DeploymentSpec, live: LiveSnapshot, record: ResourcesRecord = {}): Finding[] {
  const out: Finding[] = [];
  if (!live.regionKnown) {
    out.push(
      f(
        "error",
        "REGION_UNKNOWN",
        `Region ${spec.regionId} does not exist or is not enabled for this account.`,
        `リージョン ${spec.regionId} は存在しないか、このアカウントで有効ではありません。`,
        "Pick a region from the list.",
        "一覧からリージョンを選んでください。",
      ),
    );
    return out;
  }
  const instanceId = spec.instance.mode === "existing" ? spec.instance.instanceId : record.instanceId;
  const c: PreflightContext = {
    spec,
    live,
    record,
    inst: live.instance,
    instanceId,
    eni: live.eni,
    vsw: live.vSwitch,
    attachedHere: !!live.eni && !!instanceId && live.eni.instanceId === instanceId,
  };
  return [
    ...checkResources(c),
    ...checkPlacement(c),
    ...checkInstanceState(c),
    ...checkTypeQuotas(c),
    ...checkExplicitAddresses(c),
    ...checkFreeAddresses(c),
    ...checkEipTargets(c),
    ...checkEips(c),
    ...checkEipQuotaAndNotices(c),
  ];
}

/** The instance and the ENI the spec names exist, and the ENI can be attached to it. */
function checkResources({ spec, inst, eni, attachedHere }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  if (spec.instance.mode === "existing" && !inst) {
    out.push(
      f(
        "error",
        "INSTANCE_NOT_FOUND",
        `Instance ${spec.instance.instanceId} was not found in ${spec.regionId}.`,
        `インスタンス ${spec.instance.instanceId} が ${spec.regionId} に見つかりません。`,
        "Check the instance id and the region.",
        "インスタンス ID とリージョンを確認してください。",
      ),
    );
  }
  if (spec.eni.mode === "existing" && !eni) {
    out.push(
      f(
        "error",
        "ENI_NOT_FOUND",
        `ENI ${spec.eni.networkInterfaceId} was not found in ${spec.regionId}.`,
        `ENI ${spec.eni.networkInterfaceId} が ${spec.regionId} に見つかりません。`,
        "Check the ENI id, or let EIPilot create a new ENI.",
        "ENI ID を確認するか、新しい ENI の作成を選んでください。",
      ),
    );
  }
  if (eni) {
    if (eni.type === "Primary") {
      out.push(
        f(
          "error",
          "ENI_IS_PRIMARY",
          `${eni.networkInterfaceId} is a primary ENI; only secondary ENIs can be attached.`,
          `${eni.networkInterfaceId} はプライマリ ENI です。アタッチできるのはセカンダリ ENI だけです。`,
          "Choose a secondary ENI or create one.",
          "セカンダリ ENI を選ぶか、新規作成してください。",
        ),
      );
    } else if (eni.instanceId && !attachedHere) {
      out.push(
        f(
          "error",
          "ENI_ATTACHED_ELSEWHERE",
          `${eni.networkInterfaceId} is attached to ${eni.instanceId}.`,
          `${eni.networkInterfaceId} は ${eni.instanceId} にアタッチされています。`,
          "Detach it from that instance first, or choose another ENI.",
          "先にそのインスタンスからデタッチするか、別の ENI を選んでください。",
        ),
      );
    } else if (!attachedHere && eni.status !== "Available") {
      out.push(
        f(
          "error",
          "ENI_NOT_AVAILABLE",
          `${eni.networkInterfaceId} is ${eni.status}; it must be Available to attach.`,
          `${eni.networkInterfaceId} の状態は ${eni.status} です。アタッチするには Available である必要があります。`,
          "Wait for its current operation to finish, then run pre-flight again.",
          "現在の処理が終わるのを待ってから、再度プリフライトを実行してください。",
        ),
      );
    }
  }
  return out;
}

/** The ENI (or its vSwitch) is in the instance's VPC and zone, and the vSwitch exists. */
function checkPlacement({ spec, inst, eni, vsw }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const eniVpc = eni?.vpcId ?? vsw?.vpcId;
  const eniZone = eni?.zoneId ?? vsw?.zoneId;
  const instVpc = inst?.vpcId;
  const instZone = inst?.zoneId ?? (spec.instance.mode === "create" ? spec.instance.zoneId : undefined);
  if (instVpc && eniVpc && instVpc !== eniVpc) {
    out.push(
      f(
        "error",
        "VPC_MISMATCH",
        `The ENI is in ${eniVpc} but the instance is in ${instVpc}.`,
        `ENI は ${eniVpc}、インスタンスは ${instVpc} にあります。`,
        "Use an ENI (or vSwitch) in the instance's VPC.",
        "インスタンスと同じ VPC の ENI（または vSwitch）を使ってください。",
      ),
    );
  }
  if (instZone && eniZone && instZone !== eniZone) {
    out.push(
      f(
        "error",
        "ZONE_MISMATCH",
        `The ENI is in zone ${eniZone} but the instance is in ${instZone}.`,
        `ENI はゾーン ${eniZone}、インスタンスは ${instZone} にあります。`,
        `Use a vSwitch in ${instZone}.`,
        `${instZone} の vSwitch を使ってください。`,
      ),
    );
  }
  if (spec.eni.mode === "create" && !vsw) {
    out.push(
      f(
        "error",
        "VSWITCH_NOT_FOUND",
        `vSwitch ${spec.eni.vSwitchId} was not found.`,
        `vSwitch ${spec.eni.vSwitchId} が見つかりません。`,
        "Pick a vSwitch from the list.",
        "一覧から vSwitch を選んでください。",
      ),
    );
  }
  return out;
}

/** Instance state and stop-to-attach families. */
function checkInstanceState({ spec, inst, attachedHere }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const typeId = inst?.instanceType ?? (spec.instance.mode === "create" ? spec.instance.instanceType : "");
  if (inst && !["Running", "Stopped"].includes(inst.status)) {
    out.push(
      f(
        "error",
        "INSTANCE_STATE",
        `Instance ${inst.instanceId} is ${inst.status}; ENIs attach only to Running or Stopped instances.`,
        `インスタンス ${inst.instanceId} の状態は ${inst.status} です。ENI は Running または Stopped のインスタンスにのみアタッチできます。`,
        "Wait until it is Running or Stopped.",
        "Running または Stopped になるまで待ってください。",
      ),
    );
  }
  if (inst && !attachedHere && STOPPED_ONLY_TYPES.has(typeId) && inst.status === "Running") {
    if (spec.allowStopInstance) {
      out.push(
        f(
          "warning",
          "INSTANCE_WILL_STOP",
          `${typeId} attaches ENIs only while stopped: EIPilot will stop ${inst.instanceId}, attach the ENI and start it again (downtime).`,
          `${typeId} は停止中のみ ENI をアタッチできます。EIPilot は ${inst.instanceId} を停止し、ENI をアタッチしてから再起動します（停止時間が発生します）。`,
          "Schedule the deployment in a maintenance window.",
          "メンテナンス時間帯に実行してください。",
        ),
      );
    } else {
      out.push(
        f(
          "error",
          "ATTACH_REQUIRES_STOP",
          `${typeId} attaches ENIs only while the instance is stopped, and ${inst.instanceId} is Running.`,
          `${typeId} は停止中のみ ENI をアタッチできますが、${inst.instanceId} は Running です。`,
          "Allow EIPilot to stop and restart the instance, or stop it yourself first.",
          "EIPilot によるインスタンスの停止・再起動を許可するか、先にご自身で停止してください。",
        ),
      );
    }
  }
  return out;
}

/** Quotas of the instance type (ENIs per instance, private IPs per ENI). */
function checkTypeQuotas({ spec, live, record, inst, eni, attachedHere }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const t = live.instanceType;
  const secondaryCount = spec.privateIps.mode === "explicit" ? spec.privateIps.addresses.length : spec.privateIps.count;
  if (t) {
    const enisNow = live.instanceEnis.length || (inst ? 1 : 0);
    if (!attachedHere && enisNow + 1 > t.eniQuantity) {
      out.push(
        f(
          "error",
          "ENI_QUOTA",
          `${t.instanceTypeId} allows ${t.eniQuantity} ENIs (primary included) and ${inst?.instanceId ?? "the instance"} already has ${enisNow}.`,
          `${t.instanceTypeId} の ENI 上限は ${t.eniQuantity} 個（プライマリ含む）で、既に ${enisNow} 個あります。`,
          "Detach an unused ENI or use a larger instance type.",
          "不要な ENI をデタッチするか、より大きいインスタンスタイプを使ってください。",
        ),
      );
    }
    const others = (eni?.privateIps.filter((p) => !p.primary).map((p) => p.ip) ?? [])
      .filter((ip) => spec.privateIps.mode !== "explicit" || !spec.privateIps.addresses.includes(ip))
      .filter((ip) => !(record.assignedIps ?? []).includes(ip));
    const total = 1 + others.length + secondaryCount;
    if (total > t.eniPrivateIpAddressQuantity) {
      out.push(
        f(
          "error",
          "IP_QUOTA",
          `${t.instanceTypeId} allows ${t.eniPrivateIpAddressQuantity} private IPs per ENI; this deployment needs ${total}.`,
          `${t.instanceTypeId} の ENI あたりのプライベート IP 上限は ${t.eniPrivateIpAddressQuantity} 個ですが、${total} 個必要です。`,
          `Request at most ${Math.max(0, t.eniPrivateIpAddressQuantity - 1 - others.length)} secondary IPs, or use a larger instance type.`,
          `セカンダリ IP を ${Math.max(0, t.eniPrivateIpAddressQuantity - 1 - others.length)} 個以下にするか、より大きいインスタンスタイプを使ってください。`,
        ),
      );
    }
  }
  return out;
}

/** Explicit addresses: inside the vSwitch CIDR, not reserved, and free. */
function checkExplicitAddresses({ spec, live, vsw }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  if (vsw && spec.privateIps.mode === "explicit") {
    for (const ip of spec.privateIps.addresses) {
      const where = classifyInCidr(ip, vsw.cidrBlock);
      if (where === "outside") {
        out.push(
          f(
            "error",
            "IP_OUTSIDE_CIDR",
            `${ip} is outside the vSwitch CIDR ${vsw.cidrBlock}.`,
            `${ip} は vSwitch の CIDR ${vsw.cidrBlock} の範囲外です。`,
            `Choose addresses inside ${vsw.cidrBlock}.`,
            `${vsw.cidrBlock} の範囲内のアドレスを選んでください。`,
          ),
        );
      } else if (where === "reserved") {
        out.push(
          f(
            "error",
            "IP_RESERVED",
            `${ip} is reserved by the vSwitch (the first and the last three addresses of ${vsw.cidrBlock}).`,
            `${ip} は vSwitch の予約アドレスです（${vsw.cidrBlock} の先頭と末尾 3 つ）。`,
            "Choose another address.",
            "別のアドレスを選んでください。",
          ),
        );
      } else if (live.ipHolders[ip]) {
        out.push(
          f(
            "error",
            "IP_IN_USE",
            `${ip} is already used by ${live.ipHolders[ip]}.`,
            `${ip} は ${live.ipHolders[ip]} で使用中です。`,
            "Choose a free address or let the cloud pick addresses.",
            "空いているアドレスを選ぶか、自動割り当てにしてください。",
          ),
        );
      }
    }
  }
  return out;
}

/** Addresses the cloud picks: the vSwitch has that many free. */
function checkFreeAddresses({ spec, record, eni, vsw }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  if (vsw && spec.privateIps.mode === "count") {
    const have = (record.assignedIps ?? []).filter((ip) => eni?.privateIps.some((p) => p.ip === ip)).length;
    const need = Math.max(0, spec.privateIps.count - have) + (spec.eni.mode === "create" && !eni ? 1 : 0);
    if (need > vsw.availableIpAddressCount) {
      out.push(
        f(
          "error",
          "VSWITCH_IPS_EXHAUSTED",
          `vSwitch ${vsw.vSwitchId} has ${vsw.availableIpAddressCount} free addresses; ${need} are needed.`,
          `vSwitch ${vsw.vSwitchId} の空きアドレスは ${vsw.availableIpAddressCount} 個で、${need} 個必要です。`,
          "Use another vSwitch or free some addresses.",
          "別の vSwitch を使うか、アドレスを解放してください。",
        ),
      );
    }
  }
  return out;
}

/** EIP targets must be addresses of the ENI, and not carry another EIP already. */
function checkEipTargets({ spec, record, eni }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const known = new Set([
    ...(eni ? [eni.primaryIp] : []),
    ...(spec.privateIps.mode === "explicit" ? spec.privateIps.addresses : []),
    ...(record.assignedIps ?? []),
  ]);
  for (const e of spec.eips) {
    if (e.privateIp && !known.has(e.privateIp) && (eni || spec.privateIps.mode === "explicit")) {
      out.push(
        f(
          "error",
          "EIP_TARGET_UNKNOWN",
          `${e.privateIp} is not one of the ENI's private IPs.`,
          `${e.privateIp} は ENI のプライベート IP ではありません。`,
          "Map each EIP to the ENI's primary IP or one of the requested secondary IPs.",
          "各 EIP を ENI のプライマリ IP または要求したセカンダリ IP に割り当ててください。",
        ),
      );
    }
  }
  // A target address that already carries another EIP cannot take a second one.
  if (eni) {
    const secondaries = spec.privateIps.mode === "explicit" ? spec.privateIps.addresses : (record.assignedIps ?? []);
    const targets = eipTargets(spec, eni.primaryIp, secondaries);
    spec.eips.forEach((e, i) => {
      const ip = targets[i];
      const slot = typeof ip === "string" ? eni.privateIps.find((p) => p.ip === ip) : undefined;
      const ours = (record.eips ?? []).find((r) => r.specIndex === i)?.allocationId ?? e.allocationId;
      if (slot?.eipAllocationId && slot.eipAllocationId !== ours) {
        out.push(
          f(
            "error",
            "EIP_TARGET_TAKEN",
            `${slot.ip} on ${eni.networkInterfaceId} already carries EIP ${slot.eipAllocationId} (${slot.eipAddress ?? ""}).`,
            `${eni.networkInterfaceId} の ${slot.ip} には既に EIP ${slot.eipAllocationId}（${slot.eipAddress ?? ""}）が関連付けられています。`,
            "Map this EIP to another private IP, or unassociate the existing EIP first.",
            "この EIP を別のプライベート IP に割り当てるか、先に既存の EIP の関連付けを解除してください。",
          ),
        );
      }
    });
  }
  return out;
}

/** EIPs exist, are in the region and Available (or already bound exactly as asked). */
function checkEips({ spec, live, eni }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  for (const e of spec.eips) {
    if (!e.allocationId) continue;
    const l = live.eips.find((x) => x.allocationId === e.allocationId);
    if (!l) {
      out.push(
        f(
          "error",
          "EIP_NOT_FOUND",
          `EIP ${e.allocationId} was not found in ${spec.regionId}.`,
          `EIP ${e.allocationId} が ${spec.regionId} に見つかりません。`,
          "Check the allocation id and the region, or let EIPilot allocate a new EIP.",
          "割り当て ID とリージョンを確認するか、新しい EIP の確保を選んでください。",
        ),
      );
      continue;
    }
    if (l.regionId && l.regionId !== spec.regionId) {
      out.push(
        f(
          "error",
          "EIP_REGION_MISMATCH",
          `EIP ${e.allocationId} is in ${l.regionId}, not ${spec.regionId}.`,
          `EIP ${e.allocationId} は ${spec.regionId} ではなく ${l.regionId} にあります。`,
          "Use an EIP of the instance's region.",
          "インスタンスと同じリージョンの EIP を使ってください。",
        ),
      );
    }
    const ours = !!eni && l.instanceId === eni.networkInterfaceId;
    if (l.status !== "Available" && !ours) {
      out.push(
        f(
          "error",
          "EIP_NOT_AVAILABLE",
          `EIP ${e.allocationId} (${l.ipAddress}) is ${l.status}${l.instanceId ? ` and bound to ${l.instanceId}` : ""}.`,
          `EIP ${e.allocationId}（${l.ipAddress}）の状態は ${l.status} です${l.instanceId ? `（${l.instanceId} に関連付け済み）` : ""}。`,
          "Unassociate it first or choose an Available EIP.",
          "先に関連付けを解除するか、Available の EIP を選んでください。",
        ),
      );
    }
  }
  return out;
}

/** The account's EIP quota, and what the operator should know (fees, inbound-only). */
function checkEipQuotaAndNotices({ spec, live, record }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const toAllocate = spec.eips.filter(
    (e, i) => !e.allocationId && !(record.eips ?? []).some((r) => r.specIndex === i && r.allocatedByUs),
  ).length;
  if (toAllocate > 0 && live.regionEipCount + toAllocate > spec.eipQuota) {
    out.push(
      f(
        "error",
        "EIP_QUOTA",
        `Allocating ${toAllocate} EIP(s) would exceed the account quota of ${spec.eipQuota} in ${spec.regionId} (${live.regionEipCount} in use).`,
        `EIP を ${toAllocate} 個確保すると、${spec.regionId} のアカウント上限 ${spec.eipQuota} 個を超えます（使用中 ${live.regionEipCount} 個）。`,
        "Release unused EIPs or raise the quota in Quota Center.",
        "不要な EIP を解放するか、クォータセンターで上限を引き上げてください。",
      ),
    );
  }
  const postPaid =
    spec.eips.filter((e) => !e.allocationId).length + live.eips.filter((e) => e.chargeType === "PostPaid").length;
  if (postPaid > 0) {
    out.push(
      f(
        "notice",
        "EIP_CONFIG_FEE",
        "Pay-as-you-go EIPs associated with a secondary ENI incur a configuration (public IP retention) fee.",
        "セカンダリ ENI に関連付けた従量課金 EIP には、設定料金（パブリック IP 保持料金）がかかります。",
        "See the EIP pricing page; release EIPs you no longer need.",
        "EIP の料金ページを確認し、不要になった EIP は解放してください。",
      ),
    );
  }
  if (spec.traffic === "inbound-only") {
    out.push(
      f(
        "notice",
        "INBOUND_ONLY",
        "Inbound-only: no policy routes are needed in the guest OS; outbound traffic keeps leaving through the primary address.",
        "受信専用: ゲスト OS にポリシールーティングは不要です。送信トラフィックは引き続きプライマリアドレスから出ます。",
        "Choose policy routes if each EIP must also be the source of outbound traffic.",
        "各 EIP を送信元にもする場合はポリシールーティングを選んでください。",
      ),
    );
  }
  return out;
}

export async function runPreflightChecks(ctx: CloudContext, spec: DeploymentSpec, record: ResourcesRecord = {}) {
  const live = await readSnapshot(ctx, spec, record);
  return { live, findings: checkPreflight(spec, live, record) };
}

export const hasErrors = (findings: Finding[]) => findings.some((x) => x.severity === "error");
