"use client";
import { useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { ArrowDown, ArrowUp, Rocket } from "lucide-react";
import {
  getCoreRowModel,
  getSortedRowModel,
  useLegacyTable,
  type LegacyColumnDef,
  type LegacyHeader,
} from "@tanstack/react-table/legacy";
import { flexRender, type SortingState } from "@tanstack/react-table";
import { Card } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { RelativeTime, StatusBadge } from "@/components/deploy/status";
import type { DashboardRow } from "@/lib/deploy/dashboard.queries";
import { FILTERS, filterRows, type Filter } from "./filter";

export function DeploymentsTable({ rows }: { rows: DashboardRow[] }) {
  const t = useTranslations("dashboard");
  const [filter, setFilter] = useState<Filter>("all");
  const [q, setQ] = useState("");
  const [sorting, setSorting] = useState<SortingState>([{ id: "createdAt", desc: true }]);
  const data = useMemo(() => filterRows(rows, filter, q), [rows, filter, q]);
  useRefreshWhileLive(rows);
  const columns = useDeploymentColumns();
  const table = useLegacyTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });

  if (rows.length === 0) return <EmptyDeployments />;
  return (
    <Card className="p-0">
      <div className="flex flex-wrap items-center gap-2 border-b border-border p-3">
        <label htmlFor="dash-search" className="sr-only">
          {t("search")}
        </label>
        <Input
          id="dash-search"
          type="search"
          placeholder={t("search")}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="h-9 max-w-xs"
        />
        <label htmlFor="dash-filter" className="sr-only">
          {t("filter")}
        </label>
        <Select
          id="dash-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value as Filter)}
          className="h-9 w-44"
        >
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {t(`filters.${f}`)}
            </option>
          ))}
        </Select>
        <span className="ml-auto text-xs text-muted-fg" role="status">
          {t("count", { shown: data.length, total: rows.length })}
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="deployments-table">
          <caption className="sr-only">{t("title")}</caption>
          <thead className="bg-muted/60 text-left text-xs text-muted-fg">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => (
                  <SortableHeader key={h.id} header={h} />
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-4 py-6 text-center text-muted-fg">
                  {t("noMatch")}
                </td>
              </tr>
            )}
            {table
              .getRowModel()
              .rows.slice(0, 200)
              .map((row) => (
                <tr key={row.id} className="border-t border-border hover:bg-muted/40" data-testid="deployment-row">
                  {row.getVisibleCells().map((c) => (
                    <td key={c.id} className="px-4 py-2">
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {data.length > 200 && (
        <p className="border-t border-border px-4 py-2 text-xs text-muted-fg">{t("truncated", { count: 200 })}</p>
      )}
    </Card>
  );
}

/**
 * The list is rendered on the server: while a run is on, fetch it again now and then so its
 * status moves on by itself (filters and search stay as they are).
 */
function useRefreshWhileLive(rows: DashboardRow[]) {
  const router = useRouter();
  const live = rows.some((r) => r.status === "running" || r.status === "tearing_down");
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), 3000);
    return () => clearInterval(timer);
  }, [live, router]);
}

function useDeploymentColumns() {
  const t = useTranslations("dashboard");
  return useMemo<LegacyColumnDef<DashboardRow>[]>(
    () => [
      {
        id: "name",
        accessorKey: "name",
        header: t("columns.name"),
        cell: ({ row }) => (
          <Link
            className="font-medium hover:underline"
            href={
              ["draft", "ready"].includes(row.original.status)
                ? `/deployments/new?draft=${row.original.id}`
                : `/deployments/${row.original.id}`
            }
          >
            {row.original.name}
          </Link>
        ),
      },
      {
        id: "status",
        accessorKey: "status",
        header: t("columns.status"),
        cell: ({ row }) => <StatusBadge status={row.original.status} />,
      },
      {
        id: "instance",
        accessorKey: "instanceId",
        header: t("columns.instance"),
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.instanceId ?? "—"}</span>,
      },
      {
        id: "eips",
        accessorFn: (r) => r.eipCount,
        header: t("columns.eips"),
        cell: ({ row }) => (
          <span className="font-mono text-xs" title={row.original.eips.join(", ")}>
            {row.original.eips.length
              ? row.original.eips.slice(0, 3).join(", ") +
                (row.original.eips.length > 3 ? ` +${row.original.eips.length - 3}` : "")
              : row.original.eipCount || "—"}
          </span>
        ),
      },
      {
        id: "createdBy",
        accessorKey: "createdBy",
        header: t("columns.createdBy"),
        cell: ({ row }) => row.original.createdBy ?? "—",
      },
      {
        id: "createdAt",
        accessorKey: "createdAt",
        header: t("columns.created"),
        cell: ({ row }) => <RelativeTime iso={row.original.createdAt} />,
      },
    ],
    [t],
  );
}

/** A column header that sorts on click and tells assistive tech its sort order. */
function SortableHeader({ header: h }: { header: LegacyHeader<DashboardRow> }) {
  const sorted = h.column.getIsSorted();
  return (
    <th
      scope="col"
      className="px-4 py-2 font-medium"
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
    >
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:text-fg"
        onClick={h.column.getToggleSortingHandler()}
      >
        {flexRender(h.column.columnDef.header, h.getContext())}
        {sorted === "asc" ? (
          <ArrowUp className="h-3 w-3" aria-hidden />
        ) : sorted === "desc" ? (
          <ArrowDown className="h-3 w-3" aria-hidden />
        ) : null}
      </button>
    </th>
  );
}

function EmptyDeployments() {
  const t = useTranslations("dashboard");
  return (
    <Card className="flex flex-col items-center gap-3 py-12 text-center" data-testid="empty-state">
      <Rocket className="h-8 w-8 text-primary" aria-hidden />
      <p className="text-lg font-semibold">{t("empty")}</p>
      <p className="max-w-md text-sm text-muted-fg">{t("emptyBody")}</p>
      <div className="flex gap-2">
        <Link href="/deployments/new" className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-fg">
          {t("emptyCta")}
        </Link>
        <Link
          href="/deployments/quick"
          className="rounded-md border border-border px-4 py-2 text-sm font-medium hover:bg-muted"
        >
          {t("quick")}
        </Link>
      </div>
    </Card>
  );
}
