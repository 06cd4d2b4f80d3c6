// Fleets: what the server actions and the HTTP API call. Every function takes the team id and scopes by it
// (`where: { id, teamId }`): another team's fleet simply does not exist. Each member is an ordinary deployment
// (`<fleet name> / <instanceId>`, Deployment.fleetId set); the rollout (rollout.ts) only orchestrates their runs.
import type { AuditActor } from "@/lib/audit/actor";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { joined, msg, statusWord } from "@/lib/i18n/errors";
import { accountContext, RunRefused } from "@/lib/deploy/deployment.service";
import { deploymentSpecSchema } from "@/lib/deploy/spec.schema";
import { sealSpecSecrets } from "@/lib/deploy/secrets";
import { getRevision } from "@/lib/configs/config.service";
import {
  fleetCreateSchema,
  fleetSpecFromConfig,
  fleetSpecSchema,
  memberSpec,
  type FleetCreateInput,
  type FleetSpec,
} from "./fleet.schema";
import { resolveInstances } from "./fleet-instances";
import { fleetPreflight, type FleetPreflight } from "./fleet-preflight";
import { launchRollout } from "./rollout";
import { auditFleet, fleetRuntime, loadFleet, type LoadedFleet, type StoredSelector } from "./runtime";

export { RunRefused };

async function specFor(teamId: string, input: { spec?: FleetSpec; configId?: string; configRevision?: number }) {
  if (input.spec) return { spec: input.spec, configId: null, configRevision: null };
  const rev = await getRevision(teamId, input.configId!, input.configRevision).catch(() => {
    throw new RunRefused("NOT_FOUND", msg("fleet.configNotFound"));
  });
  const r = fleetSpecFromConfig(rev.spec);
  if (!r.ok)
    throw new RunRefused(
      "PREFLIGHT_FAILED",
      msg("fleet.configUnusable", {
        problems: joined(
          r.problems.map((p) => msg(`fleet.${p.key}`)),
          " ",
        ),
      }),
      r.problems,
    );
  return { spec: fleetSpecSchema.parse(r.spec), configId: input.configId!, configRevision: rev.revision };
}

/**
 * Creates a fleet (status draft): resolves the selector to instances (listed, or by tag) in the account and
 * region, and creates one draft deployment per instance. Nothing changes in the cloud.
 */
export async function createFleet(
  teamId: string,
  actor: AuditActor | null,
  raw: FleetCreateInput,
): Promise<{ id: string; status: string; members: number }> {
  const input = fleetCreateSchema.parse(raw);
  const { db } = fleetRuntime();
  const account = await db.cloudAccount.findFirst({
    where: { id: input.cloudAccountId, teamId },
    select: { id: true },
  });
  if (!account) throw new RunRefused("NOT_FOUND", msg("fleet.accountNotFound"));
  const { spec, configId, configRevision } = await specFor(teamId, input);
  const ctx = await accountContext(teamId, input.cloudAccountId, input.regionId, actor);
  const instances = await resolveInstances(ctx, input.instances);
  const selector: StoredSelector = { ...input.instances, placements: {} };
  for (const i of instances)
    selector.placements[i.instanceId] = { vSwitchId: i.vSwitchId, securityGroupId: i.securityGroupId };
  return db.$transaction(async (tx) => {
    const f = await tx.fleet.create({
      data: {
        teamId,
        cloudAccountId: input.cloudAccountId,
        regionId: input.regionId,
        name: input.name,
        configId,
        configRevision,
        spec: spec as never,
        selector: selector as never,
        batchSize: input.rollout.batchSize,
        failureThreshold: input.rollout.failureThreshold,
        generation: 1,
        createdById: actor?.userId ?? null,
      },
      select: { id: true },
    });
    for (const [position, i] of instances.entries()) {
      const depSpec = deploymentSpecSchema.parse(
        memberSpec(spec, { cloudAccountId: input.cloudAccountId, regionId: input.regionId, ...i }),
      );
      const name = `${input.name} / ${i.instanceId}`;
      const d = await tx.deployment.create({
        data: {
          teamId,
          name,
          fleetId: f.id,
          spec: sealSpecSecrets(depSpec as unknown as Record<string, unknown>) as never,
          specVersion: 2,
          cloudAccountId: input.cloudAccountId,
          regionId: input.regionId,
          createdById: actor?.userId ?? null,
        },
        select: { id: true },
      });
      await tx.fleetMember.create({ data: { fleetId: f.id, instanceId: i.instanceId, position, deploymentId: d.id } });
      await appendAuditEventIn(tx, {
        teamId,
        ...actorFields(actor),
        action: "app:deployment.create",
        deploymentId: d.id,
        targets: [d.id],
        params: { deploymentId: d.id, name, fleetId: f.id },
        outcome: "success",
      });
    }
    await auditFleet(
      tx,
      {
        teamId,
        fleetId: f.id,
        action: "create",
        actor,
        params: {
          name: input.name,
          members: instances.length,
          selector: "ids" in input.instances ? "ids" : "tag",
          ...(configId ? { configId, configRevision } : {}),
        },
      },
      true,
    );
    return { id: f.id, status: "draft", members: instances.length };
  });
}

/** The fleet's pre-flight (all members); stored on the fleet, nothing changes in the cloud. */
export async function preflightFleet(teamId: string, id: string, actor: AuditActor | null): Promise<FleetPreflight> {
  const { db } = fleetRuntime();
  return fleetPreflight(await loadFleet(db, teamId, id), actor);
}

function refuseOnErrors(pre: FleetPreflight): void {
  if (pre.ok) return;
  const errors = pre.findings.filter((x) => x.severity === "error");
  throw new RunRefused(
    "PREFLIGHT_FAILED",
    msg("fleet.preflightFailed", { findings: (l) => errors.map((x) => x.message[l]).join(" ") }),
    pre.findings,
  );
}

/** Moves the fleet into a rollout by compare-and-set and takes its lease; the loop is launched by the caller. */
export async function beginRollout(
  f: LoadedFleet,
  from: string[],
  data: { status: "rolling_out" | "tearing_down"; phase: "apply" | "teardown" | "repair"; failureBase?: number },
  refusal: Parameters<typeof msg>[0],
): Promise<void> {
  const { db, owner, leaseMs } = fleetRuntime();
  const r = await db.fleet.updateMany({
    where: { id: f.id, teamId: f.teamId, status: { in: from } },
    data: {
      ...data,
      failureBase: data.failureBase ?? 0,
      pauseRequested: false,
      abortRequested: false,
      pauseReason: null as never,
      leaseOwner: owner,
      leaseExpiresAt: new Date(Date.now() + leaseMs),
      startedAt: new Date(),
      finishedAt: null,
    },
  });
  if (r.count !== 1) throw new RunRefused("BAD_STATUS", msg(refusal, { status: statusWord(f.status) }));
}

export type RolloutStarted = { id: string; status: string; members: number; done: Promise<string> };

/**
 * Apply: pre-flight over the members that will run (refused with every error), then roll the fleet's current
 * spec out — canary, batches, threshold. Members already at this generation are left as they are.
 */
export async function startFleet(teamId: string, id: string, actor: AuditActor | null): Promise<RolloutStarted> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  if (!["draft", "succeeded", "failed", "aborted", "paused"].includes(f.status))
    throw new RunRefused("BAD_STATUS", msg("fleet.cannotStart", { status: statusWord(f.status) }));
  const todo = f.members.filter((m) => !(m.state === "succeeded" && m.generation === f.generation));
  if (!todo.length) throw new RunRefused("NOTHING_TO_DO", msg("fleet.nothingToApply"));
  refuseOnErrors(await fleetPreflight(f, actor, todo));
  await beginRollout(f, [f.status], { status: "rolling_out", phase: "apply" }, "fleet.cannotStart");
  await db.fleetMember.updateMany({
    where: { id: { in: todo.map((m) => m.id) } },
    data: { state: "pending", retry: false, error: null as never },
  });
  await auditFleet(db, {
    teamId,
    fleetId: id,
    action: "apply",
    actor,
    params: { generation: f.generation, members: todo.length },
  });
  return { id, status: "rolling_out", members: todo.length, done: launchRollout(teamId, id, actor) };
}

/** Asks the rollout to stop after the batch in flight (status paused then). */
export async function pauseFleet(teamId: string, id: string, actor: AuditActor | null): Promise<{ status: string }> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  const r = await db.fleet.updateMany({
    where: { id, teamId, status: { in: ["rolling_out", "tearing_down"] } },
    data: { pauseRequested: true },
  });
  if (r.count !== 1) throw new RunRefused("BAD_STATUS", msg("fleet.notRollingOut", { status: statusWord(f.status) }));
  await auditFleet(db, { teamId, fleetId: id, action: "pause", actor });
  return { status: "pause_requested" };
}

/** Goes on with the pending members; the failures so far are accepted (the threshold counts new ones). */
export async function resumeFleet(teamId: string, id: string, actor: AuditActor | null): Promise<RolloutStarted> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  if (f.status !== "paused")
    throw new RunRefused("BAD_STATUS", msg("fleet.notPaused", { status: statusWord(f.status) }));
  const failed = f.members.filter((m) => m.state === "failed").length;
  const status = f.phase === "teardown" ? "tearing_down" : "rolling_out";
  await beginRollout(f, ["paused"], { status, phase: f.phase as "apply", failureBase: failed }, "fleet.notPaused");
  await auditFleet(db, { teamId, fleetId: id, action: "resume", actor, params: { acceptedFailures: failed } });
  const pending = f.members.filter((m) => m.state === "pending").length;
  return { id, status, members: pending, done: launchRollout(teamId, id, actor) };
}

/**
 * Abort: a rollout in progress cancels its members' runs in flight and starts no other (the loop does it and
 * ends `aborted`); a paused fleet is aborted at once. Every member's deployment keeps its own status.
 */
export async function abortFleet(teamId: string, id: string, actor: AuditActor | null): Promise<{ status: string }> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  const live = await db.fleet.updateMany({
    where: { id, teamId, status: { in: ["rolling_out", "tearing_down"] } },
    data: { abortRequested: true },
  });
  let status = "abort_requested";
  if (live.count !== 1) {
    const paused = await db.fleet.updateMany({
      where: { id, teamId, status: "paused" },
      data: { status: "aborted", finishedAt: new Date(), pauseReason: null as never },
    });
    if (paused.count !== 1)
      throw new RunRefused("BAD_STATUS", msg("fleet.cannotAbort", { status: statusWord(f.status) }));
    await db.fleetMember.updateMany({ where: { fleetId: id, state: "pending" }, data: { state: "aborted" } });
    status = "aborted";
  }
  await auditFleet(db, { teamId, fleetId: id, action: "abort", actor, params: { from: f.status } });
  return { status };
}

/** Failed members go back to pending — their failed runs are resumed from the step that failed — and the rollout goes on. */
export async function retryFailedFleet(teamId: string, id: string, actor: AuditActor | null): Promise<RolloutStarted> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  if (!["paused", "failed"].includes(f.status))
    throw new RunRefused("BAD_STATUS", msg("fleet.cannotRetry", { status: statusWord(f.status) }));
  const failed = f.members.filter((m) => m.state === "failed");
  if (!failed.length) throw new RunRefused("NOTHING_TO_DO", msg("fleet.noFailed"));
  const status = f.phase === "teardown" ? "tearing_down" : "rolling_out";
  await beginRollout(f, [f.status], { status, phase: f.phase as "apply" }, "fleet.cannotRetry");
  await db.fleetMember.updateMany({
    where: { id: { in: failed.map((m) => m.id) }, state: "failed" },
    data: { state: "pending", retry: true },
  });
  await auditFleet(db, {
    teamId,
    fleetId: id,
    action: "retry_failed",
    actor,
    params: { members: failed.map((m) => m.instanceId) },
    targets: failed.map((m) => m.deploymentId),
  });
  return { id, status, members: failed.length, done: launchRollout(teamId, id, actor) };
}
