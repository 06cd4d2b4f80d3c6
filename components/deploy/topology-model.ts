// The topology picture's data: instance → ENIs → private IPs → EIPs, each with a
// state. Built from the wizard form (planned) or from a deployment's progress (live).
// PURE; unit-tested.
export type NodeState = "existing" | "planned" | "working" | "done" | "failed" | "removed";
export type TopoEip = { id: string; address: string; state: NodeState };
export type TopoIp = { ip: string; primary: boolean; state: NodeState; eip: TopoEip | null };
export type TopoEni = { id: string; label: string; primaryEni: boolean; state: NodeState; ips: TopoIp[] };
export type Topology = { instance: { id: string; label: string; state: NodeState } | null; enis: TopoEni[] };

type Step = { phase: string; key: string; status: string; params?: unknown };
type RecEip = {
  /** The spec ENI it serves (absent in one-ENI records: 0; -1 = no longer in the spec). */
  eniIndex?: number;
  specIndex: number;
  allocationId: string;
  ipAddress: string;
  privateIp: string;
  allocatedByUs: boolean;
  associatedByUs: boolean;
};
/** One ENI of the record (several-ENI deployments): its spec position, its id, its addresses. */
type RecEni = { index: number; mode?: string; eniId?: string; primaryIp?: string; assignedIps?: string[] };
type Rec = {
  instanceId?: string;
  enis?: RecEni[];
  // one-ENI records (before several ENIs)
  eniId?: string;
  eniPrimaryIp?: string;
  assignedIps?: string[];
  eips?: RecEip[];
};
type SpecEntry = { eni?: { mode?: string }; privateIps?: { mode?: string; count?: number; addresses?: string[] } };
type SpecLike = SpecEntry & { eips?: unknown[]; usePrimaryIp?: boolean; enis?: SpecEntry[] };

/** A step key of the spec's ENI `k`: ENI 0 keeps the one-ENI keys ("eni.attach"), others are prefixed ("e1:eni.attach"). */
export const eniStepKey = (k: number, base: string): string => (k === 0 ? base : `e${k}:${base}`);
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

type Ctx = { steps: Map<string, Step>; teardown: boolean; tornDown: boolean; draft: boolean };

/** One ENI of the live picture: its state from its attach/detach step, its addresses, each with its EIP. */
function eniFromProgress(c: Ctx, e: RecEni, entry: SpecEntry | undefined, eips: RecEip[]): TopoEni {
  const { steps, teardown, tornDown } = c;
  const k = e.index;
  const primaryEni = e.mode === "primary" || entry?.eni?.mode === "primary";
  const eniId = e.eniId ?? "";
  const attach = steps.get(eniStepKey(k, "eni.attach"));
  const detach = steps.get(eniStepKey(k, "eni.detach"));
  let eniState: NodeState = primaryEni
    ? "existing"
    : teardown
      ? detach?.status === "succeeded" || tornDown
        ? "removed"
        : stepState(detach, "done") === "working"
          ? "working"
          : "done"
      : stepState(attach, eniId ? "existing" : "planned");
  if (!teardown && c.draft && !primaryEni) eniState = "planned";
  const assign = steps.get(eniStepKey(k, "ips.assign"));
  const unassign = steps.get(eniStepKey(k, "ips.unassign"));
  const ips: TopoIp[] = [];
  const byIp = new Map(eips.filter((x) => x.privateIp).map((x) => [x.privateIp, x]));
  const eipFor = (ip: string): TopoEip | null => {
    const x = byIp.get(ip);
    if (!x) return null;
    if (teardown) {
      const un = steps.get(`eip.unassociate.${x.allocationId}`);
      return {
        id: x.allocationId,
        address: x.ipAddress,
        state:
          un?.status === "succeeded" || tornDown || !x.associatedByUs
            ? "removed"
            : stepState(un, "done") === "working"
              ? "working"
              : "done",
      };
    }
    return {
      id: x.allocationId,
      address: x.ipAddress,
      state: stepState(steps.get(eniStepKey(k, `eip.associate.${x.specIndex}`)), "done"),
    };
  };
  if (e.primaryIp) ips.push({ ip: e.primaryIp, primary: true, state: "existing", eip: eipFor(e.primaryIp) });
  for (const ip of e.assignedIps ?? [])
    ips.push({
      ip,
      primary: false,
      state: teardown ? (unassign?.status === "succeeded" || tornDown ? "removed" : "done") : stepState(assign, "done"),
      eip: eipFor(ip),
    });
  // EIPs not yet mapped to a known address (allocations or associations still to come).
  const shown = new Set(ips.map((i) => i.eip?.id).filter(Boolean));
  const pendingEips = eips.filter((x) => !shown.has(x.allocationId));
  const planned =
    entry?.privateIps?.mode === "count" ? Math.max(0, (entry.privateIps.count ?? 0) - (e.assignedIps?.length ?? 0)) : 0;
  if (!teardown)
    for (let i = 0; i < planned; i++)
      ips.push({
        ip: "",
        primary: false,
        state: stepState(assign, "planned") === "done" ? "done" : stepState(assign, "planned"),
        eip: null,
      });
  for (const x of pendingEips) {
    const slot = ips.find((i) => !i.eip && !i.primary && !i.ip) ?? null;
    const eip = {
      id: x.allocationId,
      address: x.ipAddress,
      state: teardown
        ? ("removed" as const)
        : stepState(steps.get(eniStepKey(k, `eip.associate.${x.specIndex}`)), "planned"),
    };
    if (slot) slot.eip = eip;
    else ips.push({ ip: x.privateIp, primary: false, state: "planned", eip });
  }
  return { id: eniId, label: eniId, primaryEni, state: eniState, ips };
}

/**
 * Live topology from a deployment's progress (apply or teardown): every ENI of the record (or of the
 * one-ENI record of older deployments), and the spec's ENIs not made yet as planned ones.
 */
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
  };
  const instanceId = r.instanceId ?? p.instanceId ?? "";
  const entries: SpecEntry[] = p.spec?.enis ?? (p.spec ? [p.spec] : []);
  const recorded: RecEni[] = r.enis?.length
    ? r.enis.filter((e) => e.index >= 0 || c.teardown)
    : r.eniId || p.eniId || r.eniPrimaryIp || r.assignedIps?.length || r.eips?.length
      ? [{ index: 0, eniId: r.eniId ?? p.eniId ?? "", primaryIp: r.eniPrimaryIp, assignedIps: r.assignedIps }]
      : [];
  const known = new Set(recorded.map((e) => e.index));
  const all = [
    ...recorded,
    ...(c.teardown ? [] : entries.map((_, index) => ({ index })).filter((e) => !known.has(e.index))),
  ].sort((a, b) => a.index - b.index);
  const enis = all
    .map((e) =>
      eniFromProgress(
        c,
        e,
        entries[e.index],
        (r.eips ?? []).filter((x) => (x.eniIndex ?? 0) === e.index),
      ),
    )
    // A spec ENI with nothing known yet and nothing planned is left out (a draft without its choices).
    .filter((e) => e.id || e.ips.length || e.primaryEni);
  return {
    instance: instanceId
      ? { id: instanceId, label: instanceId, state: "existing" }
      : { id: "", label: "", state: "planned" },
    enis,
  };
}
