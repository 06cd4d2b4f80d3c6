import { z } from "zod";
import { id, teamId } from "./common.schema";

/** The account itself is checked by the service (cloudAccountInput), which names the field at fault. */
export const createCloudAccountInput = z.object({ teamId, account: z.unknown() });
export const cloudAccountIdInput = z.object({ teamId, id });
/** The rate is checked by the service (cloudAccountRateInput), which names the field at fault. */
export const updateCloudAccountRateInput = z.object({ teamId, id, rate: z.unknown() });
