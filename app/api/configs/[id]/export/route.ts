// Download a config revision as EIPilot JSON, an ROS template, Terraform, or
// (given the ENI's guest facts) the guest-OS bundle as a .tar.gz. Team members only.
import { z } from "zod";
import { routeHandler } from "@/lib/access/route-handler";
import { renderExport } from "@/lib/configs/config.service";
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

export const GET = routeHandler<{ id: string }>(
  { name: "configs.export", capability: "configs.read" },
  async (_req, ctx) => {
    const q = query.safeParse(Object.fromEntries(ctx.url.searchParams));
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
    const out = await renderExport(ctx.team.teamId, ctx.actor, ctx.params.id, revision, format, guest);
    return new Response(out.body, {
      headers: {
        "content-type": typeof out.body === "string" ? `${out.contentType}; charset=utf-8` : out.contentType,
        "content-disposition": `attachment; filename="${out.filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
);
