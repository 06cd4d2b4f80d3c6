// DeploymentSpec v1 — what the user asks for ("give instance i-… N public IPs").
// Pure zod, no server imports: client forms import it too.
import { z } from "zod";
import { OS_FAMILIES } from "@/lib/os/os-families";
import { plainText, refuseUnstorable } from "@/lib/validation/text";
import { isIpv4 } from "@/lib/net/ipv4";
import { zmsg, ztext } from "@/lib/validation/messages";

export { OS_FAMILIES };
export const SPEC_VERSION = 1 as const;

const ipv4 = z.string().refine(isIpv4, zmsg("spec.ipv4"));
const id = (prefix: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^${prefix}-[a-z0-9]+$`), zmsg("spec.idShape", { prefix }));

export const instanceSpec = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("existing"), instanceId: id("i") }),
  z
    .object({
      mode: z.literal("create"),
      zoneId: z.string().min(1),
      instanceType: z.string().regex(/^ecs\./),
      imageId: z.string().min(1),
      systemDiskCategory: z.enum(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"]).default("cloud_essd"),
      vSwitchId: id("vsw"),
      securityGroupId: id("sg"),
      instanceName: z.string().min(2).max(128).optional(),
      /** Exactly one of password / keyPairName. The password is never stored in the audit trail. */
      password: z.string().min(8).max(30).optional(),
      keyPairName: z.string().min(2).max(128).optional(),
    })
    .refine((v) => !!v.password !== !!v.keyPairName, { ...zmsg("spec.passwordOrKeyPair"), path: ["password"] }),
]);

export const eniSpec = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("existing"), networkInterfaceId: id("eni") }),
  z.object({
    mode: z.literal("create"),
    vSwitchId: id("vsw"),
    securityGroupId: id("sg"),
    name: z.string().min(2).max(128).optional(),
  }),
]);

export const privateIpsSpec = z.discriminatedUnion("mode", [
  /** Explicit secondary addresses inside the ENI's vSwitch CIDR. */
  z
    .object({ mode: z.literal("explicit"), addresses: z.array(ipv4).max(49) })
    .refine((v) => new Set(v.addresses).size === v.addresses.length, {
      ...zmsg("spec.addressesUnique"),
      path: ["addresses"],
    }),
  /** Let the cloud pick `count` idle addresses. */
  z.object({ mode: z.literal("count"), count: z.number().int().min(0).max(49) }),
]);

export const eipItem = z.object({
  /** An existing EIP; absent = allocate a new pay-as-you-go EIP. */
  allocationId: id("eip").optional(),
  /** The private IP it maps to; absent = next address in order (ENI primary IP first if usePrimaryIp, then the secondaries). */
  privateIp: ipv4.optional(),
});

/** For allocated EIPs (bandwidth, billing, names). */
const eipAllocationSpec = z
  .object({
    bandwidth: z.number().int().min(1).max(500).default(5),
    internetChargeType: z.enum(["PayByTraffic", "PayByBandwidth"]).default("PayByTraffic"),
    namePrefix: z.string().max(100).default("eipilot"),
  })
  .prefault({});

type PrivateIpsLike = { mode: "explicit"; addresses: string[] } | { mode: "count"; count: number };
/** One ENI's EIPs and the addresses they map to: a spec's or a config's, v1 (the spec itself) or v2 (an entry). */
type EniEips = {
  eni?: { mode: string };
  privateIps: PrivateIpsLike;
  usePrimaryIp: boolean;
  eips: ReadonlyArray<{ privateIp?: string }>;
};

/** The ENI's secondary private IPs: listed, or counted for the cloud to pick. */
export function secondaryCount(e: { privateIps: PrivateIpsLike }): number {
  return e.privateIps.mode === "explicit" ? e.privateIps.addresses.length : e.privateIps.count;
}

/** No more EIPs than the ENI has addresses for (the primary ENI's primary IP is never one of them). */
export function refineEipSlots(e: EniEips, ctx: z.RefinementCtx): void {
  if (e.eni?.mode === "primary" && e.usePrimaryIp)
    ctx.addIssue({ code: "custom", path: ["usePrimaryIp"], message: ztext("spec.primaryEniPrimaryIp") });
  const slots = secondaryCount(e) + (e.usePrimaryIp ? 1 : 0);
  if (e.eips.length > slots)
    ctx.addIssue({
      code: "custom",
      path: ["eips"],
      message: ztext("spec.tooManyEips", { eips: e.eips.length, slots }),
    });
}

/** No two EIPs mapped to the same private IP. */
export function refineEipTargets(e: Pick<EniEips, "eips">, ctx: z.RefinementCtx): void {
  const ips = e.eips.map((x) => x.privateIp).filter(Boolean);
  if (new Set(ips).size !== ips.length)
    ctx.addIssue({ code: "custom", path: ["eips"], message: ztext("spec.samePrivateIp") });
}

/** Spec v1 (one ENI at the top). Stored v1 specs are read through `deploymentSpecSchema`, which yields v2. */
export const deploymentSpecV1Schema = z
  .object({
    specVersion: z.literal(SPEC_VERSION),
    cloudAccountId: z.string().min(1),
    regionId: z.string().min(1),
    instance: instanceSpec,
    eni: eniSpec,
    privateIps: privateIpsSpec,
    /** The ENI's primary IP carries an EIP too (as in the source document). */
    usePrimaryIp: z.boolean().default(true),
    eips: z.array(eipItem).min(1).max(50),
    /** For allocated EIPs. */
    eipAllocation: eipAllocationSpec,
    /** Some instance families attach ENIs only while stopped: may EIPilot stop and restart the instance? */
    allowStopInstance: z.boolean().default(false),
    os: z.enum(OS_FAMILIES),
    /** "policy-routes": outbound traffic leaves through each address's EIP; "inbound-only": no guest routes needed. */
    traffic: z.enum(["policy-routes", "inbound-only"]).default("policy-routes"),
    /** Account EIP quota used by pre-flight (documented default 20). */
    eipQuota: z.number().int().min(1).default(20),
  })
  .superRefine((s, ctx) => {
    refineEipSlots(s, ctx);
    const ids = s.eips.map((e) => e.allocationId).filter(Boolean);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: "custom", path: ["eips"], message: ztext("spec.eipTwice") });
    refineEipTargets(s, ctx);
  });

export type DeploymentSpecV1 = z.output<typeof deploymentSpecV1Schema>;
export type DeploymentSpecV1Input = z.input<typeof deploymentSpecV1Schema>;

/**
 * A draft may be incomplete; only the version is required, and anywhere in it
 * (keys too) nothing the database cannot store. The spec's fields are checked
 * by deploymentSpecSchema at review; that schema also reads stored specs to run
 * and tear down, so it gains no refusal that would strand a stored one.
 */
export const draftSpecSchema = z
  .object({ specVersion: z.union([z.literal(SPEC_VERSION), z.literal(2)]) })
  .loose()
  .superRefine(refuseUnstorable("spec"));

/** The deployment's name, as typed in the wizard and quick deploy. */
export const draftNameSchema = plainText("deploymentName", { trim: true }).min(1, zmsg("deploy.nameRequired")).max(120);

// ---------------------------------------------------------------------------------------------
// Deployment spec v2 (DESIGN.md contract 5): one instance, one or more ENIs — secondary ENIs
// (existing or created) or the instance's own primary ENI — each with its own private IPs,
// "primary IP gets an EIP too" flag and EIPs. v1 is read as one ENI (`specToV2`).
// ---------------------------------------------------------------------------------------------
export const SPEC_VERSION_2 = 2 as const;
/** Secondary ENIs an instance can take is bounded by its type; 8 is far above what the wizard offers. */
export const MAX_ENIS = 8;

export const eniSpecV2 = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("existing"), networkInterfaceId: id("eni") }),
  z.object({
    mode: z.literal("create"),
    vSwitchId: id("vsw"),
    securityGroupId: id("sg"),
    name: z.string().min(2).max(128).optional(),
  }),
  /** The instance's own primary ENI: NAT-mode EIPs on its secondary private IPs, no policy routes in the guest. */
  z.object({ mode: z.literal("primary") }),
]);

export const eniEntrySpec = z
  .object({
    eni: eniSpecV2,
    privateIps: privateIpsSpec.prefault({ mode: "count", count: 0 }),
    /**
     * The ENI's primary IP carries an EIP too (as in the source document). Absent: true for a secondary
     * ENI, false for the primary ENI (its primary IP is the instance's own address, not ours to re-point).
     */
    usePrimaryIp: z.boolean().optional(),
    eips: z.array(eipItem).max(50).default([]),
  })
  .transform((e) => ({ ...e, usePrimaryIp: e.usePrimaryIp ?? e.eni.mode !== "primary" }))
  .superRefine((e, ctx) => {
    refineEipSlots(e, ctx);
    refineEipTargets(e, ctx);
  });

/** A spec's (or config's, or fleet's) ENI list: at least one EIP in all, the primary ENI at most once. */
export function refineEniList(
  enis: ReadonlyArray<{ eni: { mode: string }; eips: readonly unknown[] }>,
  ctx: z.RefinementCtx,
): void {
  if (enis.every((e) => e.eips.length === 0))
    ctx.addIssue({ code: "custom", path: ["enis"], message: ztext("spec.noEips") });
  if (enis.filter((e) => e.eni.mode === "primary").length > 1)
    ctx.addIssue({ code: "custom", path: ["enis"], message: ztext("spec.primaryEniTwice") });
}

export const deploymentSpecV2Schema = z
  .object({
    specVersion: z.literal(SPEC_VERSION_2),
    cloudAccountId: z.string().min(1),
    regionId: z.string().min(1),
    instance: instanceSpec,
    enis: z.array(eniEntrySpec).min(1).max(MAX_ENIS),
    eipAllocation: eipAllocationSpec,
    allowStopInstance: z.boolean().default(false),
    os: z.enum(OS_FAMILIES),
    traffic: z.enum(["policy-routes", "inbound-only"]).default("policy-routes"),
    eipQuota: z.number().int().min(1).default(20),
    /**
     * A change that removes or replaces an EIP this deployment allocated releases it (true) or keeps it
     * in the account, unassociated and no longer tracked by the deployment (false, the default).
     */
    releaseRemovedEips: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    refineEniList(s.enis, ctx);
    const eniIds = s.enis.flatMap((e) => (e.eni.mode === "existing" ? [e.eni.networkInterfaceId] : []));
    if (new Set(eniIds).size !== eniIds.length)
      ctx.addIssue({ code: "custom", path: ["enis"], message: ztext("spec.eniTwice") });
    const allocationIds = s.enis.flatMap((e) => e.eips.map((x) => x.allocationId)).filter(Boolean);
    if (new Set(allocationIds).size !== allocationIds.length)
      ctx.addIssue({ code: "custom", path: ["enis"], message: ztext("spec.eipTwice") });
    const explicit = s.enis.flatMap((e) => (e.privateIps.mode === "explicit" ? e.privateIps.addresses : []));
    if (new Set(explicit).size !== explicit.length)
      ctx.addIssue({ code: "custom", path: ["enis"], message: ztext("spec.addressesUnique") });
  });

export type DeploymentSpecV2 = z.output<typeof deploymentSpecV2Schema>;
export type DeploymentSpecV2Input = z.input<typeof deploymentSpecV2Schema>;
export type EniEntry = DeploymentSpecV2["enis"][number];

/** A v1 spec (or anything shaped like one) as v2 input: its one ENI becomes `enis[0]`. Other input is left as it is. */
export function specInputToV2(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const s = input as Record<string, unknown>;
  if (s.specVersion !== SPEC_VERSION) return input;
  const { eni, privateIps, usePrimaryIp, eips, specVersion: _v1, ...rest } = s;
  return { ...rest, specVersion: SPEC_VERSION_2, enis: [{ eni, privateIps, usePrimaryIp, eips }] };
}

/** Any stored or submitted spec, v1 or v2, validated and read as v2. */
export const anySpecSchema = z.preprocess(specInputToV2, deploymentSpecV2Schema);

/** The engine's one spec type: v2 (a stored v1 spec is read as v2 with one ENI). */
export type DeploymentSpec = DeploymentSpecV2;
export type DeploymentSpecInput = DeploymentSpecV1Input | DeploymentSpecV2Input;

/** Reads stored and submitted specs, v1 or v2, as v2 (the engine's services parse with it). */
export const deploymentSpecSchema = anySpecSchema;

export function parseSpec(input: unknown): DeploymentSpec {
  return deploymentSpecSchema.parse(input);
}

/** The number of secondary private IPs an ENI entry asks for. */
/** Every EIP of the spec with its ENI index and its index in that ENI's list, in order. */
export function allEips(spec: DeploymentSpec): Array<{ eni: number; index: number; eip: EniEntry["eips"][number] }> {
  return spec.enis.flatMap((e, eni) => e.eips.map((eip, index) => ({ eni, index, eip })));
}
