import { z } from "zod";
import { plainText } from "@/lib/validation/text";

// Shared by the "Add cloud account" form (client) and the server action.
export const REGION_ID = /^[a-z]{2}(-[a-z0-9]+){1,3}$/;

const base = {
  name: plainText("The account name", { trim: true }).min(1, "Give the account a name").max(60, "At most 60 characters"),
  defaultRegion: z.string().trim().regex(REGION_ID, "A region id such as ap-northeast-1"),
  accessKeyId: z.string().trim().regex(/^[A-Za-z0-9.]{12,128}$/, "An AccessKey ID is 12–128 letters and digits"),
  accessKeySecret: plainText("The AccessKey secret", { trim: true }).min(16, "The AccessKey secret is at least 16 characters").max(256),
};

export const cloudAccountInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("access_key"), ...base }),
  z.object({ kind: z.literal("sts"), ...base, securityToken: plainText("The STS security token", { trim: true }).min(16, "Paste the STS security token").max(4096) }),
  z.object({
    kind: z.literal("ram_role"),
    ...base,
    roleArn: z.string().trim().regex(/^acs:ram::\d+:role\/[\w.+=,@-]{1,64}$/, "A role ARN such as acs:ram::1234567890123456:role/eipilot"),
  }),
]);
export type CloudAccountInput = z.infer<typeof cloudAccountInput>;
