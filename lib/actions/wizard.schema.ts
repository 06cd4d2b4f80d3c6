import { z } from "zod";
import { zmsg } from "@/lib/validation/messages";
import { isCidr, isIpv4 } from "@/lib/net/ipv4";
import { draftNameSchema, draftSpecSchema, OS_FAMILIES, SPEC_VERSION, SPEC_VERSION_2 } from "@/lib/deploy/spec.schema";
import { id, teamId } from "./common.schema";

const regionId = z.string().min(1).max(64);

export const inventoryInput = z.object({
  teamId,
  cloudAccountId: id,
  regionId,
  instanceId: z.string().max(64).nullish(),
});
export const locateEipInput = z.object({
  teamId,
  cloudAccountId: id,
  regionId,
  allocationId: z
    .string()
    .max(64)
    .regex(/^eip-[a-z0-9]+$/, zmsg("spec.idShape", { prefix: "eip" })),
});

/** The spec may be incomplete; its version is ours to stamp (v2 when it lists `enis`, else v1). */
const draftSpec = z
  .record(z.string().max(64), z.unknown())
  .transform((s) => ({ ...s, specVersion: ("enis" in s ? SPEC_VERSION_2 : SPEC_VERSION) as 1 | 2 }))
  .pipe(draftSpecSchema);
/** Creates the draft on first save (no id), updates it afterwards. */
export const saveDraftInput = z.object({ teamId, id: id.nullish(), name: draftNameSchema, spec: draftSpec });
export const draftInput = z.object({ teamId, id });

const ipv4 = z.string().max(15).refine(isIpv4, zmsg("spec.ipv4"));
export const previewBundleInput = z.object({
  teamId,
  os: z.enum(OS_FAMILIES),
  mac: z.string().max(32),
  primaryIp: ipv4,
  secondaryIps: z.array(ipv4).max(50),
  cidr: z.string().max(18).refine(isCidr),
  eips: z.record(z.string().max(15), z.string().max(15)).optional(),
  /** The bundle installs the guest agent. */
  agent: z.boolean().optional(),
});
