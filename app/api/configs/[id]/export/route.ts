// Download a config revision as EIPilot JSON, an ROS template, Terraform, or
// (given the ENI's guest facts) the guest-OS bundle as a .tar.gz. Team members only.
import { z } from "zod";
import { requireTeam } from "@/lib/auth/session";
import { requestMeta } from "@/lib/server/safe-action";
import { renderExport } from "@/lib/configs/config.service";
import { errorResponse } from "@/lib/audit/http";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";

export const dynamic = "force-dynamic";

const query = z.object({
  format: z.enum(["json", "ros", "terraform", "bundle"]),
  revision: z.coerce.number().int().min(1).optional(),
  teamId: z.string().max(64).optional(),
  device: z.string().max(15).optional(),
  mac: z.string().max(17).optional(),
  primaryIp: z.string().max(15).optional(),
  secondaryIps: z.string().max(1000).optional(),
  prefixLength: z.coerce.number().int().optional(),
  gateway: z.string().max(15).optional(),
});

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const url = new URL(req.url);
    const q = query.safeParse(Object.fromEntries(url.searchParams));
    const ctx = await requireTeam(
      "configs.read",
      (q.success ? q.data.teamId : url.searchParams.get("teamId")) ?? undefined,
    );
    if (!q.success) throw new UserFacingError(msg("configs.exportParams"), { code: "INVALID_INPUT" });
    const { format, revision, mac, primaryIp, prefixLength, gateway, device, secondaryIps } = q.data;
    const guest =
      format === "bundle" && mac && primaryIp && prefixLength !== undefined && gateway
        ? {
            device,
            mac,
            primaryIp,
            prefixLength,
            gateway,
            secondaryIps: secondaryIps
              ? secondaryIps
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean)
              : undefined,
          }
        : undefined;
    const meta = await requestMeta();
    const out = await renderExport(
      ctx.team.teamId,
      { id: ctx.user.id, email: ctx.user.email, clientIp: meta.clientIp, userAgent: meta.userAgent },
      id,
      revision,
      format,
      guest,
    );
    return new Response(out.body, {
      headers: {
        "content-type": typeof out.body === "string" ? `${out.contentType}; charset=utf-8` : out.contentType,
        "content-disposition": `attachment; filename="${out.filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
