import { z } from "zod";
import { anySpecSchema } from "@/lib/deploy/spec.schema";
import { refuseUnstorable } from "@/lib/validation/text";
import { id, teamId } from "./common.schema";

export const deploymentInput = z.object({ teamId, id });
/** `skipGuestRollback`: do not run rollback.sh through Cloud Assistant first (the operator runs it by hand). */
export const teardownInput = z.object({
  teamId,
  id,
  confirmName: z.string().max(200),
  skipGuestRollback: z.boolean().optional(),
});
/**
 * A Change: the whole desired spec (v1 or v2) of a deployment that exists. Checked here, so that each
 * problem is answered with its path; the service stores it as sent.
 */
export const changeInput = z.object({
  teamId,
  id,
  spec: z
    .record(z.string().max(64), z.unknown())
    .superRefine(refuseUnstorable("spec"))
    .superRefine((s, ctx) => {
      const r = anySpecSchema.safeParse(s);
      if (!r.success)
        for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
    }),
});
