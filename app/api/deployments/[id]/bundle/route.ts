// Downloads of the stored guest-OS bundle: one file (?file=apply.sh) or the whole
// bundle as a .tar (POSIX ustar, modes kept). Team-scoped; latest version unless ?version=N.
import { routeHandler } from "@/lib/access/route-handler";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { getRouteScriptFiles } from "@/lib/deploy/bundle-files.service";
import { tarArchive } from "@/lib/os/tar";

export const dynamic = "force-dynamic";

/** ?version=N: a positive whole number, or absent (the latest). */
function versionOf(raw: string | null): number | undefined {
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserFacingError(msg("invalidInput"), { code: "INVALID_INPUT" });
  return n;
}

export const GET = routeHandler<{ id: string }>(
  { name: "deployments.bundle", capability: "deployments.read" },
  async (_req, ctx) => {
    const { id } = ctx.params;
    const version = versionOf(ctx.url.searchParams.get("version"));
    const bundle = await getRouteScriptFiles(ctx.team.teamId, id, version);
    if (bundle === "no-deployment") throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
    if (bundle === "no-bundle")
      throw new UserFacingError(version ? msg("guest.noSuchVersion", { version }) : msg("guest.noBundleYet"), {
        code: "NOT_FOUND",
      });
    const file = ctx.url.searchParams.get("file");
    const base = `eipilot-${id}-v${bundle.version}`;
    if (file) {
      const f = bundle.files.find((x) => x.path === file);
      if (!f) throw new UserFacingError(msg("guest.noSuchFile"), { code: "NOT_FOUND" });
      return new Response(f.content, {
        headers: {
          "content-type": "text/plain; charset=utf-8",
          "content-disposition": `attachment; filename="${f.path.split("/").pop()}"`,
          "x-sha256": f.sha256,
          "cache-control": "no-store",
        },
      });
    }
    const tar = tarArchive(bundle.files.map((f) => ({ path: `${base}/${f.path}`, content: f.content, mode: f.mode })));
    return new Response(new Uint8Array(tar), {
      headers: {
        "content-type": "application/x-tar",
        "content-disposition": `attachment; filename="${base}.tar"`,
        "cache-control": "no-store",
      },
    });
  },
);
