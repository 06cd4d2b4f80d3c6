// Inputs of the fleet actions (lib/actions/fleets.actions.ts). Client forms import these too.
import { z } from "zod";
import { fleetCreateSchema, fleetSpecSchema } from "@/lib/fleet/fleet.schema";
import { id, teamId } from "./common.schema";

/** The team's fleets (the list). */
export const fleetTeamInput = z.object({ teamId });
/** A fleet of the team (pause, resume, abort, retry failed, pre-flight, plan, drift, repair, view). */
export const fleetInput = z.object({ teamId, id });
/** Create: name, account, region, a spec or a team config, the instances (ids or a tag), batch size and threshold. */
export const fleetCreateInput = z.object({ teamId, fleet: fleetCreateSchema });
/** A fleet change: the whole new fleet spec. Nothing runs until fleets.start. */
export const fleetChangeInput = z.object({ teamId, id, spec: fleetSpecSchema });
/** Teardown asks for the fleet's name, typed. */
export const fleetTeardownInput = z.object({ teamId, id, confirmName: z.string().max(200) });
/** Cloud Assistant on every member whose cloud side succeeded, or only those whose guest verification failed. */
export const fleetGuestInput = z.object({ teamId, id, onlyFailed: z.boolean().default(false) });
