import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import {
  filterToSearch,
  listAuditActions,
  listAuditEvents,
  parseAuditFilter,
  resolveActor,
  teamPeople,
} from "@/lib/audit/audit.queries";
import { AppShell } from "@/components/shell/app-shell";
import { AuditView, type SigningInfo } from "@/components/audit/audit-view";
import { publicKeysPem } from "@/lib/audit/signing-key";
import { logger } from "@/lib/server/logger";

/** The signing key's fingerprint and public keys; null (and logged) when the key cannot be read. */
function signingInfo(): SigningInfo | null {
  try {
    const { currentKeyId, keyIds, pem } = publicKeysPem();
    return { keyId: currentKeyId, retired: keyIds.length - 1, pem };
  } catch (err) {
    logger.error({ err }, "audit signing key unavailable");
    return null;
  }
}

export const metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireTeamPage("audit.read");
  const t = await getTranslations("audit");
  const filter = await resolveActor(ctx.team.teamId, parseAuditFilter(await searchParams));
  const [first, actions, people] = await Promise.all([
    listAuditEvents(ctx.team.teamId, filter),
    listAuditActions(ctx.team.teamId),
    teamPeople(ctx.team.teamId),
  ]);
  return (
    <AppShell ctx={ctx}>
      <div className="mb-4">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-sm text-muted-fg">{t("intro")}</p>
      </div>
      <AuditView
        teamId={ctx.team.teamId}
        signing={signingInfo()}
        filter={filter}
        query={filterToSearch(filter).toString()}
        first={first}
        actions={actions}
        people={people}
      />
    </AppShell>
  );
}
