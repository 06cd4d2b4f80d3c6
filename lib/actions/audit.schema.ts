import { z } from "zod";
import { teamId } from "./common.schema";

export const verifyAuditChainInput = z.object({ teamId });
