// Pre-flight: every rule checked against the live state BEFORE anything changes.
// `checkPreflight` is pure (spec + snapshot → findings); `runPreflight` reads the
// snapshot through lib/cloud first.
import type { CloudContext } from "@/lib/cloud/call";
import { classifyInCidr } from "@/lib/net/ipv4";
import { allEips, secondaryCount, type DeploymentSpec, type EniEntry } from "./spec.schema";
import {
  STOPPED_ONLY_TYPES,
  primaryEniOf,
  type EniView,
  type LiveSnapshot,
  type ResourcesRecord,
  type VSwitchView,
} from "./model";
import { readSnapshot } from "./state";
import { AVAILABLE_ENI_IP_CAP, eipTargets } from "./planner";
import { alignRecord, type Alignment } from "./align";

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
  /** The record aligned to the spec (alignRecord). */
  record: ResourcesRecord;
  align: Alignment;
  inst: LiveSnapshot["instance"];
  instanceId: string | undefined;
  enis: EniCheck[];
};

/** One ENI of the spec as pre-flight sees it. */
type EniCheck = {
  k: number;
  entry: EniEntry;
  /** "ENI #2 " when the spec has several ENIs (findings say which one), else "". */
  label: { en: string; ja: string };
  /** The live ENI (existing, created earlier, or the instance's primary one). */
  eni: EniView | undefined;
  vsw: VSwitchView | undefined;
  /** Secondary IPs this deployment added to it. */
  ours: string[];
  /** The ENI is already on the instance (attached by an earlier run, the spec's own, or the primary ENI). */
  attachedHere: boolean;
};

function eniChecks(spec: DeploymentSpec, live: LiveSnapshot, align: Alignment, instanceId?: string): EniCheck[] {
  const many = spec.enis.length > 1;
  return spec.enis.map((entry, k) => {
    const rec = align.enis[k];
    const id = entry.eni.mode === "existing" ? entry.eni.networkInterfaceId : rec?.eniId;
    const eni =
      entry.eni.mode === "primary"
        ? primaryEniOf(live)
        : id
          ? (live.enis.find((x) => x.networkInterfaceId === id) ??
            live.instanceEnis.find((x) => x.networkInterfaceId === id))
          : undefined;
    const vSwitchId = eni?.vSwitchId ?? (entry.eni.mode === "create" ? entry.eni.vSwitchId : undefined);
    return {
      k,
      entry,
      label: many ? { en: `ENI #${k + 1}: `, ja: `ENI #${k + 1}: ` } : { en: "", ja: "" },
      eni,
      vsw: live.vSwitches.find((v) => v.vSwitchId === vSwitchId),
      ours: rec?.assignedIps ?? [],
      attachedHere: entry.eni.mode === "primary" || (!!eni && !!instanceId && eni.instanceId === instanceId),
    };
  });
}

export function checkPreflight(spec: DeploymentSpec, live: LiveSnapshot, raw: ResourcesRecord = {}): Finding[] {
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
  const align = alignRecord(spec, raw, live);
  const record = align.record;
  const instanceId = spec.instance.mode === "existing" ? spec.instance.instanceId : record.instanceId;
  const c: PreflightContext = {
    spec,
    live,
    record,
    align,
    inst: live.instance,
    instanceId,
    enis: eniChecks(spec, live, align, instanceId),
  };
  return [
    ...checkInstance(c),
    ...c.enis.flatMap((e) => [
      ...checkResources(c, e),
      ...checkPlacement(c, e),
      ...checkExplicitAddresses(c, e),
      ...checkFreeAddresses(c, e),
      ...checkEipTargets(c, e),
    ]),
    ...checkInstanceState(c),
    ...checkTypeQuotas(c),
    ...checkEips(c),
    ...checkEipQuotaAndNotices(c),
  ];
}

function checkInstance({ spec, inst }: PreflightContext): Finding[] {
  if (spec.instance.mode !== "existing" || inst) return [];
  return [
    f(
      "error",
      "INSTANCE_NOT_FOUND",
      `Instance ${spec.instance.instanceId} was not found in ${spec.regionId}.`,
      `インスタンス ${spec.instance.instanceId} が ${spec.regionId} に見つかりません。`,
      "Check the instance id and the region.",
      "インスタンス ID とリージョンを確認してください。",
    ),
  ];
}

/** The ENI the spec names exists, and can be attached to the instance. */
function checkResources({ spec, inst }: PreflightContext, { entry, eni, attachedHere, label: L }: EniCheck): Finding[] {
  const out: Finding[] = [];
  if (entry.eni.mode === "primary") {
    if (inst && !eni)
      out.push(
        f(
          "error",
          "PRIMARY_ENI_NOT_FOUND",
          `${L.en}the primary ENI of ${inst.instanceId} was not found.`,
          `${L.ja}${inst.instanceId} のプライマリ ENI が見つかりません。`,
          "Check the instance, or use a secondary ENI.",
          "インスタンスを確認するか、セカンダリ ENI を使ってください。",
        ),
      );
    return out;
  }
  if (entry.eni.mode === "existing" && !eni) {
    out.push(
      f(
        "error",
        "ENI_NOT_FOUND",
        `${L.en}ENI ${entry.eni.networkInterfaceId} was not found in ${spec.regionId}.`,
        `${L.ja}ENI ${entry.eni.networkInterfaceId} が ${spec.regionId} に見つかりません。`,
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
          `${L.en}${eni.networkInterfaceId} is a primary ENI; only secondary ENIs can be attached.`,
          `${L.ja}${eni.networkInterfaceId} はプライマリ ENI です。アタッチできるのはセカンダリ ENI だけです。`,
          "Choose a secondary ENI or create one (or use the instance's own primary ENI mode).",
          "セカンダリ ENI を選ぶか新規作成してください（またはインスタンスのプライマリ ENI モードを使ってください）。",
        ),
      );
    } else if (eni.instanceId && !attachedHere) {
      out.push(
        f(
          "error",
          "ENI_ATTACHED_ELSEWHERE",
          `${L.en}${eni.networkInterfaceId} is attached to ${eni.instanceId}.`,
          `${L.ja}${eni.networkInterfaceId} は ${eni.instanceId} にアタッチされています。`,
          "Detach it from that instance first, or choose another ENI.",
          "先にそのインスタンスからデタッチするか、別の ENI を選んでください。",
        ),
      );
    } else if (!attachedHere && eni.status !== "Available") {
      out.push(
        f(
          "error",
          "ENI_NOT_AVAILABLE",
          `${L.en}${eni.networkInterfaceId} is ${eni.status}; it must be Available to attach.`,
          `${L.ja}${eni.networkInterfaceId} の状態は ${eni.status} です。アタッチするには Available である必要があります。`,
          "Wait for its current operation to finish, then run pre-flight again.",
          "現在の処理が終わるのを待ってから、再度プリフライトを実行してください。",
        ),
      );
    }
  }
  return out;
}

/** Every ENI (or its vSwitch) is in the instance's VPC and zone, and the vSwitch exists. */
function checkPlacement({ spec, inst }: PreflightContext, { entry, eni, vsw, label: L }: EniCheck): Finding[] {
  const out: Finding[] = [];
  if (entry.eni.mode === "primary") return out;
  const eniVpc = eni?.vpcId ?? vsw?.vpcId;
  const eniZone = eni?.zoneId ?? vsw?.zoneId;
  const instVpc = inst?.vpcId;
  const instZone = inst?.zoneId ?? (spec.instance.mode === "create" ? spec.instance.zoneId : undefined);
  if (instVpc && eniVpc && instVpc !== eniVpc) {
    out.push(
      f(
        "error",
        "VPC_MISMATCH",
        `${L.en}the ENI is in ${eniVpc} but the instance is in ${instVpc}.`,
        `${L.ja}ENI は ${eniVpc}、インスタンスは ${instVpc} にあります。`,
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
        `${L.en}the ENI is in zone ${eniZone} but the instance is in ${instZone}.`,
        `${L.ja}ENI はゾーン ${eniZone}、インスタンスは ${instZone} にあります。`,
        `Use a vSwitch in ${instZone}.`,
        `${instZone} の vSwitch を使ってください。`,
      ),
    );
  }
  if (entry.eni.mode === "create" && !vsw) {
    out.push(
      f(
        "error",
        "VSWITCH_NOT_FOUND",
        `${L.en}vSwitch ${entry.eni.vSwitchId} was not found.`,
        `${L.ja}vSwitch ${entry.eni.vSwitchId} が見つかりません。`,
        "Pick a vSwitch from the list.",
        "一覧から vSwitch を選んでください。",
      ),
    );
  }
  return out;
}

/** Instance state and stop-to-attach families. */
function checkInstanceState({ spec, inst, enis }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const typeId = inst?.instanceType ?? (spec.instance.mode === "create" ? spec.instance.instanceType : "");
  const attaching = enis.some((e) => !e.attachedHere);
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
  if (inst && attaching && STOPPED_ONLY_TYPES.has(typeId) && inst.status === "Running") {
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

/** Quotas of the instance type: ENIs per instance (across all ENIs), private IPs per ENI (each ENI, the primary too). */
function checkTypeQuotas({ live, inst, enis, align }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const t = live.instanceType;
  if (!t) return out;
  // ENIs this change detaches free their slots.
  const leaving = align.orphanEnis.filter((r) => r.mode !== "primary" && (r.attachedByUs || r.created)).length;
  const enisNow = live.instanceEnis.length || (inst ? 1 : 0);
  const adding = enis.filter((e) => !e.attachedHere).length;
  if (adding > 0 && enisNow - leaving + adding > t.eniQuantity) {
    const room = Math.max(0, t.eniQuantity - enisNow + leaving);
    out.push(
      f(
        "error",
        "ENI_QUOTA",
        `${t.instanceTypeId} allows ${t.eniQuantity} ENIs (primary included); ${inst?.instanceId ?? "the instance"} has ${enisNow} and this deployment adds ${adding}.`,
        `${t.instanceTypeId} の ENI 上限は ${t.eniQuantity} 個（プライマリ含む）です。既に ${enisNow} 個あり、このデプロイで ${adding} 個追加します。`,
        `Add at most ${room} secondary ENI(s), put the addresses on the primary ENI, or use a larger instance type.`,
        `追加するセカンダリ ENI を ${room} 個以下にするか、アドレスをプライマリ ENI に置くか、より大きいインスタンスタイプを使ってください。`,
      ),
    );
  }
  for (const e of enis) {
    const p = e.entry.privateIps;
    const others = (e.eni?.privateIps.filter((x) => !x.primary).map((x) => x.ip) ?? [])
      .filter((ip) => p.mode !== "explicit" || !p.addresses.includes(ip))
      .filter((ip) => !e.ours.includes(ip));
    const total = 1 + others.length + secondaryCount(e.entry);
    if (total > t.eniPrivateIpAddressQuantity) {
      const room = Math.max(0, t.eniPrivateIpAddressQuantity - 1 - others.length);
      out.push(
        f(
          "error",
          "IP_QUOTA",
          `${e.label.en}${t.instanceTypeId} allows ${t.eniPrivateIpAddressQuantity} private IPs per ENI; this ENI needs ${total}.`,
          `${e.label.ja}${t.instanceTypeId} の ENI あたりのプライベート IP 上限は ${t.eniPrivateIpAddressQuantity} 個ですが、この ENI には ${total} 個必要です。`,
          `Request at most ${room} secondary IPs on this ENI, spread the addresses over another ENI, or use a larger instance type.`,
          `この ENI のセカンダリ IP を ${room} 個以下にするか、別の ENI に分けるか、より大きいインスタンスタイプを使ってください。`,
        ),
      );
    }
    if (e.entry.eni.mode === "create" && !e.eni && secondaryCount(e.entry) > AVAILABLE_ENI_IP_CAP - 1)
      out.push(
        f(
          "notice",
          "ENI_CREATE_IP_CAP",
          `${e.label.en}an ENI that is not attached holds at most ${AVAILABLE_ENI_IP_CAP} private IPs: EIPilot creates it with ${AVAILABLE_ENI_IP_CAP - 1} secondary IPs, attaches it, then assigns the other ${secondaryCount(e.entry) - (AVAILABLE_ENI_IP_CAP - 1)}.`,
          `${e.label.ja}アタッチされていない ENI のプライベート IP は最大 ${AVAILABLE_ENI_IP_CAP} 個です。EIPilot はセカンダリ IP ${AVAILABLE_ENI_IP_CAP - 1} 個で作成してアタッチし、残り ${secondaryCount(e.entry) - (AVAILABLE_ENI_IP_CAP - 1)} 個を割り当てます。`,
          "Nothing to do: the plan already splits the addresses.",
          "対応は不要です。プランはすでにアドレスを分けています。",
        ),
      );
  }
  return out;
}

/** Explicit addresses: inside the vSwitch CIDR, not reserved, and free. */
function checkExplicitAddresses({ live }: PreflightContext, { entry, vsw, label: L }: EniCheck): Finding[] {
  const out: Finding[] = [];
  if (vsw && entry.privateIps.mode === "explicit") {
    for (const ip of entry.privateIps.addresses) {
      const where = classifyInCidr(ip, vsw.cidrBlock);
      if (where === "outside") {
        out.push(
          f(
            "error",
            "IP_OUTSIDE_CIDR",
            `${L.en}${ip} is outside the vSwitch CIDR ${vsw.cidrBlock}.`,
            `${L.ja}${ip} は vSwitch の CIDR ${vsw.cidrBlock} の範囲外です。`,
            `Choose addresses inside ${vsw.cidrBlock}.`,
            `${vsw.cidrBlock} の範囲内のアドレスを選んでください。`,
          ),
        );
      } else if (where === "reserved") {
        out.push(
          f(
            "error",
            "IP_RESERVED",
            `${L.en}${ip} is reserved by the vSwitch (the first and the last three addresses of ${vsw.cidrBlock}).`,
            `${L.ja}${ip} は vSwitch の予約アドレスです（${vsw.cidrBlock} の先頭と末尾 3 つ）。`,
            "Choose another address.",
            "別のアドレスを選んでください。",
          ),
        );
      } else if (live.ipHolders[ip]) {
        out.push(
          f(
            "error",
            "IP_IN_USE",
            `${L.en}${ip} is already used by ${live.ipHolders[ip]}.`,
            `${L.ja}${ip} は ${live.ipHolders[ip]} で使用中です。`,
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
function checkFreeAddresses(_c: PreflightContext, { entry, ours, eni, vsw }: EniCheck): Finding[] {
  const out: Finding[] = [];
  if (vsw && entry.privateIps.mode === "count") {
    const have = ours.filter((ip) => eni?.privateIps.some((p) => p.ip === ip)).length;
    const need = Math.max(0, entry.privateIps.count - have) + (entry.eni.mode === "create" && !eni ? 1 : 0);
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

/** EIP targets must be addresses of their ENI, and not carry another EIP already. */
function checkEipTargets({ align }: PreflightContext, { k, entry, eni, ours, label: L }: EniCheck): Finding[] {
  const out: Finding[] = [];
  const p = entry.privateIps;
  const known = new Set([
    ...(eni && entry.usePrimaryIp ? [eni.primaryIp] : []),
    ...(p.mode === "explicit" ? p.addresses : []),
    ...ours,
    // The primary ENI's (and an existing ENI's) own secondary addresses can carry an EIP too.
    ...(eni && entry.eni.mode !== "create" ? eni.privateIps.filter((x) => !x.primary).map((x) => x.ip) : []),
  ]);
  for (const e of entry.eips) {
    if (e.privateIp && !known.has(e.privateIp) && (eni || p.mode === "explicit")) {
      out.push(
        f(
          "error",
          "EIP_TARGET_UNKNOWN",
          `${L.en}${e.privateIp} is not one of the ENI's private IPs.`,
          `${L.ja}${e.privateIp} は ENI のプライベート IP ではありません。`,
          "Map each EIP to the ENI's primary IP or one of the requested secondary IPs.",
          "各 EIP を ENI のプライマリ IP または要求したセカンダリ IP に割り当ててください。",
        ),
      );
    }
  }
  // A target address that already carries another EIP cannot take a second one — unless that EIP
  // is ours and this change removes it from there (a replaced EIP).
  if (eni) {
    const secondaries = p.mode === "explicit" ? p.addresses : ours;
    const current = entry.eips.map((_, i) => align.eips[k]?.[i]?.privateIp || align.replaces[k]?.[i] || undefined);
    const targets = eipTargets(entry, eni.primaryIp, secondaries, current);
    const leaving = new Set(align.orphanEips.map((r) => r.allocationId));
    entry.eips.forEach((e, i) => {
      const ip = targets[i];
      const slot = typeof ip === "string" ? eni.privateIps.find((x) => x.ip === ip) : undefined;
      const mine = align.eips[k]?.[i]?.allocationId ?? e.allocationId;
      const moving = align.eips.flat().some((r) => r?.allocationId === slot?.eipAllocationId);
      if (slot?.eipAllocationId && slot.eipAllocationId !== mine && !leaving.has(slot.eipAllocationId) && !moving) {
        out.push(
          f(
            "error",
            "EIP_TARGET_TAKEN",
            `${L.en}${slot.ip} on ${eni.networkInterfaceId} already carries EIP ${slot.eipAllocationId} (${slot.eipAddress ?? ""}).`,
            `${L.ja}${eni.networkInterfaceId} の ${slot.ip} には既に EIP ${slot.eipAllocationId}（${slot.eipAddress ?? ""}）が関連付けられています。`,
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
function checkEips({ spec, live, enis, record }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const ourEnis = new Set([
    ...enis.flatMap((e) => (e.eni ? [e.eni.networkInterfaceId] : [])),
    ...(record.enis ?? []).flatMap((e) => (e.eniId ? [e.eniId] : [])),
  ]);
  for (const { eip: e } of allEips(spec)) {
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
    const ours = ourEnis.has(l.instanceId);
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
function checkEipQuotaAndNotices({ spec, live, align }: PreflightContext): Finding[] {
  const out: Finding[] = [];
  // Across the whole change: the EIPs to allocate, less those it releases first.
  const toAllocate = allEips(spec).filter(
    ({ eni, index, eip }) => !eip.allocationId && !align.eips[eni]?.[index],
  ).length;
  const released = spec.releaseRemovedEips ? align.orphanEips.filter((r) => r.allocatedByUs).length : 0;
  if (toAllocate > 0 && live.regionEipCount - released + toAllocate > spec.eipQuota) {
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
    allEips(spec).filter((x) => !x.eip.allocationId).length +
    live.eips.filter((e) => e.chargeType === "PostPaid").length;
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

/**
 * The EIPs an apply of `spec` allocates and those it releases first (a change that drops EIPs it allocated):
 * what the account's quota must hold. A fleet adds them up over its members.
 */
export function eipQuotaDelta(
  spec: DeploymentSpec,
  live: LiveSnapshot,
  raw: ResourcesRecord = {},
): { toAllocate: number; released: number } {
  const align = alignRecord(spec, raw, live);
  const toAllocate = allEips(spec).filter(
    ({ eni, index, eip }) => !eip.allocationId && !align.eips[eni]?.[index],
  ).length;
  const released = spec.releaseRemovedEips ? align.orphanEips.filter((r) => r.allocatedByUs).length : 0;
  return { toAllocate, released };
}

export async function runPreflightChecks(ctx: CloudContext, spec: DeploymentSpec, record: ResourcesRecord = {}) {
  const live = await readSnapshot(ctx, spec, record);
  return { live, findings: checkPreflight(spec, live, record) };
}

export const hasErrors = (findings: Finding[]) => findings.some((x) => x.severity === "error");
