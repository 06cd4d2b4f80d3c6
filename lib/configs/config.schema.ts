// A config is a deployment spec with everything that only exists in one
// account taken out: no credentials, no cloud account, no instance / ENI / EIP /
// vSwitch / security-group / key-pair / custom-image ids, no password. What is
// left is the shape — region, counts, OS family, traffic mode, instance type —
// which a team can share, diff, export and start new deployments from.
// Pure zod, no server imports: client forms import it too.
import { z } from "zod";
import {
  MAX_ENIS,
  OS_FAMILIES,
  refineEipSlots,
  refineEipTargets,
  refineEniList,
  secondaryCount,
  specInputToV2,
  type DeploymentSpec,
} from "@/lib/deploy/spec.schema";
import { plainText } from "@/lib/validation/text";
import { isIpv4 } from "@/lib/net/ipv4";
import { safeParseIn, zmsg, ztext } from "@/lib/validation/messages";
import type { Locale } from "@/lib/i18n/locales";

/** The version a config spec is written in now (spec v2: one or more ENIs). v1 revisions stay readable. */
export const CONFIG_SPEC_VERSION = 2 as const;
export const CONFIG_SPEC_VERSION_1 = 1 as const;
/** Version of the export/import file format (not of the spec inside it). */
export const CONFIG_FILE_SCHEMA_VERSION = 1 as const;
export const CONFIG_FILE_MAX_BYTES = 256 * 1024;
export const MAX_CONFIGS_PER_IMPORT = 100;
export const MAX_REVISIONS_PER_IMPORT = 50;
export const CONFIG_NAME_MAX = 120;
/** A share link lives at most 30 days. */
export const SHARE_MAX_HOURS = 24 * 30;

const ipv4 = z.string().refine(isIpv4, zmsg("spec.ipv4"));

// A revision is immutable and parsed again with this schema whenever it is read,
// so a spec field that gained a refusal would make stored revisions unreadable:
// its free-text fields refuse what the database could never have stored (NUL,
// unpaired surrogates) and what they refused before (the ENI name: control
// characters other than tab and line breaks), nothing more.
export const configInstance = z.discriminatedUnion("mode", [
  /** Bring your own instance: its id is given when the config is deployed. */
  z.object({ mode: z.literal("existing") }).strict(),
  z
    .object({
      mode: z.literal("create"),
      zoneId: plainText("zoneId", { rule: "storable" }).min(1).max(64),
      instanceType: z
        .string()
        .regex(/^ecs\.[a-z0-9.-]+$/, zmsg("configs.instanceType"))
        .max(64),
      /** Public image ids only; custom images (m-…) belong to one account. */
      imageId: plainText("imageId", { rule: "storable" })
        .min(1)
        .max(128)
        .refine((s) => !/^m-/.test(s), zmsg("configs.customImage"))
        .optional(),
      systemDiskCategory: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"]).default("cloud_essd"),
    })
    .strict(),
]);

export const configEni = z.discriminatedUnion("mode", [
  z
    .object({
      mode: z.literal("existing"),
      /**
       * The ENI's state when the config is deployed: "Available" (not attached:
       * the exports attach it) or "InUse" (already attached to the instance).
       * Absent in older configs: the exports then do not attach it, since
       * attaching an attached ENI fails (InvalidOperation.InvalidEniState).
       */
      status: z.enum(["Available", "InUse"]).optional(),
    })
    .strict(),
  z
    .object({ mode: z.literal("create"), name: plainText("eniName", { rule: "multiline" }).max(128).optional() })
    .strict(),
]);

export const configPrivateIps = z.discriminatedUnion("mode", [
  z
    .object({ mode: z.literal("explicit"), addresses: z.array(ipv4).max(49) })
    .strict()
    .refine((v) => new Set(v.addresses).size === v.addresses.length, {
      ...zmsg("spec.addressesUnique"),
      path: ["addresses"],
    }),
  z.object({ mode: z.literal("count"), count: z.number().int().min(0).max(49) }).strict(),
]);

export const configEip = z
  .object({
    /** "existing": the deployer picks one of their EIPs; "allocate": a new pay-as-you-go EIP. */
    source: z.enum(["existing", "allocate"]),
    privateIp: ipv4.optional(),
  })
  .strict();

/** The shared fields of both config versions. */
const configCommon = {
  regionId: z
    .string()
    .regex(/^[a-z]{2}-[a-z0-9-]+$/, zmsg("configs.regionId"))
    .max(64),
  instance: configInstance,
  eipAllocation: z
    .object({
      bandwidth: z.number().int().min(1).max(500).default(5),
      internetChargeType: z.enum(["PayByTraffic", "PayByBandwidth"]).default("PayByTraffic"),
      namePrefix: z
        .string()
        .regex(/^[A-Za-z0-9_.:-]*$/, zmsg("configs.namePrefixChars"))
        .max(100)
        .default("eipilot"),
    })
    .strict()
    .prefault({}),
  allowStopInstance: z.boolean().default(false),
  os: z.enum(OS_FAMILIES),
  traffic: z.enum(["policy-routes", "inbound-only"]).default("policy-routes"),
};

/** Config spec v1 (one secondary ENI at the top), as stored before spec v2. Read through configSpecSchema as v2. */
export const configSpecV1Schema = z
  .object({
    configSpecVersion: z.literal(CONFIG_SPEC_VERSION_1),
    ...configCommon,
    eni: configEni,
    privateIps: configPrivateIps,
    usePrimaryIp: z.boolean().default(true),
    eips: z.array(configEip).min(1).max(50),
  })
  .strict()
  .superRefine((s, ctx) => {
    refineEipSlots(s, ctx);
    refineEipTargets(s, ctx);
  });

/** An ENI of a v2 config: an existing or created secondary ENI, or the instance's own primary ENI. */
export const configEniV2 = z.discriminatedUnion("mode", [
  ...configEni.options,
  z.object({ mode: z.literal("primary") }).strict(),
]);

export const configEniEntry = z
  .object({
    eni: configEniV2,
    privateIps: configPrivateIps.prefault({ mode: "count", count: 0 }),
    /** Absent: true for a secondary ENI, false for the primary ENI (its primary IP is the instance's own address). */
    usePrimaryIp: z.boolean().optional(),
    eips: z.array(configEip).max(50).default([]),
  })
  .strict()
  .transform((e) => ({ ...e, usePrimaryIp: e.usePrimaryIp ?? e.eni.mode !== "primary" }))
  .superRefine((e, ctx) => {
    refineEipSlots(e, ctx);
    refineEipTargets(e, ctx);
  });

export const configSpecV2Schema = z
  .object({
    configSpecVersion: z.literal(CONFIG_SPEC_VERSION),
    ...configCommon,
    enis: z.array(configEniEntry).min(1).max(MAX_ENIS),
  })
  .strict()
  .superRefine((s, ctx) => {
    refineEniList(s.enis, ctx);
    const explicit = s.enis.flatMap((e) => (e.privateIps.mode === "explicit" ? e.privateIps.addresses : []));
    if (new Set(explicit).size !== explicit.length)
      ctx.addIssue({ code: "custom", path: ["enis"], message: ztext("spec.addressesUnique") });
  });

/** A v1 config spec as v2 input: its one ENI becomes `enis[0]`. Anything else is left as it is. */
export function configSpecInputToV2(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const s = input as Record<string, unknown>;
  if (s.configSpecVersion !== CONFIG_SPEC_VERSION_1) return input;
  const v1 = configSpecV1Schema.safeParse(s);
  // A v1 spec with problems is reported as v1 problems would have been, at v1 paths.
  if (!v1.success) return input;
  const { eni, privateIps, usePrimaryIp, eips, configSpecVersion: _v1, ...rest } = v1.data;
  return { ...rest, configSpecVersion: CONFIG_SPEC_VERSION, enis: [{ eni, privateIps, usePrimaryIp, eips }] };
}

/**
 * Every stored or submitted config spec, v1 or v2, validated and read as v2
 * (a v1 spec is one secondary ENI). Stored revisions stay as they were written.
 */
export const configSpecSchema = z
  .preprocess(configSpecInputToV2, z.discriminatedUnion("configSpecVersion", [configSpecV2Schema, configSpecV1Schema]))
  // A v1 spec that passes its schema was read as v2 above; one that does not is refused.
  .transform((s) => s as ConfigSpecV2);

export type ConfigSpecV2 = z.output<typeof configSpecV2Schema>;
export type ConfigSpec = ConfigSpecV2;
export type ConfigEniEntry = ConfigSpec["enis"][number];
export type ConfigSpecInput = z.input<typeof configSpecV2Schema> | z.input<typeof configSpecV1Schema>;

/** A config ENI's secondary private IPs (the same count as a deployment's ENI). */
export { secondaryCount };

/** Every EIP of the config, in order. */
export function configEips(spec: ConfigSpec): ConfigEniEntry["eips"] {
  return spec.enis.flatMap((e) => e.eips);
}

/** A stored or submitted entry's ENI, stripped of its account-specific ids. */
function configEniFrom(eni: Record<string, unknown> | undefined): Record<string, unknown> {
  if (eni?.mode === "create") return { mode: "create", ...(typeof eni.name === "string" ? { name: eni.name } : {}) };
  if (eni?.mode === "primary") return { mode: "primary" };
  // EIPilot attaches an existing ENI only while it is Available (pre-flight refuses another
  // instance's): the setup this config reproduces starts from such an ENI, so exports attach it.
  return { mode: "existing", status: "Available" };
}

/**
 * Strips every credential and account-specific id from a deployment spec, v1
 * or v2 (a draft may be incomplete: missing parts become errors of the result,
 * written in `locale`). Every ENI is kept.
 */
export function configSpecFromDeployment(
  spec: DeploymentSpec | Record<string, unknown>,
  locale: Locale = "en",
): z.ZodSafeParseResult<ConfigSpec> {
  const s = specInputToV2(spec) as Record<string, unknown>;
  const inst = s.instance as Record<string, unknown> | undefined;
  const enis = Array.isArray(s.enis) ? (s.enis as Array<Record<string, unknown> | undefined>) : undefined;
  const candidate = {
    configSpecVersion: CONFIG_SPEC_VERSION,
    regionId: s.regionId,
    instance:
      inst?.mode === "create"
        ? {
            mode: "create",
            zoneId: inst.zoneId,
            instanceType: inst.instanceType,
            systemDiskCategory: inst.systemDiskCategory,
            ...(typeof inst.imageId === "string" && !inst.imageId.startsWith("m-") ? { imageId: inst.imageId } : {}),
          }
        : { mode: "existing" },
    enis: enis?.map((e) => ({
      eni: configEniFrom(e?.eni as Record<string, unknown> | undefined),
      privateIps: e?.privateIps,
      usePrimaryIp: e?.usePrimaryIp,
      eips: Array.isArray(e?.eips)
        ? (e.eips as Array<Record<string, unknown> | undefined>).map((x) => ({
            source: x && typeof x === "object" && x.allocationId ? "existing" : "allocate",
            ...(x?.privateIp ? { privateIp: x.privateIp } : {}),
          }))
        : undefined,
    })),
    eipAllocation: s.eipAllocation,
    allowStopInstance: s.allowStopInstance,
    os: s.os,
    traffic: s.traffic,
  };
  return safeParseIn(locale, configSpecSchema, candidate);
}

// ---------------------------------------------------------------- metadata and files

/** Names and descriptions are plain text: stored as given, always rendered escaped. */
export const configNameSchema = plainText("configName", { trim: true })
  .min(1, zmsg("configs.nameRequired"))
  .max(CONFIG_NAME_MAX, zmsg("configs.nameTooLong", { max: CONFIG_NAME_MAX }));
export const configDescriptionSchema = plainText("description", { rule: "multiline" }).max(2000).default("");
export const configMessageSchema = plainText("revisionMessage", { rule: "multiline" }).max(500).default("");
export const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[\p{L}\p{N}_.:\/-]+$/u, zmsg("configs.tagChars"));
export const tagsSchema = z
  .array(tagSchema)
  .max(20)
  .default([])
  .transform((t) => [...new Set(t)]);

export const configMetaSchema = z.object({
  name: configNameSchema,
  description: configDescriptionSchema,
  tags: tagsSchema,
});

/** One config in an export file: its revisions oldest first. */
export const configFileEntrySchema = z
  .object({
    name: configNameSchema,
    description: configDescriptionSchema,
    tags: tagsSchema,
    revisions: z
      .array(
        z
          .object({
            revision: z.number().int().min(1),
            message: configMessageSchema,
            spec: configSpecSchema,
          })
          .strict(),
      )
      .min(1)
      .max(MAX_REVISIONS_PER_IMPORT),
  })
  .strict();

export const configFileSchema = z
  .object({
    schemaVersion: z.literal(
      CONFIG_FILE_SCHEMA_VERSION,
      zmsg("configs.schemaVersion", { version: CONFIG_FILE_SCHEMA_VERSION }),
    ),
    kind: z.literal("eipilot.configs"),
    exportedAt: z.string().optional(),
    configs: z.array(configFileEntrySchema).min(1).max(MAX_CONFIGS_PER_IMPORT),
  })
  .strict();

export type ConfigFile = z.output<typeof configFileSchema>;

/**
 * The wizard's starting point for "start a new deployment from this config"
 * (/deployments/new?config=<id>&revision=<n>): a draft DeploymentSpec with the
 * config's shape and every account-specific choice left for the user (cloud
 * account, instance id, vSwitch / security group, existing ENI and EIP ids).
 * A config with one secondary ENI gives a v1 draft (what every wizard reads);
 * one with several ENIs or the primary ENI gives a v2 draft with all of them.
 */
export function draftFromConfig(spec: ConfigSpec): Record<string, unknown> {
  const enis = spec.enis.map((e) => ({
    eni:
      e.eni.mode === "create"
        ? { mode: "create", ...(e.eni.name ? { name: e.eni.name } : {}) }
        : e.eni.mode === "primary"
          ? { mode: "primary" }
          : { mode: "existing" },
    privateIps: e.privateIps,
    usePrimaryIp: e.usePrimaryIp,
    // An "existing" EIP has no allocationId yet: the wizard asks which one.
    eips: e.eips.map((x) => ({
      ...(x.privateIp ? { privateIp: x.privateIp } : {}),
      ...(x.source === "existing" ? { allocationId: undefined, pickExisting: true } : {}),
    })),
  }));
  const common = {
    regionId: spec.regionId,
    instance:
      spec.instance.mode === "create"
        ? {
            mode: "create",
            zoneId: spec.instance.zoneId,
            instanceType: spec.instance.instanceType,
            systemDiskCategory: spec.instance.systemDiskCategory,
            ...(spec.instance.imageId ? { imageId: spec.instance.imageId } : {}),
          }
        : { mode: "existing" },
  };
  const rest = {
    eipAllocation: spec.eipAllocation,
    allowStopInstance: spec.allowStopInstance,
    os: spec.os,
    traffic: spec.traffic,
  };
  const only = enis.length === 1 && spec.enis[0]!.eni.mode !== "primary" ? enis[0]! : null;
  return only ? { specVersion: 1, ...common, ...only, ...rest } : { specVersion: 2, ...common, enis, ...rest };
}
