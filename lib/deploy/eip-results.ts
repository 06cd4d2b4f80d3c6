// "Results per EIP" on the deployment page, derived (pure) from what is stored: the resource
// record, the step rows of both phases, the cloud-side check (Deployment.checks.results) and the
// latest guest verification (Deployment.checks.guest, written by guest-run.service.ts). One place decides
// what each column says, so a teardown or a new guest verify shows up everywhere at once.
import type { ResourcesRecord } from "./model";

export type GuestVerdictSource =
  { rolledBack?: boolean; results?: Array<{ privateIp: string; ok: boolean; detail?: string }> } | null | undefined;
type CloudCheck = { allocationId: string; cloud: "pass" | "fail"; detail: string };
type StoredChecks = { checkedAt?: string; results?: CloudCheck[]; guest?: GuestVerdictSource } | null | undefined;

export type EipAssociation =
  "pending" | "running" | "succeeded" | "failed" | "skipped" | "noop" | "unassociated" | "released";
export type EipResultRow = {
  specIndex: number;
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
  planned?: Array<{ allocationId?: string; privateIp?: string }>;
}): EipResultRow[] {
  const checks = d.checks as StoredChecks;
  const step = (phase: string, key: string) => d.steps.find((s) => s.phase === phase && s.key === key)?.status;
  const tornDown = d.status === "torn_down";
  const inTeardown = d.phase === "teardown";
  const recorded = new Map((d.resources.eips ?? []).filter((e) => e.allocationId).map((e) => [e.specIndex, e]));
  const indexes = [...new Set([...(d.planned ?? []).keys(), ...recorded.keys()])].sort((a, b) => a - b);
  const rows: EipResultRow[] = [];
  for (const i of indexes) {
    const e = recorded.get(i);
    const applied = (step("apply", `eip.associate.${i}`) ?? "pending") as EipAssociation;
    if (!e) {
      // Not (yet) on the record: an existing EIP whose association has not succeeded, or a new one
      // not allocated yet. A new one that never was has nothing to show once torn down.
      const p = d.planned?.[i] ?? {};
      if (!p.allocationId && (tornDown || inTeardown)) continue;
      rows.push({
        specIndex: i,
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
    const privateIp = e.privateIp || d.planned?.[i]?.privateIp || "";
    rows.push({
      specIndex: i,
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
