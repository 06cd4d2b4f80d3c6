import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { addressHistory, HISTORY_LIMIT, teamPeople } from "@/lib/audit/audit.queries";
import { AppShell } from "@/components/shell/app-shell";
import { AddressHistoryView } from "@/components/audit/address-history";

export const metadata = { title: "Address history" };
export const dynamic = "force-dynamic";

export default async function AddressHistoryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireTeamPage("audit.read");
  const t = await getTranslations("audit.history");
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  const q = one(sp.q).trim().slice(0, 100);
  const reads = one(sp.reads) === "1";
  const [history, people] = q
    ? await Promise.all([addressHistory(ctx.team.teamId, q, { reads }), teamPeople(ctx.team.teamId)])
    : [null, {}];
  return (
    <AppShell ctx={ctx}>
      <div className="mb-4 space-y-1">
        <h1 className="text-2xl font-semibold">
          {t("title")}
          {history && <span className="ml-2 font-mono text-lg">{history.query}</span>}
        </h1>
        <p className="text-sm text-muted-fg">{t("intro")}</p>
      </div>
      <form method="get" action="/audit/history" className="mb-4 flex flex-wrap items-center gap-3" role="search">
        <label htmlFor="history-q" className="sr-only">
          {t("label")}
        </label>
        <input
          id="history-q"
          name="q"
          type="search"
          defaultValue={q}
          placeholder={t("placeholder")}
          maxLength={100}
          aria-invalid={q && !history ? true : undefined}
          aria-describedby={q && !history ? "history-q-error" : undefined}
          className="h-10 w-72 max-w-full rounded-md border border-border bg-card px-3 font-mono text-sm aria-[invalid=true]:border-danger"
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="reads" value="1" defaultChecked={reads} /> {t("reads")}
        </label>
        <button type="submit" className="h-10 rounded-md bg-primary px-4 text-sm font-medium text-primary-fg">
          {t("search")}
        </button>
      </form>
      {q && !history && (
        <p id="history-q-error" role="alert" className="text-sm text-danger">
          {t("bad", { query: q })}
        </p>
      )}
      {history && <AddressHistoryView history={history} people={people} limit={HISTORY_LIMIT} />}
    </AppShell>
  );
}
