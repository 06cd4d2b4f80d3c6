"use client";
import { useState } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { Toaster } from "sonner";

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1 } } }));
  const t = useTranslations("common");
  return (
    <QueryClientProvider client={client}>
      {children}
      {/* sonner sets its own font stack, without Noto Sans JP: Japanese toasts were tofu on machines without a CJK font. */}
      <Toaster
        richColors
        closeButton
        position="bottom-right"
        style={{ fontFamily: "var(--font-sans)" }}
        containerAriaLabel={t("toasts.region")}
        toastOptions={{ closeButtonAriaLabel: t("toasts.close") }}
      />
    </QueryClientProvider>
  );
}
