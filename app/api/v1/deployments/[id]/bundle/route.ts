// GET /api/v1/deployments/{id}/bundle[?revision=N] → the guest-OS bundle (latest revision, or N) as .tar.gz.
import { apiRoute } from "@/lib/access/api-route";
import { ApiInputError } from "@/lib/access/api-errors";
import { msg } from "@/lib/i18n/errors";
import { bundleApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

function revisionOf(raw: string | null): number | undefined {
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new ApiInputError((l) => [{ path: "revision", message: msg("api.revisionInvalid")(l) }]);
  return n;
}

export const GET = apiRoute<{ id: string }>(
  { name: "deployments.bundle", capability: "deployments.read" },
  async (_req, ctx) => {
    const b = await bundleApi(ctx.teamId, ctx.params.id, revisionOf(ctx.url.searchParams.get("revision")));
    return new Response(new Uint8Array(b.body), {
      headers: {
        "content-type": "application/gzip",
        "content-disposition": `attachment; filename="${b.filename}"`,
        "x-bundle-revision": String(b.revision),
        "x-bundle-sha256": b.sha256,
        "cache-control": "no-store",
      },
    });
  },
);
