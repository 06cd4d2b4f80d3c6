import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";
import { plainText } from "@/lib/validation/text";
import { zmsg } from "@/lib/validation/messages";
import { id, teamId } from "./common.schema";

export const createApiTokenInput = z.object({
  teamId,
  name: plainText("tokenName", { trim: true }).min(1, zmsg("apiTokens.nameRequired")).max(100),
  role: z.enum(ROLES),
});
export const revokeApiTokenInput = z.object({ teamId, id });
