import { z } from "zod";
import { zmsg, ztext } from "@/lib/validation/messages";
import { CONFIG_FILE_MAX_BYTES, CONFIG_NAME_MAX, SHARE_MAX_HOURS } from "@/lib/configs/config.schema";
import { id, teamId } from "./common.schema";

// Human messages: an API client (or a form that skipped its own checks) reads them as they are.
const shareHoursMessage = zmsg("configs.shareHours", { max: SHARE_MAX_HOURS });
const shareHours = z
  .number(shareHoursMessage)
  .int(shareHoursMessage)
  .min(1, shareHoursMessage)
  .max(SHARE_MAX_HOURS, shareHoursMessage);
/** A config's name, description and tags (the service checks them fully, with its own messages). */
const meta = {
  name: z.string().max(CONFIG_NAME_MAX + 80, zmsg("configs.nameTooLong", { max: CONFIG_NAME_MAX })),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(64)).max(40).optional(),
};

export const createConfigInput = z.object({
  teamId,
  ...meta,
  spec: z.unknown(),
  message: z.string().max(500).optional(),
});
export const addRevisionInput = z.object({
  teamId,
  id,
  spec: z.unknown(),
  message: z.string().max(500).optional(),
  expectedRevision: z.number().int().optional(),
});
export const updateConfigMetaInput = z.object({ teamId, id, ...meta });
export const saveConfigFromDeploymentInput = z.object({ teamId, deploymentId: id, ...meta });
export const duplicateConfigInput = z.object({ teamId, id, name: z.string().max(200).optional() });
export const setArchivedInput = z.object({ teamId, id, archived: z.boolean() });
// A little headroom over the file limit so the service can report the size itself; past it (a 10 MB file
// sent around the form's own check), the same file-size message, with the size that was sent.
export const importConfigsInput = z.object({
  teamId,
  text: z.string().max(CONFIG_FILE_MAX_BYTES * 4, {
    error: (issue) =>
      ztext("import.tooLarge", {
        size: typeof issue.input === "string" ? new TextEncoder().encode(issue.input).length : 0,
        max: CONFIG_FILE_MAX_BYTES,
      }),
  }),
});
export const createShareLinkInput = z.object({
  teamId,
  id,
  revision: z.number().int().min(1).nullable().optional(),
  expiresInHours: shareHours,
});
export const revokeShareLinkInput = z.object({ teamId, linkId: id, configId: id });
