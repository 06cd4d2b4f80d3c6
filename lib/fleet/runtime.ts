// What the fleet services share: the engine's database and executor options (lib/deploy), the rollout's
// polling, the fleet row's lease, team-scoped loading and the fleet audit event.
import type { Db, Tx } from "@/lib/db/client";
import { appendAuditEvent, appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { msg } from "@/lib/i18n/errors";
import { engineRuntime, RunRefused } from "@/lib/deploy/deployment.service";
import { DEFAULT_OWNER } from "@/lib/deploy/executor";
import { fleetSpecSchema, type FleetSpec } from "./fleet.schema";

type FleetConfig = {
  /** How often the rollout looks at its members' runs (ms). */
  pollMs?: number;
  /** Members whose pre-flight reads (or drift checks, guest runs) go on at once. */
  concurrency?: number;
};
let config: FleetConfig = {};

/** Tests and special setups: the rollout's polling and concurrency. */
export function configureFleets(c: FleetConfig): void {
  config = { ...config, ...c };
}

export function fleetRuntime(): { db: Db; owner: string; leaseMs: number; pollMs: number; concurrency: number } {
  const { db, executor } = engineRuntime();
  return {
    db,
    owner: executor.owner ?? DEFAULT_OWNER,
    leaseMs: executor.leaseMs ?? 30_000,
    pollMs: config.pollMs ?? 1000,
    concurrency: config.concurrency ?? 4,
  };
}

export const memberInclude = {
  deployment: {
    select: {
      id: true,
      name: true,
      status: true,
      phase: true,
      error: true,
      finishedAt: true,
      startedAt: true,
      cancelRequested: true,
      instanceId: true,
    },
  },
} as const;

/** The team's fleet (another team's does not exist) with its members in rollout order. */
export async function loadFleet(db: Db, teamId: string, id: string) {
  const f = await db.fleet.findFirst({
    where: { id, teamId },
    include: { members: { orderBy: { position: "asc" }, include: memberInclude } },
  });
  if (!f) throw new RunRefused("NOT_FOUND", msg("fleet.notFound"));
  return f;
}
export type LoadedFleet = Awaited<ReturnType<typeof loadFleet>>;
export type LoadedMember = LoadedFleet["members"][number];

export function fleetSpecOf(f: { spec: unknown }): FleetSpec {
  return fleetSpecSchema.parse(f.spec);
}

/** Per-instance placement resolved at creation: a created ENI goes in the instance's vSwitch and security group. */
export type Placement = { vSwitchId: string; securityGroupId: string };
export type StoredSelector = {
  ids?: string[];
  tag?: { key: string; value?: string };
  placements: Record<string, Placement>;
};

export function selectorOf(f: { selector: unknown }): StoredSelector {
  const s = (f.selector ?? {}) as Partial<StoredSelector>;
  return { ...s, placements: s.placements ?? {} };
}

/** Extends (or takes back) the fleet row's lease; false when another process holds it now. */
export async function renewFleetLease(db: Db, id: string, owner: string, leaseMs: number): Promise<boolean> {
  const r = await db.fleet.updateMany({
    where: { id, leaseOwner: owner },
    data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
  });
  return r.count === 1;
}

type FleetEvent = {
  teamId: string;
  fleetId: string;
  action: string;
  actor: AuditActor | null | undefined;
  params?: Record<string, unknown>;
  outcome?: "success" | "failure";
};

/** A fleet's audit event (`app:fleet.<verb>`), its members' deployments in the targets when given. */
export async function auditFleet(db: Db | Tx, e: FleetEvent & { targets?: string[] }, tx = false): Promise<void> {
  const row = {
    teamId: e.teamId,
    ...actorFields(e.actor),
    action: `app:fleet.${e.action}`,
    targets: [e.fleetId, ...(e.targets ?? [])],
    params: { fleetId: e.fleetId, ...e.params },
    outcome: e.outcome ?? "success",
  };
  if (tx) await appendAuditEventIn(db as Tx, row);
  else await appendAuditEvent(db as Db, row);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
