import { z } from "zod";
import { plainText } from "@/lib/validation/text";
import { zmsg } from "@/lib/validation/messages";

// Shared by the "Add cloud account" form (client) and the server action.
export const REGION_ID = /^[a-z]{2}(-[a-z0-9]+){1,3}$/;

const base = {
  name: plainText("accountName", { trim: true }).min(1, zmsg("cloud.nameRequired")).max(60, zmsg("cloud.nameTooLong")),
  defaultRegion: z.string().trim().max(64).regex(REGION_ID, zmsg("cloud.regionId")),
  accessKeyId: z
    .string()
    .trim()
    .max(128, zmsg("cloud.accessKeyId"))
    .regex(/^[A-Za-z0-9.]{12,128}$/, zmsg("cloud.accessKeyId")),
  accessKeySecret: plainText("accessKeySecret", { trim: true }).min(16, zmsg("cloud.secretTooShort")).max(256),
};

export const cloudAccountInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("access_key"), ...base }),
  z.object({
    kind: z.literal("sts"),
    ...base,
    securityToken: plainText("stsToken", { trim: true }).min(16, zmsg("cloud.stsToken")).max(4096),
  }),
  z.object({
    kind: z.literal("ram_role"),
    ...base,
    roleArn: z
      .string()
      .trim()
      .max(200)
      .regex(/^acs:ram::\d+:role\/[\w.+=,@-]{1,64}$/, zmsg("cloud.roleArn")),
  }),
]);
export type CloudAccountInput = z.infer<typeof cloudAccountInput>;
