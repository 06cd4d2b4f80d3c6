import type { Metadata } from "next";
import { cookies } from "next/headers";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "EIPilot", template: "%s · EIPilot" },
  description:
    "Several public IPs for one Alibaba Cloud ECS instance: secondary ENI, private IPs, EIPs in NAT mode and guest routes.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await getLocale();
  // The errors catalog is rendered on the server only (lib/i18n/errors.ts): the browser needs none of it.
  const { errors: _serverOnly, ...clientMessages } = await getMessages();
  const theme = (await cookies()).get("theme")?.value === "dark" ? "dark" : "light";
  return (
    <html lang={locale} className={theme === "dark" ? "dark" : undefined}>
      <body className="min-h-screen antialiased">
        <NextIntlClientProvider messages={clientMessages}>
          <Providers>{children}</Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
