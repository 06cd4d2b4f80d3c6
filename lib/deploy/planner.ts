// The planner: PURE. Spec + live snapshot (+ what this deployment already did)
// → the ordered list of exact API calls, each marked no-op when already in place.
// It reconciles: each ENI of the spec (the instance's primary ENI, an existing or a new secondary
// ENI) with its private IPs and EIPs against the record, and removes what the record holds and the
// spec no longer lists. Re-planning a finished deployment therefore yields no changes, a changed
// spec yields exactly the delta, and teardown is the plan that removes everything this deployment
// created or changed.
import { secondaryCount, type DeploymentSpec, type EniEntry } from "./spec.schema";
import {
  CLIENT_TOKEN_ACTIONS,
  STOPPED_ONLY_TYPES,
  eniStepKey,
  isRef,
  primaryEniOf,
  type Cond,
  type EipRecord,
  type EipView,
  type EniRecord,
  type EniView,
  type LiveSnapshot,
  type Plan,
  type PlannedStep,
  type Ref,
  type ResourcesRecord,
  type Val,
} from "./model";
import type { CloudAction } from "@/lib/cloud/call";
import { alignRecord, type Alignment } from "./align";

export { alignRecord };

/** An ENI that is not attached holds at most this many private IPs, its primary one included (API reference §10). */
export const AVAILABLE_ENI_IP_CAP = 10;

type Draft = Omit<PlannedStep, "idempotent" | "async" | "noop" | "dependsOn"> & {
  async?: boolean;
  noop?: boolean;
  dependsOn?: string[];
};

function finish(phase: Plan["phase"], drafts: Draft[], change = false): Plan {
  const active = new Set(drafts.filter((d) => !d.noop).map((d) => d.key));
  const steps: PlannedStep[] = drafts.map((d) => ({
    ...d,
    async: d.async ?? false,
    noop: d.noop ?? false,
    idempotent: CLIENT_TOKEN_ACTIONS.has(d.action as CloudAction),
    // A dependency on a no-op step is already satisfied.
    dependsOn: [...new Set(d.dependsOn ?? [])].filter((k) => active.has(k) && k !== d.key),
  }));
  return { phase, ...(change ? { change } : {}), steps, changes: steps.filter((s) => !s.noop).length };
}

const show = (v: Val): string => (isRef(v) ? refLabel(v) : v);
const showJa = (v: Val): string => (isRef(v) ? refLabel(v, "ja") : v);
const eniSuffix = (r: { eni?: number }, ja: boolean) =>
  r.eni ? (ja ? `（ENI #${r.eni + 1}）` : ` (ENI #${r.eni + 1})`) : "";

/** A value known only once the run gets there, as a plan description shows it (in the description's language). */
export function refLabel(r: Ref, locale: "en" | "ja" = "en"): string {
  const ja = locale === "ja";
  switch (r.$ref) {
    case "instanceId":
      return ja ? "<新しいインスタンス>" : "<new instance>";
    case "eniId":
      return r.eni
        ? ja
          ? `<新しい ENI #${r.eni + 1}>`
          : `<new ENI #${r.eni + 1}>`
        : ja
          ? "<新しい ENI>"
          : "<new ENI>";
    case "eniPrimaryIp":
      return ja ? `<ENI のプライマリ IP${eniSuffix(r, ja)}>` : `<ENI primary IP${eniSuffix(r, ja)}>`;
    case "secondaryIp":
      return ja
        ? `<新しいセカンダリ IP #${r.index + 1}${eniSuffix(r, ja)}>`
        : `<new secondary IP #${r.index + 1}${eniSuffix(r, ja)}>`;
    case "allocationId":
      return ja ? `<新しい EIP #${r.index + 1}${eniSuffix(r, ja)}>` : `<new EIP #${r.index + 1}${eniSuffix(r, ja)}>`;
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
 * Secondary IP #n is the n-th address this deployment added to that ENI (the plan is made before any is added).
 */
export function fillRefLabels(text: string, record: ResourcesRecord): string {
  const eniAt = (k: number) => record.enis?.find((e) => e.index === k);
  return text.replace(
    /<(new instance|新しいインスタンス|(?:new ENI|新しい ENI)(?: #(\d+))?|(?:ENI primary IP|ENI のプライマリ IP)|(?:new secondary IP|新しいセカンダリ IP) #(\d+)|(?:new EIP|新しい EIP) #(\d+))(?: \(ENI #(\d+)\)|（ENI #(\d+)）)?>/g,
    (whole, what: string, eniN?: string, ip?: string, eip?: string, sufEn?: string, sufJa?: string) => {
      const k = Number(eniN ?? sufEn ?? sufJa ?? 1) - 1;
      const found = ip
        ? eniAt(k)?.assignedIps?.[Number(ip) - 1]
        : eip
          ? record.eips?.find((e) => e.eniIndex === k && e.specIndex === Number(eip) - 1)?.allocationId
          : what === "new instance" || what === "新しいインスタンス"
            ? record.instanceId
            : /ENI primary IP|ENI のプライマリ IP/.test(what)
              ? eniAt(k)?.primaryIp
              : eniAt(k)?.eniId;
      return found || whole;
    },
  );
}

/**
 * The private IPs an ENI's EIPs map to, in its spec order (concrete where known): a named private IP
 * first, then the address the EIP already has (a change moves nothing it does not have to), then the
 * free slots in order (the ENI's primary IP first when it carries an EIP, then the secondaries).
 */
export function eipTargets(entry: EniEntry, primary: Val, secondaries: Val[], current: Array<string | undefined> = []) {
  const slots: Val[] = [...(entry.usePrimaryIp ? [primary] : []), ...secondaries];
  const slotSet = new Set(slots.filter((s): s is string => typeof s === "string"));
  const taken = new Set(entry.eips.map((e) => e.privateIp).filter((x): x is string => !!x));
  const out: Array<Val | undefined> = entry.eips.map((e) => e.privateIp);
  entry.eips.forEach((e, i) => {
    const cur = current[i];
    if (!e.privateIp && cur && slotSet.has(cur) && !taken.has(cur)) {
      out[i] = cur;
      taken.add(cur);
    }
  });
  const free = slots.filter((s) => isRef(s) || !taken.has(s));
  let next = 0;
  return out.map((v) => v ?? free[next++] ?? "<no free private IP>");
}

// ---------------------------------------------------------------- apply (and change)

/** What the steps of one ENI share. */
type EniCtx = {
  k: number;
  entry: EniEntry;
  rec?: EniRecord;
  live?: EniView;
  eniId: Val;
  /** The spec asks for a new ENI and it does not exist yet. */
  createdNow: boolean;
  /** Already on the instance. */
  attached: boolean;
  key: (base: string) => string;
};

type ApplyContext = {
  spec: DeploymentSpec;
  live: LiveSnapshot;
  record: ResourcesRecord;
  align: Alignment;
  R: string;
  instanceId: Val;
  instanceType: string;
  /** Private IP → the key of the step that frees it (an EIP leaving it). */
  freedBy: Map<string, string[]>;
};

const liveEni = (live: LiveSnapshot, id: Val | undefined) =>
  typeof id === "string"
    ? (live.enis.find((e) => e.networkInterfaceId === id) ?? live.instanceEnis.find((e) => e.networkInterfaceId === id))
    : undefined;

function eniContexts(c: ApplyContext): EniCtx[] {
  return c.spec.enis.map((entry, k) => {
    const rec = c.align.enis[k];
    const key = (base: string) => eniStepKey(k, base);
    let eniId: Val;
    if (entry.eni.mode === "existing") eniId = entry.eni.networkInterfaceId;
    else if (entry.eni.mode === "primary")
      eniId = rec?.eniId ?? primaryEniOf(c.live)?.networkInterfaceId ?? { $ref: "eniId", eni: k };
    else eniId = rec?.eniId ?? { $ref: "eniId", ...(k ? { eni: k } : {}) };
    const live = liveEni(c.live, eniId);
    const instanceId = isRef(c.instanceId) ? "\0" : c.instanceId;
    const attached =
      entry.eni.mode === "primary" ||
      (!!live && live.instanceId === instanceId && ["InUse", "Attaching"].includes(live.status));
    return { k, entry, rec, live, eniId, createdNow: entry.eni.mode === "create" && !live, attached, key };
  });
}

export function planApply(spec: DeploymentSpec, live: LiveSnapshot, record: ResourcesRecord = {}): Plan {
  const inst = spec.instance;
  const align = alignRecord(spec, record, live);
  const c: ApplyContext = {
    spec,
    live,
    record,
    align,
    R: spec.regionId,
    instanceId: inst.mode === "existing" ? inst.instanceId : (record.instanceId ?? { $ref: "instanceId" }),
    instanceType: inst.mode === "create" ? inst.instanceType : (live.instance?.instanceType ?? ""),
    freedBy: new Map(),
  };
  const d: Draft[] = [];
  const createInstance = planInstanceCreate(c);
  if (createInstance) d.push(createInstance);
  // Removals first (what the spec no longer lists): they free addresses and EIPs the rest may reuse.
  d.push(...planRemovals(c, align.orphanEnis, align.orphanEips, { release: spec.releaseRemovedEips, forget: true }));
  const enis = eniContexts(c);
  const needStop =
    enis.some((e) => !e.attached) &&
    STOPPED_ONLY_TYPES.has(c.instanceType) &&
    spec.allowStopInstance &&
    (live.instance?.status ?? "Running") === "Running";
  const attachKeys: string[] = [];
  for (const e of enis) {
    const create = planEniCreate(c, e);
    if (create) d.push(create);
    const attach = planAttach(c, e);
    if (attach) {
      d.push(attach);
      attachKeys.push(attach.key);
    }
  }
  if (needStop) d.push(...stopAround(c.instanceId, attachKeys, "attach"));
  for (const e of enis) {
    const { steps, secondaries } = planSecondaryIps(c, e);
    d.push(...steps);
    const primary: Val = e.live?.primaryIp ||
      e.rec?.primaryIp || { $ref: "eniPrimaryIp", ...(e.k ? { eni: e.k } : {}) };
    const current = e.entry.eips.map(
      (_, i) => align.eips[e.k]?.[i]?.privateIp || align.replaces[e.k]?.[i] || undefined,
    );
    const targets = eipTargets(e.entry, primary, secondaries, current);
    e.entry.eips.forEach((_, i) => d.push(...planEip(c, e, i, targets[i]!)));
  }
  const hasRecord = !!record.enis?.length || !!record.eips?.length;
  return finish("apply", d, hasRecord);
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

/** How many of a new ENI's secondary IPs come with CreateNetworkInterface (the rest are assigned once attached). */
export function createdWithEni(count: number): number {
  return Math.min(count, AVAILABLE_ENI_IP_CAP - 1);
}

function planEniCreate({ R }: ApplyContext, e: EniCtx): Draft | null {
  const eni = e.entry.eni;
  if (eni.mode !== "create") return null;
  const p = e.entry.privateIps;
  const n = createdWithEni(secondaryCount(e.entry));
  const ipParams =
    p.mode === "explicit"
      ? { PrivateIpAddress: n ? p.addresses.slice(0, n) : undefined }
      : { SecondaryPrivateIpAddressCount: n || undefined };
  return {
    key: e.key("eni.create"),
    kind: "eni.create",
    action: "CreateNetworkInterface",
    noop: !e.createdNow,
    params: {
      RegionId: R,
      VSwitchId: eni.vSwitchId,
      SecurityGroupId: eni.securityGroupId,
      NetworkInterfaceName: eni.name,
      ...ipParams,
    },
    done: { entity: "eni", id: e.eniId, status: ["Available", "InUse", "Attaching"] },
    target: { eni: e.k },
    description: {
      en: `Create a secondary ENI${e.k ? ` (#${e.k + 1})` : ""} in ${eni.vSwitchId}${n ? ` with ${n} secondary private IP(s)` : ""}`,
      ja: `${eni.vSwitchId} にセカンダリ ENI${e.k ? `（#${e.k + 1}）` : ""}を作成${n ? `（セカンダリプライベート IP ${n} 個付き）` : ""}`,
    },
  };
}

/** Attach a secondary ENI to the instance (none for the primary ENI). */
function planAttach({ R, instanceId }: ApplyContext, e: EniCtx): Draft | null {
  if (e.entry.eni.mode === "primary") return null;
  return {
    key: e.key("eni.attach"),
    kind: "eni.attach",
    action: "AttachNetworkInterface",
    async: true,
    busy: ["Attaching"],
    noop: e.attached,
    dependsOn: [e.key("eni.create"), "instance.create", "instance.stop"],
    params: { RegionId: R, NetworkInterfaceId: e.eniId, InstanceId: instanceId },
    done: { entity: "eni", id: e.eniId, status: ["InUse"], instanceId },
    target: { eni: e.k },
    description: {
      en: `Attach ${show(e.eniId)} to ${show(instanceId)}`,
      ja: `${showJa(e.eniId)} を ${showJa(instanceId)} にアタッチ`,
    },
  };
}

/** Stop the instance before `keys` and start it after (its type attaches/detaches ENIs only while stopped). */
function stopAround(instanceId: Val, keys: string[], why: "attach" | "detach", after: string[] = []): Draft[] {
  return [
    {
      key: "instance.stop",
      kind: "instance.stop",
      action: "StopInstance",
      async: true,
      busy: ["Stopping"],
      dependsOn: ["instance.create", ...after],
      params: { InstanceId: instanceId, ForceStop: false },
      done: { entity: "instance", id: instanceId, status: ["Stopped"] },
      description:
        why === "attach"
          ? {
              en: `Stop ${show(instanceId)} (its type attaches ENIs only while stopped)`,
              ja: `${showJa(instanceId)} を停止（このタイプは停止中のみ ENI をアタッチ可能）`,
            }
          : {
              en: `Stop ${show(instanceId)} to detach the ENI`,
              ja: `ENI をデタッチするため ${showJa(instanceId)} を停止`,
            },
    },
    {
      key: "instance.start",
      kind: "instance.start",
      action: "StartInstance",
      async: true,
      busy: ["Starting"],
      dependsOn: keys,
      params: { InstanceId: instanceId },
      done: { entity: "instance", id: instanceId, status: ["Running"] },
      description: { en: `Start ${show(instanceId)} again`, ja: `${showJa(instanceId)} を再起動` },
    },
  ];
}

// A new ENI gets (up to 9 of) its secondary IPs in the CreateNetworkInterface call itself: the assign
// call is then not needed, and its parameters and description say what that call assigns (not "0").
const withCreate = {
  en: `, assigned by CreateNetworkInterface with the new ENI: no separate call`,
  ja: `（CreateNetworkInterface で新しい ENI と同時に割り当て、個別の呼び出しは不要）`,
};

/**
 * The ENI's AssignPrivateIpAddresses step (one call for what is missing) and, in a change, its
 * UnassignPrivateIpAddresses step (addresses this deployment added that the spec no longer needs);
 * and the secondary IPs the EIPs can map to (Refs where the cloud picks).
 */
function planSecondaryIps(c: ApplyContext, e: EniCtx): { steps: Draft[]; secondaries: Val[] } {
  const onEni = new Set(e.live?.privateIps.filter((p) => !p.primary).map((p) => p.ip) ?? []);
  const ours = (e.rec?.assignedIps ?? []).filter((ip) => onEni.has(ip));
  const p = e.entry.privateIps;
  const base = {
    key: e.key("ips.assign"),
    kind: "ips.assign" as const,
    action: "AssignPrivateIpAddresses" as const,
    // After the unassign of the same ENI: at the per-ENI quota, a replaced address must go first.
    dependsOn: [e.key("eni.attach"), e.key("eni.create"), "instance.start", e.key("ips.unassign")],
    target: { eni: e.k },
  };
  const steps: Draft[] = [];
  let secondaries: Val[];
  let surplus: string[];
  if (p.mode === "explicit") {
    secondaries = p.addresses;
    surplus = ours.filter((ip) => !p.addresses.includes(ip));
    steps.push(explicitAssign(c, e, base, p.addresses, onEni));
  } else {
    // Keep the addresses that carry a wanted EIP first, then the others in order; drop the rest.
    const wanted = new Set(
      (c.align.eips[e.k] ?? []).map((r, i) => (r && !e.entry.eips[i]?.privateIp ? r.privateIp : "")).filter(Boolean),
    );
    const named = new Set(e.entry.eips.map((x) => x.privateIp).filter(Boolean));
    const keep = [
      ...ours.filter((ip) => wanted.has(ip) || named.has(ip)),
      ...ours.filter((ip) => !wanted.has(ip) && !named.has(ip)),
    ].slice(0, p.count);
    const kept = ours.filter((ip) => keep.includes(ip));
    surplus = ours.filter((ip) => !keep.includes(ip));
    const { step, fresh } = countedAssign(c, e, base, p.count, kept.length);
    secondaries = [...kept, ...fresh];
    steps.push(step);
  }
  if (surplus.length) steps.push(unassignStep(c, e.rec!, surplus, e.key("ips.unassign"), false));
  return { steps, secondaries };
}

function explicitAssign(
  { R }: ApplyContext,
  e: EniCtx,
  base: Omit<Draft, "params" | "description" | "noop">,
  addresses: string[],
  onEni: Set<string>,
): Draft {
  const missing = addresses.filter((ip) => !onEni.has(ip));
  if (e.createdNow) {
    const n = createdWithEni(addresses.length);
    const rest = addresses.slice(n);
    return {
      ...base,
      noop: rest.length === 0,
      params: { RegionId: R, NetworkInterfaceId: e.eniId, PrivateIpAddress: rest.length ? rest : addresses },
      done: { entity: "eni", id: e.eniId, hasIps: addresses },
      description: rest.length
        ? {
            en: `Assign ${rest.length} more secondary private IP(s) to ${show(e.eniId)} once attached (a detached ENI holds at most ${AVAILABLE_ENI_IP_CAP} private IPs): ${rest.join(", ")}`,
            ja: `アタッチ後に ${showJa(e.eniId)} へセカンダリプライベート IP をさらに ${rest.length} 個割り当て（未アタッチの ENI のプライベート IP は最大 ${AVAILABLE_ENI_IP_CAP} 個）: ${rest.join(", ")}`,
          }
        : {
            en: `${addresses.length} secondary private IP(s) on ${show(e.eniId)}: ${addresses.join(", ")}${withCreate.en}`,
            ja: `${showJa(e.eniId)} のセカンダリプライベート IP ${addresses.length} 個: ${addresses.join(", ")}${withCreate.ja}`,
          },
    };
  }
  return {
    ...base,
    noop: missing.length === 0,
    params: { RegionId: R, NetworkInterfaceId: e.eniId, PrivateIpAddress: missing.length ? missing : addresses },
    done: { entity: "eni", id: e.eniId, hasIps: addresses },
    description: missing.length
      ? {
          en: `Assign ${missing.length} secondary private IP(s) to ${show(e.eniId)}: ${missing.join(", ")}`,
          ja: `${showJa(e.eniId)} にセカンダリプライベート IP を ${missing.length} 個割り当て`,
        }
      : {
          en: `All ${addresses.length} secondary private IP(s) are already on ${show(e.eniId)}: ${addresses.join(", ")}`,
          ja: `${showJa(e.eniId)} にはセカンダリプライベート IP ${addresses.length} 個がすでに割り当て済み`,
        },
  };
}

function countedAssign(
  { R }: ApplyContext,
  e: EniCtx,
  base: Omit<Draft, "params" | "description" | "noop">,
  count: number,
  have: number,
): { step: Draft; fresh: Val[] } {
  const ref = (i: number): Val => ({ $ref: "secondaryIp", index: i, ...(e.k ? { eni: e.k } : {}) });
  if (e.createdNow) {
    const n = createdWithEni(count);
    const rest = count - n;
    return {
      fresh: Array.from({ length: count }, (_, i) => ref(i)),
      step: {
        ...base,
        noop: rest === 0,
        params: { RegionId: R, NetworkInterfaceId: e.eniId, SecondaryPrivateIpAddressCount: rest || count },
        description: rest
          ? {
              en: `Assign ${rest} more secondary private IP(s) to ${show(e.eniId)} once attached (a detached ENI holds at most ${AVAILABLE_ENI_IP_CAP} private IPs; the cloud picks idle addresses)`,
              ja: `アタッチ後に ${showJa(e.eniId)} へセカンダリプライベート IP をさらに ${rest} 個割り当て（未アタッチの ENI のプライベート IP は最大 ${AVAILABLE_ENI_IP_CAP} 個、空きアドレスを自動選択）`,
            }
          : {
              en: `${count} secondary private IP(s) on ${show(e.eniId)}${withCreate.en}`,
              ja: `${showJa(e.eniId)} のセカンダリプライベート IP ${count} 個${withCreate.ja}`,
            },
      },
    };
  }
  const need = Math.max(0, count - have);
  return {
    fresh: Array.from({ length: need }, (_, i) => ref(i)),
    step: {
      ...base,
      noop: need === 0,
      params: { RegionId: R, NetworkInterfaceId: e.eniId, SecondaryPrivateIpAddressCount: need || count },
      description: need
        ? {
            en: `Assign ${need} secondary private IP(s) to ${show(e.eniId)} (the cloud picks idle addresses)`,
            ja: `${showJa(e.eniId)} にセカンダリプライベート IP を ${need} 個割り当て（空きアドレスを自動選択）`,
          }
        : {
            en: `All ${count} secondary private IP(s) are already on ${show(e.eniId)}`,
            ja: `${showJa(e.eniId)} にはセカンダリプライベート IP ${count} 個がすでに割り当て済み`,
          },
    },
  };
}

/** The ENI's EIP `i`: allocate it when neither the spec nor the record names one, then associate it with `target`. */
function planEip(c: ApplyContext, e: EniCtx, i: number, target: Val): Draft[] {
  const { spec, live, R } = c;
  const d: Draft[] = [];
  const want = e.entry.eips[i]!;
  const recorded = c.align.eips[e.k]?.[i];
  const allocationId: Val = want.allocationId ??
    recorded?.allocationId ?? { $ref: "allocationId", index: i, ...(e.k ? { eni: e.k } : {}) };
  const liveEip = typeof allocationId === "string" ? live.eips.find((x) => x.allocationId === allocationId) : undefined;
  const allocKey = e.key(`eip.allocate.${i}`);
  if (!want.allocationId && !(recorded && recorded.allocatedByUs === false)) {
    d.push({
      key: allocKey,
      kind: "eip.allocate",
      action: "AllocateEipAddress",
      noop: !!liveEip,
      params: {
        RegionId: R,
        Bandwidth: String(spec.eipAllocation.bandwidth),
        InternetChargeType: spec.eipAllocation.internetChargeType,
        InstanceChargeType: "PostPaid",
        Name: `${spec.eipAllocation.namePrefix}-${e.k ? `${e.k + 1}-` : ""}${i + 1}`,
      },
      done: { entity: "eip", id: allocationId, status: ["Available", "InUse", "Associating"] },
      target: { eni: e.k, eip: i },
      description: {
        en: `Allocate a pay-as-you-go EIP (${spec.eipAllocation.bandwidth} Mbit/s, ${spec.eipAllocation.internetChargeType})`,
        ja: `従量課金 EIP を確保（${spec.eipAllocation.bandwidth} Mbit/s、${spec.eipAllocation.internetChargeType}）`,
      },
    });
  }
  const boundHere = (l: EipView | undefined) =>
    !!l &&
    typeof e.eniId === "string" &&
    typeof target === "string" &&
    l.instanceId === e.eniId &&
    l.privateIpAddress === target &&
    ["InUse", "Associating"].includes(l.status);
  const inPlace = boundHere(liveEip);
  const deps = [allocKey, e.key("eni.create"), e.key("eni.attach"), "instance.start", e.key("ips.assign")];
  // Our EIP bound elsewhere (the spec moved it to another private IP): unassociate it first.
  if (!inPlace && liveEip?.instanceId && recorded?.associatedByUs) {
    const un = unassociateStep(
      c,
      { ...recorded, eniId: liveEip.instanceId, privateIp: liveEip.privateIpAddress },
      false,
    );
    d.push(un);
    deps.push(un.key);
  }
  if (typeof target === "string") deps.push(...(c.freedBy.get(target) ?? []));
  d.push({
    key: e.key(`eip.associate.${i}`),
    kind: "eip.associate",
    action: "AssociateEipAddress",
    async: true,
    busy: ["Associating"],
    noop: inPlace,
    dependsOn: deps,
    params: {
      RegionId: R,
      AllocationId: allocationId,
      InstanceId: e.eniId,
      InstanceType: "NetworkInterface",
      Mode: "NAT",
      PrivateIpAddress: target,
    },
    done: { entity: "eip", id: allocationId, status: ["InUse"], boundTo: { instanceId: e.eniId, privateIp: target } },
    ...(liveEip ? { known: { eipAddress: liveEip.ipAddress } } : {}),
    target: { eni: e.k, eip: i },
    description: {
      en: `Associate ${show(allocationId)}${liveEip ? ` (${liveEip.ipAddress})` : ""} with ${show(target)} on ${show(e.eniId)} (NAT mode)`,
      ja: `${showJa(allocationId)} を ${showJa(e.eniId)} の ${showJa(target)} に関連付け（NAT モード）`,
    },
  });
  return d;
}

// ---------------------------------------------------------------- removals (change and teardown)

type RemovalContext = Pick<ApplyContext, "live" | "R" | "freedBy"> & { instanceId?: Val; spec: DeploymentSpec };

function unassociateStep(c: RemovalContext, e: EipRecord, forget: boolean): Draft {
  const l = c.live.eips.find((x) => x.allocationId === e.allocationId);
  const eniId = l?.instanceId || e.eniId;
  const bound = !!l && !!eniId && l.instanceId === eniId && ["InUse", "Associating"].includes(l.status);
  const key = `eip.unassociate.${e.allocationId}`;
  const privateIp = l?.instanceId ? l.privateIpAddress : e.privateIp;
  if (bound && privateIp) c.freedBy.set(privateIp, [...(c.freedBy.get(privateIp) ?? []), key]);
  return {
    key,
    kind: "eip.unassociate",
    action: "UnassociateEipAddress",
    async: true,
    busy: ["Unassociating"],
    noop: !bound,
    params: {
      RegionId: c.R,
      AllocationId: e.allocationId,
      InstanceId: eniId,
      InstanceType: "NetworkInterface",
      PrivateIpAddress: privateIp,
    },
    done: { entity: "eip", id: e.allocationId, status: ["Available"] },
    target: { allocationId: e.allocationId, ...(forget ? { forget } : {}) },
    description: {
      en: `Unassociate ${e.allocationId} (${e.ipAddress}) from ${privateIp}`,
      ja: `${e.allocationId}（${e.ipAddress}）と ${privateIp} の関連付けを解除`,
    },
  };
}

function unassignStep(c: RemovalContext, rec: EniRecord, ips: string[], key: string, forget: boolean): Draft {
  const eniId = rec.eniId!;
  return {
    key,
    kind: "ips.unassign",
    action: "UnassignPrivateIpAddresses",
    dependsOn: ips.flatMap((ip) => c.freedBy.get(ip) ?? []),
    params: { RegionId: c.R, NetworkInterfaceId: eniId, PrivateIpAddress: ips },
    done: { entity: "eni", id: eniId, lacksIps: ips },
    target: { eniId, ...(forget ? { forget } : {}) },
    description: {
      en: `Unassign ${ips.length} secondary private IP(s) from ${eniId}: ${ips.join(", ")}`,
      ja: `${eniId} からセカンダリプライベート IP を ${ips.length} 個解除: ${ips.join(", ")}`,
    },
  };
}

/**
 * Removes recorded EIPs and ENIs: unassociate each EIP this deployment associated, release the ones
 * it allocated (`release`), unassign the secondary IPs it added, detach the ENIs it attached, delete
 * the ENIs it created. `forget`: the record drops them as they go (a change; teardown keeps them).
 */
function planRemovals(
  c: RemovalContext,
  enis: EniRecord[],
  eips: EipRecord[],
  opts: { release: boolean; forget: boolean },
): Draft[] {
  const d: Draft[] = [];
  for (const e of eips) {
    if (e.associatedByUs) d.push(unassociateStep(c, e, opts.forget && !(opts.release && e.allocatedByUs)));
    else if (opts.forget && !(opts.release && e.allocatedByUs)) d.push({ ...unassociateStep(c, e, true), noop: true });
  }
  const unassocKeys = d.map((x) => x.key);
  const detachKeys: string[] = [];
  for (const r of enis) {
    const l = liveEni(c.live as LiveSnapshot, r.eniId);
    const id = r.eniId;
    if (!id) continue;
    const k = (base: string) => `${base}.${id}`;
    if (!r.created && r.assignedIps?.length) {
      const ours = r.assignedIps.filter((ip) => l?.privateIps.some((p) => p.ip === ip));
      d.push({
        ...unassignStep(c, r, ours.length ? ours : r.assignedIps, k("ips.unassign"), opts.forget && !r.attachedByUs),
        noop: ours.length === 0,
        dependsOn: unassocKeys,
      });
    }
    if (r.mode === "primary" || !(r.attachedByUs || r.created)) continue;
    const attached = !!l && !!l.instanceId && ["InUse", "Attaching"].includes(l.status);
    d.push({
      key: k("eni.detach"),
      kind: "eni.detach",
      action: "DetachNetworkInterface",
      async: true,
      busy: ["Detaching"],
      noop: !attached,
      dependsOn: [...unassocKeys, k("ips.unassign"), "instance.stop"],
      params: { RegionId: c.R, NetworkInterfaceId: id, InstanceId: l?.instanceId || c.instanceId },
      done: { entity: "eni", id, status: ["Available"] },
      target: { eniId: id, ...(opts.forget && !r.created ? { forget: true } : {}) },
      description: {
        en: `Detach ${id} from ${show(c.instanceId ?? "")}`,
        ja: `${id} を ${showJa(c.instanceId ?? "")} からデタッチ`,
      },
    });
    if (attached) detachKeys.push(k("eni.detach"));
    if (r.created)
      d.push({
        key: k("eni.delete"),
        kind: "eni.delete",
        action: "DeleteNetworkInterface",
        async: true,
        busy: ["Deleting"],
        noop: !l,
        dependsOn: [...unassocKeys, k("eni.detach")],
        params: { RegionId: c.R, NetworkInterfaceId: id },
        done: { entity: "eni", id, gone: true },
        target: { eniId: id, ...(opts.forget ? { forget: true } : {}) },
        description: { en: `Delete ${id} (created by this deployment)`, ja: `${id} を削除（このデプロイで作成）` },
      });
  }
  for (const e of eips) {
    if (!opts.release || !e.allocatedByUs) continue;
    const exists = c.live.eips.some((x) => x.allocationId === e.allocationId);
    d.push({
      key: `eip.release.${e.allocationId}`,
      kind: "eip.release",
      action: "ReleaseEipAddress",
      async: true,
      busy: ["Releasing"],
      noop: !exists,
      dependsOn: [`eip.unassociate.${e.allocationId}`],
      params: { RegionId: c.R, AllocationId: e.allocationId },
      done: { entity: "eip", id: e.allocationId, gone: true },
      target: { allocationId: e.allocationId, ...(opts.forget ? { forget: true } : {}) },
      description: {
        en: `Release ${e.allocationId} (${e.ipAddress}, allocated by this deployment)`,
        ja: `${e.allocationId}（${e.ipAddress}）を解放（このデプロイで確保）`,
      },
    });
  }
  const inst = c.live.instance;
  if (
    detachKeys.length &&
    inst &&
    STOPPED_ONLY_TYPES.has(inst.instanceType) &&
    inst.status === "Running" &&
    c.spec.allowStopInstance &&
    c.instanceId
  )
    d.push(...stopAround(c.instanceId, detachKeys, "detach", [...unassocKeys]));
  return d;
}

// ---------------------------------------------------------------- teardown

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
  const c: RemovalContext = { spec, live, R: spec.regionId, instanceId: record.instanceId, freedBy: new Map() };
  const d = planRemovals(c, record.enis ?? [], record.eips ?? [], { release: true, forget: false });
  if (record.instanceId && record.instanceCreated) {
    d.push({
      key: "instance.delete",
      kind: "instance.delete",
      action: "DeleteInstance",
      async: true,
      noop: !live.instance,
      dependsOn: d.map((x) => x.key),
      params: { InstanceId: record.instanceId, Force: true },
      done: { entity: "instance", id: record.instanceId, gone: true },
      description: {
        en: `Delete ${record.instanceId} (created by this deployment)`,
        ja: `${record.instanceId} を削除（このデプロイで作成）`,
      },
    });
  }
  guestRollbackFirst(spec, live, record, d, opts);
  return finish("teardown", d);
}

/** Puts the guest rollback (rollback.sh through Cloud Assistant) before every other step, when it applies. */
function guestRollbackFirst(
  spec: DeploymentSpec,
  live: LiveSnapshot,
  record: ResourcesRecord,
  d: Draft[],
  opts: TeardownOptions,
) {
  // The guest first: its policy routes name the ENI's addresses, and once the ENI is detached
  // rollback.sh can no longer find the interface it configured. Every cloud step waits for it,
  // so a failed rollback changes nothing else.
  const guestInstance = record.instanceId ?? (spec.instance.mode === "existing" ? spec.instance.instanceId : undefined);
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
        RegionId: spec.regionId,
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
