// The OpenAPI 3.1 document of the HTTP API v1 (GET /api/v1/openapi.json), its schemas generated
// from the zod schemas the routes parse and answer with (z.toJSONSchema, JSON Schema 2020-12 as
// OpenAPI 3.1 uses). lib/api/openapi.test.ts validates it and proves every route file is in it.
import { z } from "zod";
import { deploymentSpecV1Schema, deploymentSpecV2Schema } from "@/lib/deploy/spec.schema";
import {
  adoptInput,
  auditEventSchema,
  cloudAccountSchema,
  deploymentCreateInput,
  deploymentSchema,
  deploymentSummarySchema,
  driftItemSchema,
  errorSchema,
  planAnswer,
  teardownInput,
  tokenCreateInput,
  tokenSchema,
  API_STATUSES,
} from "./api.schema";
import {
  fleetCreateApiInput,
  fleetDriftAnswer,
  fleetPlanAnswer,
  fleetSchema,
  fleetSpecAnswer,
  fleetStartedAnswer,
  fleetSummarySchema,
  fleetTeardownApiInput,
} from "./fleets.schema";
import { fleetSpecSchema } from "@/lib/fleet/fleet.schema";

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ content: { "application/json": { schema } } });

const ERRORS = {
  "400": "Bad JSON or bad input: `problems` lists every problem with its path (e.g. `spec.enis.0.eips`).",
  "401": "No valid token: missing, unknown, revoked, or its creator left the team.",
  "403": "The token's role is below what this needs.",
  "404": "No such id in the token's team (another team's id is answered the same way).",
  "409": "A run is in progress (or holds the instance/ENI), or the status does not allow it.",
  "422": "Pre-flight found errors (`findings`), or there is nothing to adopt on the instance.",
  "500": "Unexpected: `ref` names the server's log line.",
} as const;
type ErrorStatus = keyof typeof ERRORS;

function errors(...statuses: ErrorStatus[]) {
  return Object.fromEntries(statuses.map((s) => [s, { description: ERRORS[s], ...json(ref("Error")) }]));
}

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "deployment id" };

function op(
  summary: string,
  ok: Record<string, Json>,
  opts: { body?: Json; params?: Json[]; errors?: ErrorStatus[]; security?: boolean; description?: string } = {},
): Json {
  return {
    summary,
    ...(opts.description ? { description: opts.description } : {}),
    ...(opts.params ? { parameters: opts.params } : {}),
    ...(opts.body ? { requestBody: { required: true, ...json(opts.body) } } : {}),
    ...(opts.security === false ? { security: [] } : {}),
    responses: { ...ok, ...errors(...(opts.errors ?? ["401", "403", "404", "500"])) },
  };
}

const accepted = {
  "202": {
    description: "The run started; poll GET /api/v1/deployments/{id} for progress.",
    ...json({ type: "object", properties: { id: { type: "string" }, status: { enum: [...API_STATUSES] } } }),
  },
};
const items = (name: string) => ({
  type: "object",
  properties: { items: { type: "array", items: ref(name) } },
  required: ["items"],
});

const WRITE: ErrorStatus[] = ["400", "401", "403", "404", "409", "500"];

/** The operations on one deployment. */
function deploymentPaths(): Json {
  const write = WRITE;
  return {
    "/api/v1/deployments/{id}": {
      get: op(
        "A deployment: status, spec, resources, drift and the current run's steps",
        { "200": { description: "The deployment", ...json(ref("Deployment")) } },
        { params: [idParam] },
      ),
    },
    "/api/v1/deployments/{id}/spec": {
      put: op(
        "Set the desired state (spec v1 or v2)",
        {
          "200": {
            description: "Stored",
            ...json({ type: "object", properties: { id: { type: "string" }, status: { enum: [...API_STATUSES] } } }),
          },
        },
        {
          params: [idParam],
          body: { type: "object", properties: { spec: ref("Spec") }, required: ["spec"] },
          errors: [...write, "422"],
        },
      ),
    },
    "/api/v1/deployments/{id}/plan": {
      post: op(
        "Pre-flight and the exact calls an apply would make now (nothing changes)",
        { "200": { description: "Findings and steps", ...json(ref("Plan")) } },
        { params: [idParam] },
      ),
    },
    "/api/v1/deployments/{id}/apply": {
      post: op("Apply: pre-flight, then the run starts", accepted, { params: [idParam], errors: [...write, "422"] }),
    },
    "/api/v1/deployments/{id}/refresh": {
      post: op(
        "Compare the record with the live cloud",
        {
          "200": {
            description: "Drift",
            ...json({
              type: "object",
              properties: { inSync: { type: "boolean" }, drift: { type: "array", items: ref("DriftItem") } },
              required: ["inSync", "drift"],
            }),
          },
        },
        { params: [idParam] },
      ),
    },
    "/api/v1/deployments/{id}/repair": {
      post: op("Repair: restore the recorded state", accepted, { params: [idParam], errors: [...write, "422"] }),
    },
    "/api/v1/deployments/{id}/teardown": {
      post: op("Tear down what the deployment created or changed", accepted, {
        params: [idParam],
        body: ref("Teardown"),
        errors: write,
      }),
    },
    "/api/v1/deployments/{id}/bundle": {
      get: op(
        "The guest-OS bundle as .tar.gz",
        {
          "200": {
            description: "apply.sh, verify.sh, rollback.sh and the distro's files",
            content: { "application/gzip": { schema: { type: "string", contentEncoding: "binary" } } },
          },
        },
        {
          params: [
            idParam,
            { name: "revision", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
          ],
          errors: ["400", "401", "403", "404", "500"],
        },
      ),
    },
  };
}

const fleetId = { ...idParam, description: "fleet id" };
const fleetRun = (description: string) => ({
  "202": { description, ...json(ref("FleetStarted")) },
});
const fleetOk = (description: string, schema: Json) => ({ "200": { description, ...json(schema) } });
const STATE_CHANGE = {
  type: "object",
  properties: { id: { type: "string" }, status: { type: "string" } },
  required: ["id", "status"],
};

/** Fleets: one config on many instances, rolled out canary first, then in batches. */
function fleetPaths(): Json {
  const write: ErrorStatus[] = WRITE;
  const p = { params: [fleetId] };
  return {
    "/api/v1/fleets": {
      get: op("List fleets", fleetOk("Fleets", items("FleetSummary"))),
      post: op(
        "Create a fleet (a draft member deployment per instance) from a fleet spec or a team config",
        {
          "201": {
            description: "Created",
            ...json({
              type: "object",
              properties: { id: { type: "string" }, status: { const: "draft" }, members: { type: "integer" } },
            }),
          },
        },
        {
          body: ref("FleetCreate"),
          errors: ["400", "401", "403", "404", "422", "500"],
          description:
            "Instances: `{ids:[…]}` (the first is the canary) or `{tag:{key,value}}` (every instance with it).",
        },
      ),
    },
    "/api/v1/fleets/{id}": {
      get: op("The fleet, its members (with their deployments) and the totals", fleetOk("Fleet", ref("Fleet")), p),
    },
    "/api/v1/fleets/{id}/plan": {
      post: op("Fleet pre-flight and each member's calls (nothing changes)", fleetOk("Plan", ref("FleetPlan")), p),
    },
    "/api/v1/fleets/{id}/apply": {
      post: op(
        "Apply: pre-flight over the fleet, then the rollout starts",
        fleetRun("Rolling out; poll GET /api/v1/fleets/{id}"),
        {
          ...p,
          errors: [...write, "422"],
        },
      ),
    },
    "/api/v1/fleets/{id}/pause": {
      post: op("Pause after the batch in flight", fleetOk("Pause requested", STATE_CHANGE), { ...p, errors: write }),
    },
    "/api/v1/fleets/{id}/resume": {
      post: op("Resume a paused fleet", fleetRun("Rolling out again"), { ...p, errors: write }),
    },
    "/api/v1/fleets/{id}/abort": {
      post: op(
        "Abort: cancel the runs in flight, start nothing else",
        fleetOk("Abort requested (or aborted)", STATE_CHANGE),
        {
          ...p,
          errors: write,
        },
      ),
    },
    "/api/v1/fleets/{id}/retry-failed": {
      post: op("Retry the failed members and go on", fleetRun("Rolling out again"), { ...p, errors: write }),
    },
    "/api/v1/fleets/{id}/spec": {
      put: op(
        "Change the fleet spec (apply rolls the delta out)",
        fleetOk("Each member's delta", ref("FleetSpecChange")),
        {
          ...p,
          body: ref("FleetSpecPut"),
          errors: write,
        },
      ),
    },
    "/api/v1/fleets/{id}/teardown": {
      post: op("Tear every member down (confirm = the fleet's name)", fleetRun("Tearing down"), {
        ...p,
        body: ref("FleetTeardown"),
        errors: write,
      }),
    },
    "/api/v1/fleets/{id}/refresh": {
      post: op("Drift check on every member: counts", fleetOk("Drift counts", ref("FleetDrift")), p),
    },
    "/api/v1/fleets/{id}/repair": {
      post: op("Repair the drifted members as a rollout", fleetRun("Repairing"), { ...p, errors: [...write, "422"] }),
    },
  };
}

/** Token management (a session cookie may make the first token). */
function tokenPaths(): Json {
  return {
    "/api/v1/tokens": {
      get: op("List the team's API tokens (never the tokens themselves)", {
        "200": { description: "The tokens", ...json(items("Token")) },
      }),
      post: op(
        "Create an API token (signed-in session cookie; Origin must be the app's URL)",
        {
          "201": {
            description: "The token, shown this once",
            ...json({
              type: "object",
              properties: { id: { type: "string" }, token: { type: "string", pattern: "^eip_" } },
              required: ["id", "token"],
            }),
          },
        },
        {
          body: ref("TokenCreate"),
          security: false,
          errors: ["400", "401", "403", "500"],
          description:
            "For the session's active team, or `?teamId=`. The role may not be above the creator's role in that team.",
          params: [{ name: "teamId", in: "query", required: false, schema: { type: "string" } }],
        },
      ),
    },
    "/api/v1/tokens/{id}": {
      delete: op(
        "Revoke an API token (its creator, an admin or the owner)",
        { "200": { description: "The revoked token", ...json(ref("Token")) } },
        { params: [{ ...idParam, description: "token id" }] },
      ),
    },
  };
}

function paths(): Json {
  return {
    ...tokenPaths(),
    ...deploymentPaths(),
    ...fleetPaths(),
    "/api/v1/cloud-accounts": {
      get: op("List the team's cloud accounts", { "200": { description: "Accounts", ...json(items("CloudAccount")) } }),
    },
    "/api/v1/deployments": {
      get: op("List deployments", { "200": { description: "Deployments", ...json(items("DeploymentSummary")) } }),
      post: op(
        "Create a deployment (a draft) from a spec (v1 or v2)",
        {
          "201": {
            description: "Created",
            ...json({ type: "object", properties: { id: { type: "string" }, status: { const: "draft" } } }),
          },
        },
        { body: ref("DeploymentCreate"), errors: ["400", "401", "403", "422", "500"] },
      ),
    },
    "/api/v1/deployments/adopt": {
      post: op(
        "Adopt an instance set up by hand (no mutating cloud call)",
        {
          "201": {
            description: "A succeeded deployment describing what exists",
            ...json({
              type: "object",
              properties: { id: { type: "string" }, status: { const: "succeeded" }, spec: ref("SpecV2") },
            }),
          },
        },
        { body: ref("Adopt"), errors: ["400", "401", "403", "404", "409", "422", "500"] },
      ),
    },
    "/api/v1/audit": {
      get: op(
        "Audit events, newest first, with the /audit page's filters",
        {
          "200": {
            description: "One page",
            ...json({
              type: "object",
              properties: {
                items: { type: "array", items: ref("AuditEvent") },
                events: { type: "array", items: ref("AuditEvent") },
                nextCursor: { type: ["string", "null"] },
              },
              required: ["items", "nextCursor"],
            }),
          },
        },
        {
          params: ["from", "to", "actor", "action", "resource", "deploymentId", "outcome", "cursor", "limit"].map(
            (name) => ({ name, in: "query", required: false, schema: { type: "string" } }),
          ),
          errors: ["400", "401", "403", "500"],
        },
      ),
    },
    "/api/v1/openapi.json": {
      get: op(
        "This document",
        { "200": { description: "OpenAPI 3.1", ...json({ type: "object" }) } },
        {
          security: false,
          errors: ["500"],
        },
      ),
    },
  };
}

export function openApiDocument(serverUrl?: string): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "EIPilot API",
      version: "1.0.0",
      description:
        'Deployments that give one Alibaba Cloud ECS instance several public IPs, and fleets that apply one config to many instances. Authenticate with a team API token: `Authorization: Bearer eip_…`. Errors: `{"error":{"code","message","problems":[{"path","message"}]}}`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    paths: paths(),
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "eip_…" } },
      schemas: {
        Error: schemaOf(errorSchema, "output"),
        Spec: { oneOf: [ref("SpecV2"), ref("SpecV1")] },
        SpecV2: schemaOf(deploymentSpecV2Schema, "input"),
        SpecV1: schemaOf(deploymentSpecV1Schema, "input"),
        DeploymentCreate: {
          ...schemaOf(deploymentCreateInput.omit({ spec: true }), "input"),
          properties: {
            ...(schemaOf(deploymentCreateInput.omit({ spec: true }), "input").properties as Json),
            spec: ref("Spec"),
          },
          required: ["name", "spec"],
        },
        Adopt: schemaOf(adoptInput, "input"),
        Teardown: schemaOf(teardownInput, "input"),
        TokenCreate: schemaOf(tokenCreateInput, "input"),
        Token: schemaOf(tokenSchema, "output"),
        CloudAccount: schemaOf(cloudAccountSchema, "output"),
        DeploymentSummary: schemaOf(deploymentSummarySchema, "output"),
        Deployment: schemaOf(deploymentSchema, "output"),
        Plan: schemaOf(planAnswer, "output"),
        DriftItem: schemaOf(driftItemSchema, "output"),
        AuditEvent: schemaOf(auditEventSchema, "output"),
        FleetSpec: schemaOf(fleetSpecSchema, "input"),
        FleetCreate: schemaOf(fleetCreateApiInput, "input"),
        FleetSpecPut: { type: "object", properties: { spec: ref("FleetSpec") }, required: ["spec"] },
        FleetTeardown: schemaOf(fleetTeardownApiInput, "input"),
        FleetSummary: schemaOf(fleetSummarySchema, "output"),
        Fleet: schemaOf(fleetSchema, "output"),
        FleetPlan: schemaOf(fleetPlanAnswer, "output"),
        FleetStarted: schemaOf(fleetStartedAnswer, "output"),
        FleetSpecChange: schemaOf(fleetSpecAnswer, "output"),
        FleetDrift: schemaOf(fleetDriftAnswer, "output"),
      },
    },
  };
}
