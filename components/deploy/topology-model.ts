// The topology picture's data: instance → ENIs → private IPs → EIPs, each with a
// state. Built from the wizard form (planned) or from a deployment's progress (live).
// PURE; unit-tested.
export type NodeState = "existing" | "planned" | "working" | "done" | "failed" | "removed" | "drifted";
export type TopoEip = { id: string; address: string; state: NodeState };
export type TopoIp = { ip: string; primary: boolean; state: NodeState; eip: TopoEip | null };
export type TopoEni = { id: string; label: string; primaryEni: boolean; state: NodeState; ips: TopoIp[] };
export type Topology = { instance: { id: string; label: string; state: NodeState } | null; enis: TopoEni[] };

type Step = { phase: string; key: string; status: string; params?: unknown };
type Rec = {
  instanceId?: string;
  eniId?: string;
  eniPrimaryIp?: string;
  assignedIps?: string[];
  eips?: Array<{
    specIndex: number;
    allocationId: string;
    ipAddress: string;
    privateIp: string;
    allocatedByUs: boolean;
    associatedByUs: boolean;
  }>;
};

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

/** Live topology from a deployment's progress (apply or teardown). */
export function topologyFromProgress(p: {
  status: string;
  phase: string;
  instanceId: string | null;
  eniId: string | null;
  resources: Rec;
  steps: Step[];
  spec?: {
    eips?: unknown[];
    privateIps?: { mode?: string; count?: number; addresses?: string[] };
    usePrimaryIp?: boolean;
  };
}): Topology {
  const r = p.resources ?? {};
  const steps = new Map(p.steps.filter((s) => s.phase === p.phase).map((s) => [s.key, s]));
  const teardown = p.phase === "teardown";
  const tornDown = p.status === "torn_down";
  const instanceId = r.instanceId ?? p.instanceId ?? "";
  const eniId = r.eniId ?? p.eniId ?? "";
  const attach = steps.get("eni.attach");
  const detach = steps.get("eni.detach");
  let eniState: NodeState = teardown
    ? detach?.status === "succeeded" || tornDown
      ? "removed"
      : stepState(detach, "done") === "working"
        ? "working"
        : "done"
    : stepState(attach, eniId ? "existing" : "planned");
  if (!teardown && p.status === "draft") eniState = "planned";
  const assign = steps.get("ips.assign");
  const unassign = steps.get("ips.unassign");
  const ips: TopoIp[] = [];
  const byIp = new Map((r.eips ?? []).filter((e) => e.privateIp).map((e) => [e.privateIp, e]));
  const eipFor = (ip: string): TopoEip | null => {
    const e = byIp.get(ip);
    if (!e) return null;
    if (teardown) {
      const un = steps.get(`eip.unassociate.${e.allocationId}`);
      return {
        id: e.allocationId,
        address: e.ipAddress,
        state:
          un?.status === "succeeded" || tornDown || !e.associatedByUs
            ? "removed"
            : stepState(un, "done") === "working"
              ? "working"
              : "done",
      };
    }
    return {
      id: e.allocationId,
      address: e.ipAddress,
      state: stepState(steps.get(`eip.associate.${e.specIndex}`), "done"),
    };
  };
  if (r.eniPrimaryIp) ips.push({ ip: r.eniPrimaryIp, primary: true, state: "existing", eip: eipFor(r.eniPrimaryIp) });
  for (const ip of r.assignedIps ?? [])
    ips.push({
      ip,
      primary: false,
      state: teardown ? (unassign?.status === "succeeded" || tornDown ? "removed" : "done") : stepState(assign, "done"),
      eip: eipFor(ip),
    });
  // EIPs not yet mapped to a known address (allocations or associations still to come).
  const shown = new Set(ips.map((i) => i.eip?.id).filter(Boolean));
  const pendingEips = (r.eips ?? []).filter((e) => !shown.has(e.allocationId));
  const planned =
    p.spec?.privateIps?.mode === "count"
      ? Math.max(0, (p.spec.privateIps.count ?? 0) - (r.assignedIps?.length ?? 0))
      : 0;
  if (!teardown)
    for (let i = 0; i < planned; i++)
      ips.push({
        ip: "",
        primary: false,
        state: stepState(assign, "planned") === "done" ? "done" : stepState(assign, "planned"),
        eip: null,
      });
  for (const e of pendingEips) {
    const slot = ips.find((x) => !x.eip && !x.primary && !x.ip) ?? null;
    const eip = {
      id: e.allocationId,
      address: e.ipAddress,
      state: teardown ? ("removed" as const) : stepState(steps.get(`eip.associate.${e.specIndex}`), "planned"),
    };
    if (slot) slot.eip = eip;
    else ips.push({ ip: e.privateIp, primary: false, state: "planned", eip });
  }
  return {
    instance: instanceId
      ? { id: instanceId, label: instanceId, state: "existing" }
      : { id: "", label: "", state: "planned" },
    enis: eniId || ips.length ? [{ id: eniId, label: eniId, primaryEni: false, state: eniState, ips }] : [],
  };
}
