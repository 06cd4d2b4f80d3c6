// The topology picture's data: instance → ENIs → private IPs → EIPs, each with a
// state. Built from the wizard form (planned) or from a deployment's progress (live).
// PURE; unit-tested.
export type NodeState = "existing" | "planned" | "working" | "done" | "failed" | "removed" | "drifted";
export type TopoEip = { id: string; address: string; state: NodeState };
export type TopoIp = { ip: string; primary: boolean; state: NodeState; eip: TopoEip | null };
export type TopoEni = { id: string; label: string; primaryEni: boolean; state: NodeState; ips: TopoIp[] };
export type Topology = { instance: { id: string; label: string; state: NodeState } | null; enis: TopoEni[] };

type Step = { phase: string; key: string; status: string; params?: unknown };
type RecEip = {
  eniIndex?: number;
  specIndex: number;
  eniId?: string;
  allocationId: string;
  ipAddress: string;
  privateIp: string;
  allocatedByUs: boolean;
  associatedByUs: boolean;
};
type RecEni = {
  index: number;
  mode: string;
  eniId?: string;
  primaryIp?: string;
  assignedIps?: string[];
  created?: boolean;
};
/** The deployment's resource record (lib/deploy/model.ts ResourcesRecord, as normalized by the server). */
type Rec = { instanceId?: string; enis?: RecEni[]; eips?: RecEip[] };
type SpecIps = { mode?: string; count?: number; addresses?: string[] };
/** A stored spec, v1 (one ENI at the top) or v2 (`enis`). */
type SpecLike = {
  eips?: unknown[];
  privateIps?: SpecIps;
  usePrimaryIp?: boolean;
  enis?: Array<{ privateIps?: SpecIps; eips?: unknown[] } | null>;
};

/** The step key of the spec's ENI `k` (lib/deploy/model.ts eniStepKey). */
const keyOf = (k: number, base: string) => (k === 0 ? base : `e${k}:${base}`);

const stepState = (s: Step | undefined, fallback: NodeState): NodeState => {
  if (!s) return fallback;
  switch (s.status) {
    case "succeeded":
    case "noop":
      return "done";
    case "running":
      return "working";
    case "failed":
      return "failed";
    default:
      return "planned";
  }
};

type Ctx = { steps: Map<string, Step>; teardown: boolean; tornDown: boolean; draft: boolean; eips: RecEip[] };

/** One ENI of the record: its addresses and their EIPs, each with its state. */
function eniNode(c: Ctx, e: RecEni, spec: SpecLike | undefined): TopoEni {
  const { steps, teardown, tornDown } = c;
  const k = e.index < 0 ? -1 : e.index;
  const eniId = e.eniId ?? "";
  const removedNow = (key: string) => steps.get(`${key}.${eniId}`) ?? steps.get(key);
  const attach = steps.get(keyOf(k, "eni.attach"));
  const detach = removedNow("eni.detach");
  let eniState: NodeState = teardown
    ? detach?.status === "succeeded" || tornDown
      ? "removed"
      : stepState(detach, "done") === "working"
        ? "working"
        : "done"
    : e.mode === "primary"
      ? "existing"
      : stepState(attach, eniId ? "existing" : "planned");
  if (!teardown && c.draft) eniState = "planned";
  const assign = steps.get(keyOf(k, "ips.assign"));
  const unassign = removedNow("ips.unassign");
  const mine = c.eips.filter((x) => (x.eniId ? x.eniId === eniId : (x.eniIndex ?? 0) === k));
  const byIp = new Map(mine.filter((x) => x.privateIp).map((x) => [x.privateIp, x]));
  const eipState = (x: RecEip): NodeState => {
    if (!teardown) return stepState(steps.get(keyOf(k, `eip.associate.${x.specIndex}`)), "done");
    const un = steps.get(`eip.unassociate.${x.allocationId}`);
    return un?.status === "succeeded" || tornDown || !x.associatedByUs
      ? "removed"
      : stepState(un, "done") === "working"
        ? "working"
        : "done";
  };
  const eipFor = (ip: string): TopoEip | null => {
    const x = byIp.get(ip);
    return x ? { id: x.allocationId, address: x.ipAddress, state: eipState(x) } : null;
  };
  const ips: TopoIp[] = [];
  if (e.primaryIp) ips.push({ ip: e.primaryIp, primary: true, state: "existing", eip: eipFor(e.primaryIp) });
  for (const ip of e.assignedIps ?? [])
    ips.push({
      ip,
      primary: false,
      state: teardown ? (unassign?.status === "succeeded" || tornDown ? "removed" : "done") : stepState(assign, "done"),
      eip: eipFor(ip),
    });
  // Addresses and EIPs not known yet (assignments, allocations or associations still to come).
  const shown = new Set(ips.map((i) => i.eip?.id).filter(Boolean));
  const ipsSpec = k === 0 && !spec?.enis ? spec?.privateIps : spec?.enis?.[k]?.privateIps;
  const planned = ipsSpec?.mode === "count" ? Math.max(0, (ipsSpec.count ?? 0) - (e.assignedIps?.length ?? 0)) : 0;
  if (!teardown)
    for (let i = 0; i < planned; i++)
      ips.push({
        ip: "",
        primary: false,
        state: stepState(assign, "planned") === "done" ? "done" : stepState(assign, "planned"),
        eip: null,
      });
  for (const x of mine.filter((y) => !shown.has(y.allocationId))) {
    const slot = ips.find((i) => !i.eip && !i.primary && !i.ip) ?? null;
    const eip = {
      id: x.allocationId,
      address: x.ipAddress,
      state: teardown
        ? ("removed" as const)
        : stepState(steps.get(keyOf(k, `eip.associate.${x.specIndex}`)), "planned"),
    };
    if (slot) slot.eip = eip;
    else ips.push({ ip: x.privateIp, primary: false, state: "planned", eip });
  }
  return { id: eniId, label: eniId, primaryEni: e.mode === "primary", state: eniState, ips };
}

/** Live topology from a deployment's progress (apply or teardown): every ENI of the record. */
export function topologyFromProgress(p: {
  status: string;
  phase: string;
  instanceId: string | null;
  eniId: string | null;
  resources: Rec;
  steps: Step[];
  spec?: SpecLike;
}): Topology {
  const r = p.resources ?? {};
  const c: Ctx = {
    steps: new Map(p.steps.filter((s) => s.phase === p.phase).map((s) => [s.key, s])),
    teardown: p.phase === "teardown",
    tornDown: p.status === "torn_down",
    draft: p.status === "draft",
    eips: r.eips ?? [],
  };
  const instanceId = r.instanceId ?? p.instanceId ?? "";
  const recEnis = r.enis?.length ? r.enis : p.eniId ? [{ index: 0, mode: "existing", eniId: p.eniId }] : [];
  const enis = recEnis.map((e) => eniNode(c, e, p.spec)).filter((e) => e.id || e.ips.length);
  return {
    instance: instanceId
      ? { id: instanceId, label: instanceId, state: "existing" }
      : { id: "", label: "", state: "planned" },
    enis,
  };
}
