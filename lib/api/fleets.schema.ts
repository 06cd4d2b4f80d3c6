// The HTTP API v1's fleet requests and answers, in zod: the routes parse with the request schemas, the
// OpenAPI document (openapi.ts) is generated from all of them.
import { z } from "zod";
import { FLEET_STATUSES, MEMBER_STATES, fleetCreateSchema, fleetSpecSchema } from "@/lib/fleet/fleet.schema";
import { API_STATUSES, findingSchema, stepSchema } from "./api.schema";

// ---------------------------------------------------------------- requests

/**
 * POST /api/v1/fleets: name, account, region, a fleet `spec` or a team config (`configId`, optional
 * `configRevision`), the instances (`{ids}` or `{tag:{key,value}}`) and the rollout (batch size, threshold).
 */
export const fleetCreateApiInput = fleetCreateSchema;
/** PUT /api/v1/fleets/{id}/spec: the whole new fleet spec. */
export const fleetSpecApiInput = z.object({ spec: fleetSpecSchema }).strict();
/** POST /api/v1/fleets/{id}/teardown: the fleet's name, typed. */
export const fleetTeardownApiInput = z.object({ confirm: z.string().max(200) });

// ---------------------------------------------------------------- answers

const eipCounts = z.object({
  planned: z.number().describe("EIPs the spec asks for"),
  allocated: z.number(),
  associated: z.number(),
  verified: z.number().describe("passed the last guest verification (Cloud Assistant)"),
});

export const fleetSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(FLEET_STATUSES),
  phase: z.enum(["apply", "teardown", "repair"]),
  regionId: z.string(),
  generation: z.number().describe("bumped by each spec change"),
  members: z.number(),
  byState: z.record(z.enum(MEMBER_STATES), z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const fleetMemberSchema = z.object({
  instanceId: z.string(),
  position: z.number().describe("0 = the canary"),
  state: z.enum(MEMBER_STATES),
  generation: z.number().describe("the fleet generation this member last applied (0: never)"),
  deploymentId: z.string().describe("the member's own deployment: GET /api/v1/deployments/{id}"),
  deploymentStatus: z.enum(API_STATUSES),
  eips: eipCounts,
  error: z.unknown().optional(),
});

export const fleetSchema = fleetSummarySchema.omit({ members: true, byState: true }).extend({
  cloudAccountId: z.string(),
  pendingChange: z.boolean().describe("a spec change not rolled out to every member yet (POST …/apply)"),
  spec: z.record(z.string(), z.unknown()),
  rollout: z.object({ batchSize: z.number(), failureThreshold: z.number() }),
  pauseReason: z
    .object({ code: z.enum(["CANARY_FAILED", "THRESHOLD", "REQUESTED"]), message: z.string(), failed: z.number() })
    .nullable(),
  members: z.array(fleetMemberSchema),
  totals: z.object({ members: z.number(), byState: z.record(z.enum(MEMBER_STATES), z.number()), eips: eipCounts }),
});

export const fleetPlanAnswer = z.object({
  ok: z.boolean(),
  findings: z.array(findingSchema.extend({ instanceId: z.string().optional() })),
  eips: z.object({ toAllocate: z.number(), inUse: z.number(), quota: z.number() }),
  members: z.array(
    z.object({ instanceId: z.string(), deploymentId: z.string(), changes: z.number(), steps: z.array(stepSchema) }),
  ),
});

export const fleetStartedAnswer = z.object({ id: z.string(), status: z.string(), members: z.number() });

export const fleetSpecAnswer = z.object({
  generation: z.number(),
  members: z.array(z.object({ instanceId: z.string(), deploymentId: z.string(), changes: z.number().nullable() })),
});

export const fleetDriftAnswer = z.object({
  checkedAt: z.string(),
  drifted: z.number(),
  inSync: z.number(),
  notChecked: z.number(),
  members: z.array(
    z.object({
      instanceId: z.string(),
      deploymentId: z.string(),
      status: z.enum(API_STATUSES),
      drift: z.number().nullable(),
    }),
  ),
});
