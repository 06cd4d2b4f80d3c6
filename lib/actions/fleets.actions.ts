"use server";
// Fleets: create, pre-flight, start (apply), pause, resume, abort, retry failed, change, teardown, drift check,
// repair, Cloud Assistant apply / verify over the members, and the fleet view the page polls.
// Parse → session + membership + capability (teamAction) → one service call → a small result.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import {
  abortFleet,
  createFleet,
  pauseFleet,
  preflightFleet,
  resumeFleet,
  retryFailedFleet,
  startFleet,
} from "@/lib/fleet/fleet.service";
import {
  changeFleet,
  checkFleetDrift,
  planFleet,
  repairFleet,
  runFleetGuest,
  teardownFleet,
} from "@/lib/fleet/fleet-ops.service";
import { getFleetView, listFleets } from "@/lib/fleet/fleet-view";
import {
  fleetChangeInput,
  fleetCreateInput,
  fleetGuestInput,
  fleetInput,
  fleetTeardownInput,
  fleetTeamInput,
} from "./fleets.schema";

const started = (r: { id: string; status: string; members: number }) => ({
  id: r.id,
  status: r.status,
  members: r.members,
});

export const createFleetAction = teamAction(
  { name: "fleets.create", capability: "deployments.apply", input: fleetCreateInput },
  async ({ fleet }, ctx) => {
    ensureDeployEngine();
    const r = await createFleet(ctx.team.teamId, ctx.actor, fleet);
    revalidatePath("/");
    return r;
  },
);

export const preflightFleetAction = teamAction(
  { name: "fleets.preflight", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return preflightFleet(ctx.team.teamId, id, ctx.actor);
  },
);

export const planFleetAction = teamAction(
  { name: "fleets.plan", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return planFleet(ctx.team.teamId, ctx.actor, id);
  },
);

export const startFleetAction = teamAction(
  { name: "fleets.start", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return started(await startFleet(ctx.team.teamId, id, ctx.actor));
  },
);

export const pauseFleetAction = teamAction(
  { name: "fleets.pause", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => pauseFleet(ctx.team.teamId, id, ctx.actor),
);

export const resumeFleetAction = teamAction(
  { name: "fleets.resume", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return started(await resumeFleet(ctx.team.teamId, id, ctx.actor));
  },
);

export const abortFleetAction = teamAction(
  { name: "fleets.abort", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return abortFleet(ctx.team.teamId, id, ctx.actor);
  },
);

export const retryFailedFleetAction = teamAction(
  { name: "fleets.retryFailed", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return started(await retryFailedFleet(ctx.team.teamId, id, ctx.actor));
  },
);

/** A change's answer: each member's delta (calls); "Apply" (fleets.start) rolls it out. */
export const changeFleetAction = teamAction(
  { name: "fleets.change", capability: "deployments.apply", input: fleetChangeInput },
  async ({ id, spec }, ctx) => {
    ensureDeployEngine();
    return changeFleet(ctx.team.teamId, ctx.actor, id, spec);
  },
);

export const teardownFleetAction = teamAction(
  { name: "fleets.teardown", capability: "deployments.apply", input: fleetTeardownInput },
  async ({ id, confirmName }, ctx) => {
    ensureDeployEngine();
    const r = await teardownFleet(ctx.team.teamId, ctx.actor, id, confirmName);
    revalidatePath("/");
    return started(r);
  },
);

export const checkFleetDriftAction = teamAction(
  { name: "fleets.checkDrift", capability: "deployments.read", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return checkFleetDrift(ctx.team.teamId, ctx.actor, id);
  },
);

export const repairFleetAction = teamAction(
  { name: "fleets.repair", capability: "deployments.apply", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return started(await repairFleet(ctx.team.teamId, ctx.actor, id));
  },
);

export const guestApplyFleetAction = teamAction(
  { name: "fleets.guestApply", capability: "deployments.apply", input: fleetGuestInput },
  async ({ id, onlyFailed }, ctx) => {
    ensureDeployEngine();
    return runFleetGuest(ctx.team.teamId, ctx.actor, id, { action: "apply", onlyFailed });
  },
);

export const guestVerifyFleetAction = teamAction(
  { name: "fleets.guestVerify", capability: "deployments.apply", input: fleetGuestInput },
  async ({ id, onlyFailed }, ctx) => {
    ensureDeployEngine();
    return runFleetGuest(ctx.team.teamId, ctx.actor, id, { action: "verify", onlyFailed });
  },
);

/** The fleet page polls this (stop at `terminal`). */
export const fleetViewAction = teamAction(
  { name: "fleets.view", capability: "deployments.read", input: fleetInput },
  async ({ id }, ctx) => {
    ensureDeployEngine(); // the fleet runtime reads through the engine's database
    return getFleetView(ctx.team.teamId, id);
  },
);

export const listFleetsAction = teamAction(
  { name: "fleets.list", capability: "deployments.read", input: fleetTeamInput },
  async (_input, ctx) => {
    ensureDeployEngine();
    return listFleets(ctx.team.teamId);
  },
);
