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

export const deploymentSpecSchema = z
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
    eipAllocation: z
      .object({
        bandwidth: z.number().int().min(1).max(500).default(5),
        internetChargeType: z.enum(["PayByTraffic", "PayByBandwidth"]).default("PayByTraffic"),
        namePrefix: z.string().max(100).default("eipilot"),
      })
      .prefault({}),
    /** Some instance families attach ENIs only while stopped: may EIPilot stop and restart the instance? */
    allowStopInstance: z.boolean().default(false),
    os: z.enum(OS_FAMILIES),
    /** "policy-routes": outbound traffic leaves through each address's EIP; "inbound-only": no guest routes needed. */
    traffic: z.enum(["policy-routes", "inbound-only"]).default("policy-routes"),
    /** Account EIP quota used by pre-flight (documented default 20). */
    eipQuota: z.number().int().min(1).default(20),
  })
  .superRefine((s, ctx) => {
    const count = s.privateIps.mode === "explicit" ? s.privateIps.addresses.length : s.privateIps.count;
    const slots = count + (s.usePrimaryIp ? 1 : 0);
    if (s.eips.length > slots) {
      ctx.addIssue({
        code: "custom",
        path: ["eips"],
        message: ztext("spec.tooManyEips", { eips: s.eips.length, slots }),
      });
    }
    const ids = s.eips.map((e) => e.allocationId).filter(Boolean);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: "custom", path: ["eips"], message: ztext("spec.eipTwice") });
    const ips = s.eips.map((e) => e.privateIp).filter(Boolean);
    if (new Set(ips).size !== ips.length)
      ctx.addIssue({ code: "custom", path: ["eips"], message: ztext("spec.samePrivateIp") });
  });

export type DeploymentSpec = z.output<typeof deploymentSpecSchema>;
export type DeploymentSpecInput = z.input<typeof deploymentSpecSchema>;

/**
 * A draft may be incomplete; only the version is required, and anywhere in it
 * (keys too) nothing the database cannot store. The spec's fields are checked
 * by deploymentSpecSchema at review; that schema also reads stored specs to run
 * and tear down, so it gains no refusal that would strand a stored one.
 */
export const draftSpecSchema = z
  .object({ specVersion: z.literal(SPEC_VERSION) })
  .loose()
  .superRefine(refuseUnstorable("spec"));

/** The deployment's name, as typed in the wizard and quick deploy. */
export const draftNameSchema = plainText("deploymentName", { trim: true }).min(1, zmsg("deploy.nameRequired")).max(120);

export function parseSpec(input: unknown): DeploymentSpec {
  return deploymentSpecSchema.parse(input);
}
