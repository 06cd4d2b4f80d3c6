// What the fleet page and the HTTP API show: the fleet, each member with its state and its deployment (id,
// contract-5 status, EIP counts), and the totals (EIPs allocated, associated, verified; members by state).
// Read from the stored rows only: it makes no cloud call, so a page can poll it.
import { apiStatus, type ApiStatus } from "@/lib/deploy/deployment.service";
import { eipResultRows } from "@/lib/deploy/eip-results";
import { normalizeRecord } from "@/lib/deploy/model";
import { allEips, deploymentSpecSchema } from "@/lib/deploy/spec.schema";
import { specWithoutSecrets } from "@/lib/deploy/secrets";
import { RunRefused } from "@/lib/deploy/executor";
import { msg } from "@/lib/i18n/errors";
import { fleetRuntime, selectorOf } from "./runtime";
import { MEMBER_STATES, type FleetSpec, type MemberState } from "./fleet.schema";

export type EipCounts = { allocated: number; associated: number; verified: number };

export type FleetMemberView = {
  id: string;
  instanceId: string;
  position: number;
  canary: boolean;
  state: MemberState;
  /** The fleet generation this member last applied (0: never). */
  generation: number;
  error: unknown;
  deployment: { id: string; name: string; status: string; apiStatus: ApiStatus; phase: string };
  eips: EipCounts & { planned: number };
};

export type FleetView = {
  id: string;
  name: string;
  status: string;
  phase: string;
  /** No rollout in progress: polling may stop. */
  terminal: boolean;
  regionId: string;
  cloudAccountId: string;
  configId: string | null;
  configRevision: number | null;
  spec: FleetSpec;
  selector: { ids?: string[]; tag?: { key: string; value?: string } };
  batchSize: number;
  failureThreshold: number;
  generation: number;
  /** A change (spec) not rolled out to every member yet: "Apply" rolls it out. */
  pendingChange: boolean;
  pauseRequested: boolean;
  abortRequested: boolean;
  pauseReason: { code: string; message: { en: string; ja: string }; failed: number } | null;
  preflight: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  members: FleetMemberView[];
  totals: { members: number; byState: Record<MemberState, number>; eips: EipCounts & { planned: number } };
};

const TERMINAL = new Set(["draft", "paused", "succeeded", "failed", "aborted", "torn_down"]);

type DeploymentRow = {
  status: string;
  phase: string;
  spec: unknown;
  resources: unknown;
  checks: unknown;
  drift: unknown;
  steps: Array<{ phase: string; key: string; status: string }>;
};

function eipCounts(d: DeploymentRow): EipCounts & { planned: number } {
  const spec = deploymentSpecSchema.safeParse(specWithoutSecrets(d.spec));
  const planned = spec.success
    ? allEips(spec.data).map(({ eni, index, eip }) => ({ eni, index, allocationId: eip.allocationId }))
    : [];
  const rows = eipResultRows({ ...d, resources: normalizeRecord(d.resources), planned });
  const live = d.status !== "torn_down";
  return {
    planned: planned.length,
    allocated: live ? rows.filter((r) => r.allocationId).length : 0,
    associated: rows.filter((r) => r.association === "succeeded" || r.association === "noop").length,
    verified: rows.filter((r) => r.guest.verdict === "pass").length,
  };
}

const deploymentSelect = {
  id: true,
  name: true,
  status: true,
  phase: true,
  spec: true,
  resources: true,
  checks: true,
  drift: true,
  steps: { select: { phase: true, key: true, status: true } },
} as const;

/** The fleet with every member and the totals (one query; no cloud call). */
export async function getFleetView(teamId: string, id: string): Promise<FleetView> {
  const { db } = fleetRuntime();
  const f = await db.fleet.findFirst({
    where: { id, teamId },
    include: { members: { orderBy: { position: "asc" }, include: { deployment: { select: deploymentSelect } } } },
  });
  if (!f) throw new RunRefused("NOT_FOUND", msg("fleet.notFound"));
  const byState = Object.fromEntries(MEMBER_STATES.map((s) => [s, 0])) as Record<MemberState, number>;
  const totals = { planned: 0, allocated: 0, associated: 0, verified: 0 };
  const members = f.members.map((m): FleetMemberView => {
    const d = m.deployment;
    const eips = eipCounts(d);
    byState[m.state as MemberState] = (byState[m.state as MemberState] ?? 0) + 1;
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += eips[k];
    return {
      id: m.id,
      instanceId: m.instanceId,
      position: m.position,
      canary: m.position === 0,
      state: m.state as MemberState,
      generation: m.generation,
      error: m.error,
      deployment: {
        id: d.id,
        name: d.name,
        status: d.status,
        phase: d.phase,
        apiStatus: apiStatus({ status: d.status, drift: d.drift as unknown[] | null }),
      },
      eips,
    };
  });
  const { placements: _p, ...selector } = selectorOf(f);
  return {
    id: f.id,
    name: f.name,
    status: f.status,
    phase: f.phase,
    terminal: TERMINAL.has(f.status),
    regionId: f.regionId,
    cloudAccountId: f.cloudAccountId,
    configId: f.configId,
    configRevision: f.configRevision,
    spec: f.spec as FleetSpec,
    selector,
    batchSize: f.batchSize,
    failureThreshold: f.failureThreshold,
    generation: f.generation,
    pendingChange: f.phase === "apply" && f.generation > 1 && members.some((m) => m.generation < f.generation),
    pauseRequested: f.pauseRequested,
    abortRequested: f.abortRequested,
    pauseReason: (f.pauseReason ?? null) as FleetView["pauseReason"],
    preflight: f.preflight ?? null,
    createdAt: f.createdAt.toISOString(),
    startedAt: f.startedAt?.toISOString() ?? null,
    finishedAt: f.finishedAt?.toISOString() ?? null,
    updatedAt: f.updatedAt.toISOString(),
    members,
    totals: { members: members.length, byState, eips: totals },
  };
}

export type FleetListItem = {
  id: string;
  name: string;
  status: string;
  phase: string;
  regionId: string;
  generation: number;
  members: number;
  byState: Partial<Record<MemberState, number>>;
  createdAt: string;
  updatedAt: string;
};

/** The team's fleets, newest first, with their members counted by state. */
export async function listFleets(teamId: string): Promise<FleetListItem[]> {
  const { db } = fleetRuntime();
  const rows = await db.fleet.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      name: true,
      status: true,
      phase: true,
      regionId: true,
      generation: true,
      createdAt: true,
      updatedAt: true,
      members: { select: { state: true } },
    },
  });
  return rows.map(({ members, createdAt, updatedAt, ...f }) => {
    const byState: Partial<Record<MemberState, number>> = {};
    for (const m of members) byState[m.state as MemberState] = (byState[m.state as MemberState] ?? 0) + 1;
    return {
      ...f,
      members: members.length,
      byState,
      createdAt: createdAt.toISOString(),
      updatedAt: updatedAt.toISOString(),
    };
  });
}
