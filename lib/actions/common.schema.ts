// Pieces every action input shares. The input always names its team: there is
// no fallback to the session's active team.
import { z } from "zod";

export const teamId = z.string().min(1).max(64);
/** A row's id (deployment, config, account, member…). */
export const id = z.string().min(1).max(64);
