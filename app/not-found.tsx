// Any path that matches no page, and every notFound() without a closer
// not-found page (a deployment or config that does not exist, or belongs to a
// team the user is not in: the two look the same on purpose).
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { StatusPage, statusLink } from "@/components/shell/status-page";

export const metadata = { title: "Not found", robots: { index: false, follow: false } };

export default async function NotFound() {
  const t = await getTranslations("fallback.notFound");
  return (
    <StatusPage
      code="404"
      title={t("title")}
      actions={
        <Link href="/" className={statusLink.primary}>
          {t("home")}
        </Link>
      }
    >
      <p>{t("body")}</p>
    </StatusPage>
  );
}
