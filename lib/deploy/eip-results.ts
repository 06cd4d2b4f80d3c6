// "Results per EIP" on the deployment page, derived (pure) from what is stored: the resource
// record, the step rows of both phases, the cloud-side check (Deployment.checks.results) and the
// latest guest verification (Deployment.checks.guest, written by guest-run.service.ts). One place decides
// what each column says, so a teardown or a new guest verify shows up everywhere at once.
import { eniStepKey, type ResourcesRecord } from "./model";

export type GuestVerdictSource =
  { rolledBack?: boolean; results?: Array<{ privateIp: string; ok: boolean; detail?: string }> } | null | undefined;
type CloudCheck = { allocationId: string; cloud: "pass" | "fail"; detail: string };
type StoredChecks = { checkedAt?: string; results?: CloudCheck[]; guest?: GuestVerdictSource } | null | undefined;

export type EipAssociation =
  "pending" | "running" | "succeeded" | "failed" | "skipped" | "noop" | "unassociated" | "released";
export type EipResultRow = {
  /** The spec's ENI (`enis[eniIndex]`) and the EIP's index in its list. */
  eniIndex: number;
  specIndex: number;
  /** The ENI the EIP is (to be) associated with ("" while unknown). */
  eniId: string;
  allocationId: string;
  ipAddress: string;
  privateIp: string;
  allocatedByUs: boolean;
  association: EipAssociation;
  cloud: { verdict: "pass" | "fail" | "not_checked" | "not_applicable"; detail: string };
  guest: { verdict: "pass" | "fail" | "not_run" | "rolled_back" | "not_applicable"; detail: string };
};

/** The latest guest verification's verdict for one private IP. */
export function guestVerdict(
  guest: GuestVerdictSource,
  privateIp: string,
): { verdict: "pass" | "fail" | "not_run" | "rolled_back"; detail: string } {
  if (guest?.rolledBack) return { verdict: "rolled_back", detail: "" };
  const g = guest?.results?.find((x) => x.privateIp === privateIp);
  if (!g) return { verdict: "not_run", detail: "" };
  return { verdict: g.ok ? "pass" : "fail", detail: g.ok ? "" : (g.detail ?? "") };
}

/** Every EIP of the spec (`planned`, in spec order), with what the record knows of it. */
export function eipResultRows(d: {
  status: string;
  phase: string;
  resources: ResourcesRecord;
  steps: Array<{ phase: string; key: string; status: string }>;
  checks: unknown;
  /** The spec's EIPs, each with its ENI index (`eni`, 0 for a v1 spec) and its index in that ENI's list. */
  planned?: Array<{ eni: number; index: number; allocationId?: string; privateIp?: string }>;
}): EipResultRow[] {
  const checks = d.checks as StoredChecks;
  const step = (phase: string, key: string) => d.steps.find((s) => s.phase === phase && s.key === key)?.status;
  const tornDown = d.status === "torn_down";
  const inTeardown = d.phase === "teardown";
  const id = (eni: number, index: number) => `${eni}:${index}`;
  const recorded = new Map(
    (d.resources.eips ?? []).filter((e) => e.allocationId).map((e) => [id(e.eniIndex ?? 0, e.specIndex), e]),
  );
  const planned = new Map((d.planned ?? []).map((p) => [id(p.eni, p.index), p]));
  const order = (k: string) => k.split(":").map(Number) as [number, number];
  const indexes = [...new Set([...planned.keys(), ...recorded.keys()])].sort((a, b) => {
    const [ea, ia] = order(a);
    const [eb, ib] = order(b);
    return ea - eb || ia - ib;
  });
  const rows: EipResultRow[] = [];
  for (const key of indexes) {
    const [eniIndex, i] = order(key);
    const e = recorded.get(key);
    const applied = (step("apply", eniStepKey(eniIndex, `eip.associate.${i}`)) ?? "pending") as EipAssociation;
    if (!e) {
      // Not (yet) on the record: an existing EIP whose association has not succeeded, or a new one
      // not allocated yet. A new one that never was has nothing to show once torn down.
      const p = planned.get(key) ?? { allocationId: undefined, privateIp: undefined };
      if (!p.allocationId && (tornDown || inTeardown)) continue;
      rows.push({
        eniIndex,
        specIndex: i,
        eniId: "",
        allocationId: p.allocationId ?? "",
        ipAddress: "",
        privateIp: p.privateIp ?? "",
        allocatedByUs: !p.allocationId,
        association: tornDown || inTeardown ? "unassociated" : applied,
        cloud: { verdict: tornDown ? "not_applicable" : "not_checked", detail: "" },
        guest: { verdict: tornDown ? "not_applicable" : "not_run", detail: "" },
      });
      continue;
    }
    let association = applied;
    if (inTeardown) {
      const released = step("teardown", `eip.release.${e.allocationId}`);
      const unassoc = step("teardown", `eip.unassociate.${e.allocationId}`);
      if (released === "succeeded" || (tornDown && released === "noop")) association = "released";
      else if (unassoc === "succeeded" || unassoc === "noop" || tornDown) association = "unassociated";
      else if (unassoc === "running" || unassoc === "failed") association = unassoc;
    }
    const gone = association === "unassociated" || association === "released";
    const c = checks?.results?.find((x) => x.allocationId === e.allocationId);
    const cloud: EipResultRow["cloud"] = gone
      ? { verdict: "not_applicable", detail: "" }
      : c
        ? { verdict: c.cloud, detail: c.cloud === "pass" ? "" : c.detail }
        : { verdict: "not_checked", detail: "" };
    const guest: EipResultRow["guest"] = tornDown
      ? { verdict: "not_applicable", detail: "" }
      : guestVerdict(checks?.guest, e.privateIp);
    // An allocated EIP whose association failed has no private IP on the record yet: the spec may name it.
    const privateIp = e.privateIp || planned.get(key)?.privateIp || "";
    rows.push({
      eniIndex,
      specIndex: i,
      eniId: e.eniId ?? "",
      allocationId: e.allocationId,
      ipAddress: e.ipAddress,
      privateIp,
      allocatedByUs: e.allocatedByUs,
      association,
      cloud,
      guest,
    });
  }
  return rows;
}
