// Public, read-only view of a shared config. No session needed; the signed,
// expiring, revocable token is the only key. Shows the config's shape only —
// never credentials, account ids or the team. Every view (and every refused
// view of a link that exists) is recorded in the link's team's audit trail.
// A refused link answers 404 with the friendly page of ./not-found.tsx (Next
// has no way for a page to answer 410, so revoked and expired links are 404 too).
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { viewShareLink } from "@/lib/configs/share-link.service";
import { requestMeta } from "@/lib/access/request-meta";
import { SpecSummary } from "@/components/configs/spec-summary";
import { SharePageFrame } from "@/components/configs/share-page-frame";
import { Badge, Card } from "@/components/ui/card";

export const metadata = { title: "Shared config", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

export default async function SharePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await getTranslations("configs.sharePage");
  const format = await getFormatter();
  // A Next router prefetch is not a view: it neither opens the link nor gets
  // audited (nothing in the app links here; this guards future <Link>s).
  if ((await headers()).get("next-router-prefetch")) return <main className="mx-auto max-w-3xl px-4 py-10" />;
  const shared = await viewShareLink(token, await requestMeta());
  if (!shared.ok) notFound();
  return (
    <SharePageFrame title={t("title")}>
      <Card className="space-y-4">
        <div>
          <h2 className="break-words text-xl font-semibold" data-testid="config-name">
            {shared.name}
          </h2>
          {shared.description && <p className="whitespace-pre-wrap text-sm text-muted-fg">{shared.description}</p>}
          <div className="mt-1 flex flex-wrap gap-1">
            {shared.tags.map((x) => (
              <Badge key={x}>{x}</Badge>
            ))}
          </div>
        </div>
        <p className="text-xs text-muted-fg" title={shared.expiresAt.toISOString()}>
          {t("readOnly", { n: shared.revision, time: format.relativeTime(shared.expiresAt) })}
        </p>
        <SpecSummary spec={shared.spec} />
      </Card>
    </SharePageFrame>
  );
}
