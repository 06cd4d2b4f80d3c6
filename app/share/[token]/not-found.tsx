// The refused view of /share/<token>, answered with HTTP 404 (page.tsx calls
// notFound()). A not-found page gets no params, so the token comes from the
// path proxy.ts forwards; the reason is looked up again without another audit
// event (page.tsx already recorded the refused view).
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { resolveShareToken } from "@/lib/configs/share-link.service";
import { SharePageFrame } from "@/components/configs/share-page-frame";
import { Card } from "@/components/ui/card";
import { shareTokenFromPath } from "@/lib/configs/share-path";

export const metadata = { title: "Shared config", robots: { index: false, follow: false } };

export default async function ShareNotFound() {
  const t = await getTranslations("configs.sharePage");
  const token = shareTokenFromPath((await headers()).get("x-pathname"));
  const shared = token ? await resolveShareToken(token) : null;
  const reason = shared && !shared.ok ? shared.reason : "invalid";
  return (
    <SharePageFrame title={t("title")}>
      <Card role="alert" data-testid="share-refused" className="border-danger/40 text-danger">
        {t(reason)}
      </Card>
    </SharePageFrame>
  );
}
