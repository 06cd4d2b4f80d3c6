// Polled by the deployment page (React Query) until the run reaches a terminal status.
import { requireTeam } from "@/lib/auth/session";
import { toActionError } from "@/lib/server/errors";
import { requestLocale } from "@/lib/i18n/request-locale";
import { getDeploymentView } from "@/lib/deploy/deployment-view.service";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    const ctx = await requireTeam("deployments.read");
    const view = await getDeploymentView(ctx.team.teamId, id);
    return Response.json(view, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    const err = toActionError(e, await requestLocale());
    const status =
      err.code === "UNAUTHENTICATED" ? 401 : err.code === "FORBIDDEN" ? 403 : err.code === "NOT_FOUND" ? 404 : 500;
    return Response.json(err, { status });
  }
}
