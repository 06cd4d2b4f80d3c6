import { z } from "zod";
import { id, teamId } from "./common.schema";

export const guestInput = z.object({ teamId, id });
