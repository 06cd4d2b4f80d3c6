import { z } from "zod";
import { id, teamId } from "./common.schema";

/** The team names where the act is recorded; sessions themselves are the user's, across teams. */
export const listSessionsInput = z.object({ teamId });
export const revokeSessionInput = z.object({ teamId, sessionId: id });
export const revokeOtherSessionsInput = z.object({ teamId });
export const revokeMemberSessionsInput = z.object({ teamId, memberId: id });
