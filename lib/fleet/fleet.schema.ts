// A fleet: one config on many instances of one account and region. Its spec is a deployment spec v2 without
// the instance (and without anything that exists once per instance: existing ENIs, explicit private IPs,
// existing EIPs): each member's deployment spec is this plus `instance: {mode:"existing", instanceId}`.
// Pure zod, no server imports: client forms import it too.
import { z } from "zod";
import {
  MAX_ENIS,
  deploymentSpecV2Schema,
  refineEipSlots,
  refineEniList,
  type DeploymentSpecV2Input,
} from "@/lib/deploy/spec.schema";
import type { ConfigSpec } from "@/lib/configs/config.schema";
import { plainText } from "@/lib/validation/text";
import { zmsg, ztext } from "@/lib/validation/messages";

export const FLEET_MAX_MEMBERS = 200;
export const FLEET_NAME_MAX = 120;

const id = (prefix: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^${prefix}-[a-z0-9]+$`), zmsg("spec.idShape", { prefix }));

/**
 * A member's ENI: the instance's own primary ENI, or a new secondary ENI — in the instance's own vSwitch and
 * first security group unless the fleet names others.
 */
export const fleetEniSpec = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("primary") }).strict(),
  z
    .object({
      mode: z.literal("create"),
      vSwitchId: id("vsw").optional(),
      securityGroupId: id("sg").optional(),
      name: z.string().min(2).max(128).optional(),
    })
    .strict(),
]);

export const fleetEniEntry = z
  .object({
    eni: fleetEniSpec,
    /** Counted: the cloud picks idle addresses on each instance. */
    privateIps: z
      .object({ mode: z.literal("count"), count: z.number().int().min(0).max(49) })
      .strict()
      .prefault({ mode: "count", count: 0 }),
    usePrimaryIp: z.boolean().optional(),
    /** One new pay-as-you-go EIP per item on each member. */
    eips: z.array(z.object({}).strict()).max(50).default([]),
  })
  .strict()
  .transform((e) => ({ ...e, usePrimaryIp: e.usePrimaryIp ?? e.eni.mode !== "primary" }))
  .superRefine((e, ctx) => refineEipSlots(e, ctx));

const v2 = deploymentSpecV2Schema.shape;
export const fleetSpecSchema = z
  .object({
    enis: z.array(fleetEniEntry).min(1).max(MAX_ENIS),
    // What is the same on every member: as in a deployment spec v2.
    eipAllocation: v2.eipAllocation,
    allowStopInstance: v2.allowStopInstance,
    os: v2.os,
    traffic: v2.traffic,
    eipQuota: v2.eipQuota,
    releaseRemovedEips: v2.releaseRemovedEips,
  })
  .strict()
  .superRefine((s, ctx) => refineEniList(s.enis, ctx));

export type FleetSpec = z.output<typeof fleetSpecSchema>;
export type FleetSpecInput = z.input<typeof fleetSpecSchema>;

/** Which instances: listed, or every instance of the region carrying a tag (resolved once, at creation). */
export const fleetSelectorSchema = z.union([
  z.object({ ids: z.array(id("i")).min(1).max(FLEET_MAX_MEMBERS) }).strict(),
  z
    .object({
      tag: z.object({ key: z.string().trim().min(1).max(128), value: z.string().max(128).optional() }).strict(),
    })
    .strict(),
]);
export type FleetSelector = z.output<typeof fleetSelectorSchema>;

export const rolloutSchema = z
  .object({
    /** Members run in parallel after the canary. */
    batchSize: z.number().int().min(1).max(50).default(1),
    /** Failed members that pause the rollout. */
    failureThreshold: z.number().int().min(1).max(FLEET_MAX_MEMBERS).default(1),
  })
  .strict()
  .prefault({});

export const fleetNameSchema = plainText("fleetName", { trim: true })
  .min(1, zmsg("fleet.nameRequired"))
  .max(FLEET_NAME_MAX);

/** Creating a fleet: a spec, or a team config (its latest revision, or the one named). */
export const fleetCreateSchema = z
  .object({
    name: fleetNameSchema,
    cloudAccountId: z.string().min(1).max(64),
    regionId: z
      .string()
      .regex(/^[a-z]{2}-[a-z0-9-]+$/, zmsg("configs.regionId"))
      .max(64),
    spec: fleetSpecSchema.optional(),
    configId: z.string().min(1).max(64).optional(),
    configRevision: z.number().int().min(1).optional(),
    instances: fleetSelectorSchema,
    rollout: rolloutSchema,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.spec === !v.configId) ctx.addIssue({ code: "custom", path: ["spec"], message: ztext("fleet.specOrConfig") });
  });
export type FleetCreateInput = z.input<typeof fleetCreateSchema>;

export const FLEET_STATUSES = [
  "draft",
  "rolling_out",
  "paused",
  "succeeded",
  "failed",
  "aborted",
  "tearing_down",
  "torn_down",
] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];
export const MEMBER_STATES = ["pending", "running", "succeeded", "failed", "aborted", "skipped"] as const;
export type MemberState = (typeof MEMBER_STATES)[number];
export type FleetPhase = "apply" | "teardown" | "repair";

/** The deployment spec of one member: the fleet spec on that instance (its own vSwitch / security group). */
export function memberSpec(
  spec: FleetSpec,
  at: { cloudAccountId: string; regionId: string; instanceId: string; vSwitchId: string; securityGroupId: string },
): DeploymentSpecV2Input {
  return {
    specVersion: 2,
    cloudAccountId: at.cloudAccountId,
    regionId: at.regionId,
    instance: { mode: "existing", instanceId: at.instanceId },
    enis: spec.enis.map((e) => ({
      eni:
        e.eni.mode === "primary"
          ? { mode: "primary" as const }
          : {
              mode: "create" as const,
              vSwitchId: e.eni.vSwitchId ?? at.vSwitchId,
              securityGroupId: e.eni.securityGroupId ?? at.securityGroupId,
              ...(e.eni.name ? { name: e.eni.name } : {}),
            },
      privateIps: e.privateIps,
      usePrimaryIp: e.usePrimaryIp,
      eips: e.eips.map(() => ({})),
    })),
    eipAllocation: spec.eipAllocation,
    allowStopInstance: spec.allowStopInstance,
    os: spec.os,
    traffic: spec.traffic,
    eipQuota: spec.eipQuota,
    releaseRemovedEips: spec.releaseRemovedEips,
  };
}

/** New EIPs one member allocates (every fleet EIP is allocated). */
export function eipsPerMember(spec: FleetSpec): number {
  return spec.enis.reduce((n, e) => n + e.eips.length, 0);
}

/**
 * A team config as a fleet spec: only what can be the same on every instance. An existing ENI, explicit
 * addresses, an existing EIP or a new instance belong to one instance: each is a problem (path + key).
 */
export function fleetSpecFromConfig(
  config: ConfigSpec,
): { ok: true; spec: FleetSpecInput } | { ok: false; problems: { path: string; key: FleetConfigProblem }[] } {
  const problems: { path: string; key: FleetConfigProblem }[] = [];
  if (config.instance.mode !== "existing") problems.push({ path: "instance", key: "configNewInstance" });
  config.enis.forEach((e, k) => {
    if (e.eni.mode === "existing") problems.push({ path: `enis.${k}.eni`, key: "configExistingEni" });
    if (e.privateIps.mode === "explicit") problems.push({ path: `enis.${k}.privateIps`, key: "configExplicitIps" });
    if (e.eips.some((x) => x.source === "existing" || x.privateIp))
      problems.push({ path: `enis.${k}.eips`, key: "configExistingEip" });
  });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    spec: {
      enis: config.enis.map((e) => ({
        eni:
          e.eni.mode === "primary"
            ? { mode: "primary" as const }
            : { mode: "create" as const, ...(e.eni.mode === "create" && e.eni.name ? { name: e.eni.name } : {}) },
        privateIps: { mode: "count" as const, count: e.privateIps.mode === "count" ? e.privateIps.count : 0 },
        usePrimaryIp: e.usePrimaryIp,
        eips: e.eips.map(() => ({})),
      })),
      eipAllocation: config.eipAllocation,
      allowStopInstance: config.allowStopInstance,
      os: config.os,
      traffic: config.traffic,
    },
  };
}
export type FleetConfigProblem = "configNewInstance" | "configExistingEni" | "configExplicitIps" | "configExistingEip";
