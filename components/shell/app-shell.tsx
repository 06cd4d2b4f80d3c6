import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { TeamContext } from "@/lib/access/team-context";
import { demoMode } from "@/lib/server/env";
import { LocaleSwitcher } from "./locale-switcher";
import { ThemeToggle } from "./theme-toggle";
import { SignOutButton, TeamSwitcher } from "./account-menu";
import { CollapsibleNav } from "./collapsible-nav";
import { can } from "@/lib/auth/permissions";
import { AddressSearch } from "@/components/audit/address-search";

export async function AppShell({ ctx, children }: { ctx: TeamContext; children: React.ReactNode }) {
  const t = await getTranslations("common");
  const links = [
    { href: "/", label: t("nav.deployments") },
    { href: "/deployments/new", label: t("nav.newDeployment") },
    { href: "/fleets", label: t("nav.fleets") },
    { href: "/configs", label: t("nav.configs") },
    { href: "/audit", label: t("nav.audit") },
    { href: "/settings/cloud-accounts", label: t("nav.cloudAccounts") },
    { href: "/settings/api-tokens", label: t("nav.apiTokens") },
    { href: "/settings/team", label: t("nav.team") },
    { href: "/settings/security", label: t("nav.security") },
    { href: "/settings/sessions", label: t("nav.sessions") },
  ];
  return (
    <div className="min-h-screen">
      {/* The first stop of Tab: straight to the page's content, past the header. */}
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-primary focus:px-3 focus:py-2 focus:text-primary-fg"
      >
        {t("nav.skip")}
      </a>
      <header className="border-b border-border bg-card">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <Link href="/" className="shrink-0 text-lg font-bold text-primary">
            EIPilot
          </Link>
          <CollapsibleNav label={t("nav.menu")}>
            <nav aria-label={t("nav.mainNavigation")} className="flex flex-col gap-1 text-sm sm:flex-row sm:flex-wrap">
              {links.map((l) => (
                <Link key={l.href} href={l.href} className="rounded-md px-2 py-1 hover:bg-muted">
                  {l.label}
                </Link>
              ))}
            </nav>
            {/* Wraps on a phone: the team, language, theme and sign-out controls take a row of their own. */}
            <div className="flex min-w-0 max-w-full flex-wrap items-center gap-2 sm:ml-auto">
              {can(ctx.role, "audit.read") && <AddressSearch className="w-full sm:w-auto" />}
              <TeamSwitcher teams={ctx.memberships} activeTeamId={ctx.team.teamId} />
              <span className="hidden text-sm text-muted-fg sm:inline" data-testid="current-user">
                {ctx.user.email}
              </span>
              <LocaleSwitcher />
              <ThemeToggle />
              <SignOutButton />
            </div>
          </CollapsibleNav>
        </div>
      </header>
      {demoMode() && (
        <div role="status" className="border-b border-border bg-warning/10 px-4 py-1.5 text-center text-xs text-fg">
          {t("demoBanner")}
        </div>
      )}
      <main id="main" tabIndex={-1} className="mx-auto min-w-0 max-w-7xl px-4 py-6 focus:outline-none">
        {children}
      </main>
    </div>
  );
}
