// The HTTP API v1's request bodies and answers (DESIGN.md contract 5), in zod. The route handlers
// parse with the request schemas; the OpenAPI document (openapi.ts) is generated from all of them.
import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";
import { anySpecSchema, draftNameSchema, OS_FAMILIES } from "@/lib/deploy/spec.schema";
import { plainText } from "@/lib/validation/text";
import { auditFilterSchema } from "@/lib/audit/audit.queries";
import { zmsg } from "@/lib/validation/messages";

/** What a client reads as `status`, whatever the engine calls it inside. */
export const API_STATUSES = [
  "draft",
  "applying",
  "succeeded",
  "failed",
  "drifted",
  "tearing_down",
  "torn_down",
] as const;
export type ApiStatus = (typeof API_STATUSES)[number];

// ---------------------------------------------------------------- requests

export const tokenCreateInput = z.object({
  name: plainText("tokenName", { trim: true }).min(1, zmsg("apiTokens.nameRequired")).max(100),
  role: z.enum(ROLES),
});

export const deploymentCreateInput = z.object({ name: draftNameSchema, spec: anySpecSchema });
export const deploymentSpecInput = z.object({ spec: anySpecSchema });
export const teardownInput = z.object({ confirm: z.string().max(200) });
export const adoptInput = z.object({
  name: draftNameSchema,
  cloudAccountId: z.string().min(1).max(64),
  regionId: z.string().min(1).max(64),
  instanceId: z
    .string()
    .trim()
    .max(64)
    .regex(/^i-[a-z0-9]+$/, zmsg("spec.idShape", { prefix: "i" })),
  /** The guest OS family for the bundle; absent: read from the instance's image when it can be, else generic. */
  os: z.enum(OS_FAMILIES).optional(),
});

// ---------------------------------------------------------------- answers

export const findingSchema = z.object({
  severity: z.enum(["error", "warning", "notice"]),
  code: z.string(),
  message: z.string(),
  fix: z.string().optional(),
});

export const problemSchema = z.object({ path: z.string(), message: z.string() });
export const errorSchema = z.object({
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      problems: z.array(problemSchema),
      findings: z.array(findingSchema).optional().describe("422 only: the pre-flight findings"),
      ref: z.string().optional().describe("500 only: the id of the server's log line"),
      requestId: z.string().optional().describe("a cloud error's RequestId"),
    })
    .loose(),
});

export const stepSchema = z.object({
  action: z.string().describe("the Alibaba Cloud API action, e.g. AssociateEipAddress"),
  params: z.record(z.string(), z.unknown()).describe('its parameters; {"$ref": …} names a value an earlier step makes'),
  description: z.string().optional(),
});

export const planAnswer = z.object({ findings: z.array(findingSchema), steps: z.array(stepSchema) });

export const driftItemSchema = z
  .object({ resource: z.string(), field: z.string(), expected: z.string(), actual: z.string(), message: z.string() })
  .loose();

export const eipRefSchema = z.object({ allocationId: z.string(), ipAddress: z.string() });
export const resourcesSchema = z.object({
  instanceId: z.string().nullable(),
  enis: z.array(
    z.object({
      networkInterfaceId: z.string().nullable(),
      privateIps: z.array(z.object({ address: z.string(), primary: z.boolean(), eip: eipRefSchema.nullable() })),
    }),
  ),
});

export const deploymentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(API_STATUSES),
  regionId: z.string().nullable(),
  instanceId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const deploymentSchema = deploymentSummarySchema.extend({
  spec: z.record(z.string(), z.unknown()).describe("the desired state, as spec v2 (a v1 spec is shown as v2)"),
  resources: resourcesSchema,
  drift: z.array(driftItemSchema),
  error: z.unknown().optional(),
  steps: z
    .array(z.object({ action: z.string(), status: z.string(), attempts: z.number(), error: z.unknown() }).loose())
    .optional(),
});

export const cloudAccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["access_key", "sts", "ram_role", "demo"]),
  defaultRegion: z.string(),
  emulator: z
    .object({ endpoint: z.string(), accessKeyId: z.string(), accessKeySecret: z.string() })
    .optional()
    .describe("demo accounts only: the team's emulator and its (non-secret) demo key pair"),
});

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  prefix: z.string(),
  createdById: z.string(),
  createdByEmail: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const auditEventSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorLabel: z.string().nullable(),
    action: z.string(),
    targets: z.array(z.string()),
    deploymentId: z.string().nullable(),
    outcome: z.string(),
  })
  .loose();

/** GET /api/v1/audit's query: the /audit page's filters, a cursor from the previous page and a page size. */
export const auditQuery = auditFilterSchema.extend({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
