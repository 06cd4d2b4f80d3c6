import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/shell/locale-switcher";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  const t = await getTranslations("common");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 bg-muted p-4">
      <div className="text-center">
        <p className="text-2xl font-bold text-primary">EIPilot</p>
        <p className="text-sm text-muted-fg">{t("tagline")}</p>
      </div>
      {children}
      <LocaleSwitcher />
    </main>
  );
}
