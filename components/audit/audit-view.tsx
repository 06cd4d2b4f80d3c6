"use client";
// The audit list: filters live in the URL (a GET form), the first page comes
// from the server component, older pages through /api/audit/events (keyset
// cursor) with React Query. Rows open a drawer with the full event.
import { useMemo, useRef, useState, useTransition } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { ShieldCheck, ShieldAlert, Download, KeyRound, X } from "lucide-react";
import type { AuditEventDto, AuditFilter, AuditPage } from "@/lib/audit/audit.queries";
import { verifyAuditChainAction } from "@/lib/actions/audit.actions";
import type { Finding } from "@/lib/audit/checkpoint-core.mjs";
import type { TrailVerdict } from "@/lib/audit/verify-trail";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import { Dialog, DialogClose, DialogTitle, DrawerContent } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/input";
import { AuditTime } from "./audit-time";
import { AddressSearch } from "./address-search";

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, AuditEventDto>();

export const auditKeys = {
  list: (teamId: string, query: string) => ["audit", teamId, query] as const,
};

function Outcome({ value }: { value: string }) {
  const t = useTranslations("audit.outcome");
  return (
    <Badge tone={value === "success" ? "success" : "danger"}>{t(value === "success" ? "success" : "failure")}</Badge>
  );
}

/** The signing key as the audit page shows it (no private part ever leaves the server). */
export type SigningInfo = { keyId: string; retired: number; pem: string };

type AuditViewProps = {
  teamId: string;
  signing: SigningInfo | null;
  filter: AuditFilter;
  query: string;
  first: AuditPage;
  actions: string[];
  people: Record<string, string>;
};

export function AuditView({ teamId, signing, filter, query, first, actions, people }: AuditViewProps) {
  const t = useTranslations("audit");
  const [selected, setSelected] = useState<AuditEventDto | null>(null);
  // The row that opened the drawer gets focus back when it closes (rows are not Radix triggers).
  const opener = useRef<HTMLElement | null>(null);
  const openDrawer = (row: AuditEventDto, from: HTMLElement) => {
    opener.current = from;
    setSelected(row);
  };

  const pages = useAuditPages(teamId, query, first);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.events) ?? [], [pages.data]);

  return (
    <div className="space-y-4">
      <AddressSearch id="audit-address-search" className="max-w-md" />
      <AuditFilters filter={filter} actions={actions} />
      <AuditToolbar teamId={teamId} query={query} onVerified={() => pages.refetch()} />
      {signing && <SigningKeyCard signing={signing} />}
      <AuditTable rows={rows} people={people} onOpen={openDrawer} />
      <div className="flex items-center gap-3">
        <span className="text-sm text-muted-fg">{t("shown", { count: rows.length })}</span>
        {pages.hasNextPage && (
          <Button
            variant="secondary"
            size="sm"
            disabled={pages.isFetchingNextPage}
            onClick={() => pages.fetchNextPage()}
          >
            {pages.isFetchingNextPage ? t("loading") : t("loadMore")}
          </Button>
        )}
      </div>
      <Dialog
        open={selected !== null}
        onOpenChange={(isOpen) => {
          if (!isOpen) setSelected(null);
        }}
      >
        {selected && (
          <EventDrawer
            event={selected}
            people={people}
            onCloseAutoFocus={(e) => {
              e.preventDefault();
              opener.current?.focus();
            }}
          />
        )}
      </Dialog>
    </div>
  );
}

/** The first page comes from the server; older pages from /api/audit/events by keyset cursor. */
function useAuditPages(teamId: string, query: string, first: AuditPage) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(teamId, query),
    initialData: { pages: [first], pageParams: [null as string | null] },
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const p = new URLSearchParams(query);
      p.set("teamId", teamId);
      if (pageParam) p.set("cursor", pageParam);
      const res = await fetch(`/api/audit/events?${p}`, { cache: "no-store" });
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
      return (await res.json()) as AuditPage;
    },
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  });
}

/** A plain GET form: the filters live in the URL. */
function AuditFilters({ filter, actions }: { filter: AuditFilter; actions: string[] }) {
  const t = useTranslations("audit");
  return (
    <Card className="p-4">
      <form
        method="get"
        action="/audit"
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
        aria-label={t("filters.legend")}
      >
        <Field id="f-from" label={t("filters.from")}>
          <Input id="f-from" name="from" type="date" defaultValue={filter.from?.slice(0, 10)} />
        </Field>
        <Field id="f-to" label={t("filters.to")}>
          <Input id="f-to" name="to" type="date" defaultValue={filter.to?.slice(0, 10)} />
        </Field>
        <Field id="f-actor" label={t("filters.actor")}>
          <Input id="f-actor" name="actor" defaultValue={filter.actor} />
        </Field>
        <Field id="f-action" label={t("filters.action")} hint={t("filters.actionHint")}>
          <Input id="f-action" name="action" list="audit-actions" defaultValue={filter.action} />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </Field>
        <Field id="f-resource" label={t("filters.resource")}>
          <Input id="f-resource" name="resource" className="font-mono" defaultValue={filter.resource} />
        </Field>
        <Field id="f-deployment" label={t("filters.deployment")}>
          <Input id="f-deployment" name="deploymentId" className="font-mono" defaultValue={filter.deploymentId} />
        </Field>
        <div className="flex items-start gap-2 pt-7 text-sm">
          <input
            id="f-reads"
            type="checkbox"
            name="kind"
            value="all"
            defaultChecked={filter.kind === "all"}
            aria-describedby="f-reads-hint"
            className="mt-0.5"
          />
          <span>
            <label htmlFor="f-reads">{t("filters.reads")}</label>
            <span id="f-reads-hint" className="block text-xs text-muted-fg">
              {t("filters.readsHint")}
            </span>
          </span>
        </div>
        <Field id="f-outcome" label={t("filters.outcome")}>
          <Select id="f-outcome" name="outcome" defaultValue={filter.outcome ?? ""}>
            <option value="">{t("filters.any")}</option>
            <option value="success">{t("outcome.success")}</option>
            <option value="failure">{t("outcome.failure")}</option>
          </Select>
        </Field>
        <div className="flex items-end gap-2">
          <Button type="submit">{t("filters.apply")}</Button>
          <Link href="/audit" className="inline-flex h-10 items-center rounded-md px-3 text-sm hover:bg-muted">
            {t("filters.clear")}
          </Link>
        </div>
      </form>
    </Card>
  );
}

/** Chain verification and the export links, plus the verification verdict under them. */
function AuditToolbar({
  teamId,
  query,
  onVerified,
}: {
  teamId: string;
  query: string;
  onVerified: () => Promise<unknown>;
}) {
  const t = useTranslations("audit");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [verifying, startVerify] = useTransition();

  const exportHref = (format: "csv" | "ndjson") => {
    const p = new URLSearchParams(query);
    p.set("format", format);
    p.set("teamId", teamId);
    return `/api/audit/export?${p}`;
  };

  return (
    <>
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          disabled={verifying}
          onClick={() =>
            startVerify(async () => {
              const r = await verifyAuditChainAction({ teamId });
              setVerdict(r.ok ? r.data : { error: r.error });
              // The verification itself is an audit event: show it without a reload.
              await onVerified();
            })
          }
        >
          <ShieldCheck className="h-4 w-4" aria-hidden /> {verifying ? t("verify.running") : t("verify.button")}
        </Button>
        <span className="ml-auto text-sm text-muted-fg">{t("export.label")}:</span>
        <a
          className="inline-flex h-8 items-center gap-1 rounded-md border border-border px-3 text-sm hover:bg-muted"
          href={exportHref("csv")}
          download
        >
          <Download className="h-3 w-3" aria-hidden />
          {t("export.csv")}
        </a>
        <a
          className="inline-flex h-8 items-center gap-1 rounded-md border border-border px-3 text-sm hover:bg-muted"
          href={exportHref("ndjson")}
          title={t("export.ndjsonHint")}
          download
        >
          <Download className="h-3 w-3" aria-hidden />
          {t("export.ndjson")}
        </a>
      </div>
      {verdict && <VerifyResult verdict={verdict} />}
    </>
  );
}

type Verdict = (TrailVerdict & { durationMs: number }) | { error: string };

/** The finding's message: parameters as the messages name them ("from" is the first uncovered event). */
function findingText(t: ReturnType<typeof useTranslations<"audit">>, f: Finding): string {
  switch (f.code) {
    case "checkpointOverdue":
      return t("verify.findings.checkpointOverdue", { from: f.after + 1, head: f.head, every: f.every });
    case "unknownKey":
      return t("verify.findings.unknownKey", { checkpoint: f.checkpoint, keyId: f.keyId });
    case "eventAltered":
      return t("verify.findings.eventAltered", { checkpoint: f.checkpoint, seq: f.seq });
    case "eventsDeleted":
      return t("verify.findings.eventsDeleted", { checkpoint: f.checkpoint, seq: f.seq, head: f.head });
    case "recordedCheckpointMissing":
      return t("verify.findings.recordedCheckpointMissing", { checkpoint: f.checkpoint, newest: f.newest });
    default:
      return t(`verify.findings.${f.code}`, { checkpoint: f.checkpoint });
  }
}

function VerifyResult({ verdict }: { verdict: Verdict }) {
  const t = useTranslations("audit");
  const ok = !("error" in verdict) && verdict.ok;
  const lines =
    "error" in verdict
      ? [verdict.error]
      : [
          ...(verdict.ok
            ? [
                t("verify.ok", { count: verdict.checked, ms: verdict.durationMs }),
                t("verify.covered", {
                  count: verdict.checkpoints.count,
                  lastSeq: verdict.checkpoints.latest?.lastSeq ?? 0,
                }),
              ]
            : [t("verify.failed")]),
          ...(verdict.brokenAt
            ? [t("verify.broken", { seq: verdict.brokenAt.seq, reason: verdict.brokenAt.reason })]
            : []),
          ...verdict.findings.map((f) => findingText(t, f)),
          ...(verdict.uncovered ? [t("verify.uncovered", verdict.uncovered)] : []),
        ];
  return (
    <div
      role="status"
      data-testid="verify-result"
      className={`flex items-start gap-2 rounded-md px-3 py-2 text-sm ${ok ? "bg-success/10 text-success" : "bg-danger/10 text-danger"}`}
    >
      {ok ? (
        <ShieldCheck className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
      ) : (
        <ShieldAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
      )}
      <ul className="space-y-1">
        {lines.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

/** The signing key's fingerprint (to record elsewhere) and the trusted public keys as a PEM download. */
export function SigningKeyCard({ signing }: { signing: SigningInfo }) {
  const t = useTranslations("audit.signing");
  const href = `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(signing.pem)}`;
  return (
    <Card className="space-y-2 p-4" data-testid="signing-key">
      <h2 className="flex items-center gap-2 font-medium">
        <KeyRound className="h-4 w-4" aria-hidden /> {t("title")}
      </h2>
      <p className="text-sm text-muted-fg">{t("intro")}</p>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted-fg">{t("fingerprint")}:</span>
        {/* The fingerprint is one long word: it wraps rather than widen a phone's page. */}
        <span className="min-w-0 max-w-full break-all">
          <CopyId value={signing.keyId} />
        </span>
        {signing.retired > 0 && <span className="text-muted-fg">({t("retired", { count: signing.retired })})</span>}
        <a
          className="ml-auto inline-flex h-8 items-center gap-1 rounded-md border border-border px-3 text-sm hover:bg-muted"
          href={href}
          download="eipilot-audit-public-keys.pem"
        >
          <Download className="h-3 w-3" aria-hidden />
          {t("download")}
        </a>
      </div>
    </Card>
  );
}

function useAuditColumns(people: Record<string, string>) {
  const t = useTranslations("audit");
  return useMemo(
    () =>
      helper.columns([
        helper.accessor("at", { header: () => t("columns.time"), cell: (c) => <AuditTime at={c.getValue()} /> }),
        helper.accessor("actorLabel", {
          header: () => t("columns.actor"),
          cell: (c) => actorName(c.row.original, people) ?? t("system"),
        }),
        helper.accessor("action", {
          header: () => t("columns.action"),
          cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span>,
        }),
        helper.accessor("targets", {
          header: () => t("columns.targets"),
          cell: (c) => (
            <span className="font-mono text-xs">
              {c.getValue().slice(0, 3).join(", ")}
              {c.getValue().length > 3 ? " …" : ""}
            </span>
          ),
        }),
        helper.accessor("outcome", {
          header: () => t("columns.outcome"),
          cell: (c) => <Outcome value={c.getValue()} />,
        }),
        helper.accessor("durationMs", {
          header: () => t("columns.duration"),
          cell: (c) => (c.getValue() == null ? "—" : `${c.getValue()} ms`),
        }),
      ]),
    [t, people],
  );
}

function AuditTable({
  rows,
  people,
  onOpen,
}: {
  rows: AuditEventDto[];
  people: Record<string, string>;
  onOpen: (row: AuditEventDto, from: HTMLElement) => void;
}) {
  const t = useTranslations("audit");
  const columns = useAuditColumns(people);
  const table = useTable({ features, columns, data: rows, getRowId: (r) => r.id });
  return (
    <Card className="overflow-x-auto p-0">
      {rows.length === 0 ? (
        <p className="p-6 text-center text-muted-fg">{t("empty")}</p>
      ) : (
        <table className="w-full text-sm" data-testid="audit-table">
          <thead className="bg-muted text-left text-muted-fg">
            {table.getHeaderGroups().map((g) => (
              <tr key={g.id}>
                {g.headers.map((h) => (
                  <th key={h.id} className="px-3 py-2 font-medium">
                    {h.isPlaceholder ? null : <table.FlexRender header={h} />}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                className="cursor-pointer border-t border-border hover:bg-muted/50"
                tabIndex={0}
                onClick={(e) => onOpen(row.original, e.currentTarget)}
                onKeyDown={(e) => {
                  // preventDefault: otherwise the same Enter lands on the drawer's
                  // Close button, which has focus by then, and closes it at once.
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    onOpen(row.original, e.currentTarget);
                  }
                }}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className="px-3 py-2 align-top">
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** The recorded label, else the member's email for the recorded user id (background work records only the id). */
function actorName(e: AuditEventDto, people: Record<string, string>): string | null {
  return e.actorLabel ?? (e.actorId ? (people[e.actorId] ?? e.actorId) : null);
}

function EventDrawer({
  event,
  people,
  onCloseAutoFocus,
}: {
  event: AuditEventDto;
  people: Record<string, string>;
  onCloseAutoFocus: (e: Event) => void;
}) {
  const t = useTranslations("audit.detail");
  const row = (label: string, value: React.ReactNode) => (
    <div className="grid grid-cols-[140px_1fr] gap-2 border-t border-border py-2 text-sm">
      <dt className="text-muted-fg">{label}</dt>
      <dd className="min-w-0 break-words">{value ?? "—"}</dd>
    </div>
  );
  return (
    <DrawerContent aria-describedby={undefined} onCloseAutoFocus={onCloseAutoFocus}>
      <div className="mb-3 flex items-center justify-between">
        <DialogTitle>{t("title", { seq: event.seq })}</DialogTitle>
        <DialogClose asChild>
          <Button variant="ghost" size="sm" aria-label={t("close")}>
            <X className="h-4 w-4" aria-hidden />
          </Button>
        </DialogClose>
      </div>
      <dl>
        {row(t("fields.at"), <AuditTime at={event.at} />)}
        {row(
          t("fields.actor"),
          `${actorName(event, people) ?? "—"} (${event.actorType === "user" || event.actorType === "system" ? t(`actorTypes.${event.actorType}`) : event.actorType}${event.actorId ? ` · ${event.actorId}` : ""})`,
        )}
        {row(t("fields.action"), <span className="font-mono text-xs">{event.action}</span>)}
        {row(t("fields.outcome"), <Outcome value={event.outcome} />)}
        {row(
          t("fields.targets"),
          event.targets.length ? (
            <span className="flex flex-col gap-1">
              {event.targets.map((x) => (
                <CopyId key={x} value={x} />
              ))}
            </span>
          ) : null,
        )}
        {row(
          t("fields.deployment"),
          event.deploymentId ? (
            <span className="flex flex-wrap items-center gap-2">
              <CopyId value={event.deploymentId} />
              <Link className="text-primary underline" href={`/deployments/${encodeURIComponent(event.deploymentId)}`}>
                {t("openDeployment")}
              </Link>
            </span>
          ) : null,
        )}
        {row(t("fields.requestId"), event.requestId ? <CopyId value={event.requestId} /> : null)}
        {row(
          t("fields.error"),
          event.errorCode || event.errorMessage ? `${event.errorCode ?? ""} ${event.errorMessage ?? ""}` : null,
        )}
        {row(t("fields.duration"), event.durationMs == null ? null : `${event.durationMs} ms`)}
        {row(t("fields.client"), [event.clientIp, event.userAgent].filter(Boolean).join(" · ") || null)}
        {row(
          t("fields.params"),
          event.params == null ? null : (
            // Wrapped, not scrolled: a long id or address list stays readable in the drawer's width.
            <pre
              className="rounded bg-muted p-2 font-mono text-xs break-all whitespace-pre-wrap"
              data-testid="event-params"
            >
              {JSON.stringify(event.params, null, 2)}
            </pre>
          ),
        )}
        {row(t("fields.hash"), <span className="font-mono text-xs break-all">{event.hash}</span>)}
        {row(t("fields.prevHash"), <span className="font-mono text-xs break-all">{event.prevHash}</span>)}
      </dl>
    </DrawerContent>
  );
}
