import { z } from "zod";
import { id, teamId } from "./common.schema";

export const deploymentInput = z.object({ teamId, id });
/** `skipGuestRollback`: do not run rollback.sh through Cloud Assistant first (the operator runs it by hand). */
export const teardownInput = z.object({
  teamId,
  id,
  confirmName: z.string(),
  skipGuestRollback: z.boolean().optional(),
});
