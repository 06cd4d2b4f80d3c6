// Downloads of the stored guest-OS bundle: one file (?file=apply.sh) or the whole
// bundle as a .tar (POSIX ustar, modes kept). Team-scoped; latest version unless ?version=N.
import { requireTeam } from "@/lib/auth/session";
import { toActionError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { requestLocale } from "@/lib/i18n/request-locale";
import { getRouteScriptFiles } from "@/lib/deploy/bundle-files.service";
import { tarArchive } from "@/lib/os/tar";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const url = new URL(req.url);
  const locale = await requestLocale();
  try {
    const ctx = await requireTeam("deployments.read");
    const version = Number(url.searchParams.get("version")) || undefined;
    const bundle = await getRouteScriptFiles(ctx.team.teamId, id, version);
    if (!bundle) return Response.json({ ok: false, error: msg("guest.noBundleYet")(locale) }, { status: 404 });
    const file = url.searchParams.get("file");
    const base = `eipilot-${id}-v${bundle.version}`;
    if (file) {
      const f = bundle.files.find((x) => x.path === file);
      if (!f) return Response.json({ ok: false, error: msg("guest.noSuchFile")(locale) }, { status: 404 });
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
  } catch (e) {
    const err = toActionError(e, locale);
    return Response.json(err, { status: err.code === "UNAUTHENTICATED" ? 401 : err.code === "FORBIDDEN" ? 403 : 500 });
  }
}
