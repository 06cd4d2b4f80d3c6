"use client";
import { useEffect, useRef, useState, useTransition } from "react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { CheckCircle2, CircleAlert, Loader2, RefreshCw, ShieldCheck, Trash2, XCircle } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, Badge } from "@/components/ui/card";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { CopyId } from "@/components/ui/copy-id";
import { Field, Input } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import type { DeploymentView as View } from "@/lib/deploy/inventory.service";
import {
  cancelAction,
  refreshAction,
  resumeAction,
  teardownAction,
  verifyAction,
} from "@/lib/actions/deployments.actions";
import { BundleViewer } from "@/components/wizard/bundle-viewer";
import { GuestPanel } from "@/components/guest/guest-panel";
import { RelativeTime, StatusBadge, StepBadge } from "./status";
import { TopologyView } from "./topology";
import { topologyFromProgress } from "./topology-model";
import { TeardownGuestNotice, type GuestTeardown } from "./teardown-guest";
import { fillRefLabels } from "@/lib/deploy/planner";

export const deploymentKeys = {
  all: (team: string) => ["deployments", team] as const,
  one: (team: string, id: string) => ["deployments", team, id] as const,
};

type Err = {
  code?: string;
  message?: string;
  requestId?: string | null;
  action?: string;
  hint?: { en: string; ja: string };
} | null;
type Drift = {
  drift: Array<{
    resource: string;
    field: string;
    expected: string;
    actual: string;
    message: { en: string; ja: string };
  }>;
  checkedAt: string;
  inSync: boolean;
};

async function fetchView(id: string): Promise<View> {
  const r = await fetch(`/api/deployments/${id}/progress`, { cache: "no-store" });
  if (!r.ok) throw new Error(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${r.status}`);
  return (await r.json()) as View;
}

export function DeploymentView({ teamId, initial, canApply }: { teamId: string; initial: View; canApply: boolean }) {
  const t = useTranslations("deployment");
  const locale = useLocale() as "en" | "ja";
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: deploymentKeys.one(teamId, initial.id),
    queryFn: () => fetchView(initial.id),
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.terminal ? false : 1000),
    refetchOnWindowFocus: true,
  });
  const d = q.data;
  const [pending, startTransition] = useTransition();
  const [drift, setDrift] = useState<Drift | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: deploymentKeys.one(teamId, d.id) });
  const autoVerified = useRef(false);

  // The connectivity check runs by itself once the apply has succeeded.
  useEffect(() => {
    if (d.status === "succeeded" && d.phase === "apply" && !d.checks && !autoVerified.current) {
      autoVerified.current = true;
      void verifyAction({ teamId, id: d.id }).then(() => refresh());
    }
  });

  const act = (fn: () => Promise<{ ok: boolean; error?: string; requestId?: string }>, ok?: string) =>
    startTransition(async () => {
      const r = await fn();
      if (!r.ok) toast.error(`${r.error}${r.requestId ? ` (RequestId ${r.requestId})` : ""}`);
      else if (ok) toast.success(ok);
      await refresh();
    });

  const phaseSteps = d.steps.filter((s) => s.phase === d.phase);
  const done = phaseSteps.filter((s) => ["succeeded", "noop"].includes(s.status)).length;
  const err = d.error as Err;
  const running = d.status === "running" || d.status === "tearing_down";
  const canTeardown = canApply && ["succeeded", "failed", "cancelled"].includes(d.status);
  const topology = topologyFromProgress({ ...d, spec: d.spec as never });
  const retried = phaseSteps.filter((s) => s.attempts > 1).length;

  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold">{d.name}</h1>
            <StatusBadge status={d.status} className="text-sm" />
            {d.cancelRequested && running && <Badge tone="warning">{t("cancelRequested")}</Badge>}
          </div>
          <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted-fg">
            <CopyId value={d.id} label={t("copy")} />
            <span>{d.regionId ?? "—"}</span>
            <span>
              {t("createdBy", { who: d.createdBy ?? "—" })} · <RelativeTime iso={d.createdAt} />
            </span>
            {d.finishedAt && (
              <span>
                {t("finished")} <RelativeTime iso={d.finishedAt} />
              </span>
            )}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {running && canApply && (
            <Button
              variant="secondary"
              disabled={pending || d.cancelRequested}
              onClick={() => act(() => cancelAction({ teamId, id: d.id }), t("cancelSent"))}
            >
              {t("cancel")}
            </Button>
          )}
          {canApply && ["failed", "cancelled"].includes(d.status) && (
            <Button disabled={pending} onClick={() => act(() => resumeAction({ teamId, id: d.id }), t("resumed"))}>
              {t("resume")}
            </Button>
          )}
          {d.status === "succeeded" && (
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() => act(async () => verifyAction({ teamId, id: d.id }), t("verified"))}
            >
              <ShieldCheck className="h-4 w-4" aria-hidden />
              {t("verify")}
            </Button>
          )}
          {!["draft", "ready", "torn_down"].includes(d.status) && (
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const r = await refreshAction({ teamId, id: d.id });
                  if (r.ok) setDrift(r.data);
                  else toast.error(r.error);
                })
              }
            >
              <RefreshCw className="h-4 w-4" aria-hidden />
              {t("refresh")}
            </Button>
          )}
          {canTeardown && (
            <Dialog open={confirmOpen} onOpenChange={setConfirmOpen}>
              <DialogTrigger asChild>
                <Button variant="danger">
                  <Trash2 className="h-4 w-4" aria-hidden />
                  {t("teardown")}
                </Button>
              </DialogTrigger>
              {confirmOpen && (
                <TeardownConfirm
                  name={d.name}
                  guest={guestTeardown(d)}
                  onConfirm={async (confirmName, skipGuestRollback) => {
                    const r = await teardownAction({ teamId, id: d.id, confirmName, skipGuestRollback });
                    if (!r.ok) return r.error;
                    setConfirmOpen(false);
                    toast.success(t("teardownStarted", { count: r.data.changes }));
                    await refresh();
                    return null;
                  }}
                />
              )}
            </Dialog>
          )}
          {["draft", "ready"].includes(d.status) && (
            <Link
              className="inline-flex h-10 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-fg"
              href={`/deployments/new?draft=${d.id}`}
            >
              {t("openDraft")}
            </Link>
          )}
        </div>
      </header>

      {err && (
        <div
          role="alert"
          className="rounded-md border border-danger/40 bg-danger/5 p-4 text-sm"
          data-testid="deployment-error"
        >
          <p className="flex items-center gap-2 font-medium text-danger">
            <XCircle className="h-4 w-4" aria-hidden />
            {t("failedAt", { action: err.action ?? "—" })}
          </p>
          <p className="mt-1">
            <span className="font-mono">{err.code}</span>: {err.message}
          </p>
          {err.requestId && (
            <p className="mt-1 text-xs">
              RequestId <CopyId value={err.requestId} label={t("copy")} />
            </p>
          )}
          {err.hint && (
            <p className="mt-2">
              <span className="font-medium">{t("fix")}:</span> {err.hint[locale]}
            </p>
          )}
        </div>
      )}

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_340px]">
        <div className="min-w-0 space-y-5">
          <Card className="p-0">
            <div className="flex flex-wrap items-center gap-3 border-b border-border px-4 py-3">
              <h2 className="font-semibold">{d.phase === "teardown" ? t("timelineTeardown") : t("timeline")}</h2>
              <span className="text-sm text-muted-fg" data-testid="progress-count">
                {t("progress", { done, total: phaseSteps.length })}
              </span>
              {retried > 0 && (
                <Badge tone="warning" data-testid="retried">
                  {t("retried", { count: retried })}
                </Badge>
              )}
              {running && <Loader2 className="h-4 w-4 animate-spin text-primary" aria-label={t("live")} />}
              <div
                className="ml-auto h-1.5 w-40 overflow-hidden rounded bg-muted"
                role="progressbar"
                aria-label={t("timeline")}
                aria-valuemin={0}
                aria-valuemax={phaseSteps.length || 1}
                aria-valuenow={done}
              >
                <div
                  className="h-full bg-primary transition-all"
                  style={{ width: `${phaseSteps.length ? (100 * done) / phaseSteps.length : 0}%` }}
                />
              </div>
            </div>
            {phaseSteps.length === 0 ? (
              <p className="p-4 text-sm text-muted-fg">{t("noSteps")}</p>
            ) : (
              <ol className="divide-y divide-border" data-testid="steps">
                {phaseSteps.map((s, i) => {
                  const e = s.error as Err;
                  const desc = d.descriptions[`${s.phase}:${s.key}`];
                  return (
                    <li
                      key={s.key}
                      className="grid grid-cols-[1.5rem_minmax(0,1fr)_auto] gap-x-3 px-4 py-2.5 text-sm"
                      data-testid="step"
                      data-key={s.key}
                      data-status={s.status}
                    >
                      <span className="pt-0.5 text-xs tabular-nums text-muted-fg">{i + 1}</span>
                      <div className="min-w-0">
                        <p className={cn(s.status === "noop" && "text-muted-fg")}>
                          {desc ? fillRefLabels(desc[locale], d.resources) : s.key}
                        </p>
                        <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-muted-fg">
                          <span className="font-mono">{s.action}</span>
                          {s.attempts > 0 && <span data-testid="attempts">{t("attempts", { count: s.attempts })}</span>}
                          {s.durationMs !== null && <span>{(s.durationMs / 1000).toFixed(1)} s</span>}
                          {s.requestIds.filter(Boolean).length > 0 && (
                            <span className="inline-flex items-center gap-1">
                              RequestId <CopyId value={s.requestIds.filter(Boolean).at(-1)!} label={t("copy")} />
                              {s.requestIds.filter(Boolean).length > 1 && (
                                <span>(+{s.requestIds.filter(Boolean).length - 1})</span>
                              )}
                            </span>
                          )}
                        </p>
                        {e && (
                          <div className="mt-1 rounded border border-danger/30 bg-danger/5 p-2 text-xs">
                            <p>
                              <span className="font-mono">{e.code}</span>: {e.message}
                            </p>
                            {e.requestId && (
                              <p>
                                RequestId <span className="font-mono">{e.requestId}</span>
                              </p>
                            )}
                            {e.hint && (
                              <p className="mt-1">
                                {t("fix")}: {e.hint[locale]}
                              </p>
                            )}
                          </div>
                        )}
                      </div>
                      <StepBadge status={s.status} />
                    </li>
                  );
                })}
              </ol>
            )}
          </Card>

          <EipResults d={d} />

          {d.status === "succeeded" && d.phase === "apply" && (
            <GuestPanel teamId={teamId} deploymentId={d.id} canApply={canApply} onChanged={refresh} />
          )}

          {drift && (
            <Card data-testid="drift">
              <h2 className="mb-2 font-semibold">{t("drift.title")}</h2>
              <p className={cn("text-sm", drift.inSync ? "text-success" : "text-warning")}>
                {drift.inSync ? t("drift.inSync") : t("drift.found", { count: drift.drift.length })} ·{" "}
                <RelativeTime iso={drift.checkedAt} />
              </p>
              {drift.drift.length > 0 && (
                <ul className="mt-2 space-y-1 text-sm">
                  {drift.drift.map((x, i) => (
                    <li key={i} className="rounded border border-warning/40 p-2">
                      {x.message[locale]}{" "}
                      <span className="font-mono text-xs text-muted-fg">
                        ({x.expected} → {x.actual})
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          )}

          <Card>
            <h2 className="mb-1 font-semibold">{t("scripts.title")}</h2>
            <p className="mb-3 text-sm text-muted-fg">{t("scripts.intro")}</p>
            {d.scripts.length === 0 ? (
              <p className="text-sm text-muted-fg">
                {(d.spec as { traffic?: string }).traffic === "inbound-only"
                  ? t("scripts.inboundOnly")
                  : d.status === "succeeded"
                    ? t("scripts.none")
                    : t("scripts.afterApply")}
              </p>
            ) : (
              <Scripts id={d.id} scripts={d.scripts} />
            )}
          </Card>
        </div>

        <aside className="space-y-5">
          <Card>
            <h2 className="mb-3 font-semibold">{t("topology.title")}</h2>
            <TopologyView topology={topology} />
          </Card>
        </aside>
      </div>
    </div>
  );
}

function Scripts({ id, scripts }: { id: string; scripts: View["scripts"] }) {
  const t = useTranslations("deployment.scripts");
  const [version, setVersion] = useState(scripts[0]!.version);
  const s = scripts.find((x) => x.version === version) ?? scripts[0]!;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="script-version" className="text-muted-fg">
          {t("version")}
        </label>
        <select
          id="script-version"
          className="h-8 rounded-md border border-border bg-card px-2 text-sm"
          value={version}
          onChange={(e) => setVersion(Number(e.target.value))}
        >
          {scripts.map((x) => (
            <option key={x.version} value={x.version}>
              v{x.version} · {x.os}
            </option>
          ))}
        </select>
        <span className="font-mono text-xs text-muted-fg">sha256 {s.sha256.slice(0, 16)}…</span>
        <span className="text-xs text-muted-fg">
          <RelativeTime iso={s.createdAt} />
        </span>
      </div>
      <BundleViewer
        key={s.version}
        files={s.files}
        initial="apply.sh"
        fileUrl={(p) => `/api/deployments/${id}/bundle?version=${s.version}&file=${encodeURIComponent(p)}`}
        archiveUrl={`/api/deployments/${id}/bundle?version=${s.version}`}
      />
      <p className="text-xs text-muted-fg">{t("howTo")}</p>
    </div>
  );
}

function EipResults({ d }: { d: View }) {
  const t = useTranslations("deployment.eips");
  const rows = d.eipResults;
  if (!rows.length) return null;
  return (
    <Card className="p-0">
      <div className="flex flex-wrap items-center gap-2 border-b border-border px-4 py-3">
        <h2 className="font-semibold">{t("title")}</h2>
        {d.checks && d.status !== "torn_down" && (
          <span className="text-xs text-muted-fg">
            {t("checked")} <RelativeTime iso={d.checks.checkedAt} />
          </span>
        )}
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="eip-results">
          <thead className="text-left text-xs text-muted-fg">
            <tr>
              <th scope="col" className="px-4 py-2">
                {t("eip")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("privateIp")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("association")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("cloudCheck")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("guestCheck")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.specIndex} className="border-t border-border" data-testid="eip-result">
                <td className="px-4 py-2">
                  <span className="font-mono">{e.ipAddress || "—"}</span>
                  <span className="block">
                    {e.allocationId ? (
                      <CopyId value={e.allocationId} />
                    ) : (
                      <span className="text-xs text-muted-fg">{t("notAllocated")}</span>
                    )}
                  </span>
                  {e.allocatedByUs && e.allocationId && <Badge className="mt-0.5">{t("allocated")}</Badge>}
                </td>
                <td className="px-2 py-2 font-mono">{e.privateIp || "—"}</td>
                <td className="px-2 py-2" data-association={e.association}>
                  {e.association === "unassociated" || e.association === "released" ? (
                    <Badge>{t(`association_${e.association}`)}</Badge>
                  ) : (
                    <StepBadge status={e.association} />
                  )}
                </td>
                <td className="px-2 py-2">
                  {e.cloud.verdict === "pass" && (
                    <span className="inline-flex items-center gap-1 text-success" data-check="pass">
                      <CheckCircle2 className="h-4 w-4" aria-hidden />
                      {t("pass")}
                    </span>
                  )}
                  {e.cloud.verdict === "fail" && (
                    <span className="inline-flex items-center gap-1 text-danger" data-check="fail">
                      <CircleAlert className="h-4 w-4" aria-hidden />
                      {t("fail")}: {e.cloud.detail}
                    </span>
                  )}
                  {e.cloud.verdict === "not_checked" && <span className="text-muted-fg">{t("notChecked")}</span>}
                  {e.cloud.verdict === "not_applicable" && (
                    <span className="text-muted-fg" data-check="not_applicable">
                      {t("notApplicable")}
                    </span>
                  )}
                </td>
                <td className="px-2 py-2 text-xs" data-guest-check={e.guest.verdict}>
                  {e.guest.verdict === "pass" && (
                    <span className="inline-flex items-center gap-1 text-success">
                      <CheckCircle2 className="h-4 w-4" aria-hidden />
                      {t("guest.pass")}
                    </span>
                  )}
                  {e.guest.verdict === "fail" && (
                    <span className="inline-flex items-center gap-1 text-danger">
                      <CircleAlert className="h-4 w-4" aria-hidden />
                      {t("guest.fail")}
                      {e.guest.detail && `: ${e.guest.detail}`}
                    </span>
                  )}
                  {["not_run", "rolled_back", "not_applicable"].includes(e.guest.verdict) && (
                    <span className="text-muted-fg">
                      {t(`guest.${e.guest.verdict as "not_run" | "rolled_back" | "not_applicable"}`)}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="border-t border-border px-4 py-2 text-xs text-muted-fg">
        {d.status === "torn_down" ? t("explainTornDown") : t("explain")}
      </p>
    </Card>
  );
}

/** What teardown does to the guest: derived from the record (guestApplied) and the last teardown's steps. */
function guestTeardown(d: View): GuestTeardown {
  const applied = d.resources.guestApplied;
  const instanceId =
    d.instanceId ??
    d.resources.instanceId ??
    (d.spec as { instance?: { instanceId?: string } }).instance?.instanceId ??
    "";
  const rollbackFailed =
    !!applied && d.steps.some((s) => s.phase === "teardown" && s.key === "guest.rollback" && s.status === "failed");
  const version = applied?.scriptVersion ?? d.scripts[0]?.version;
  return {
    viaCloudAssistant: applied ? { instanceId, scriptVersion: applied.scriptVersion } : null,
    rollbackFailed,
    rollbackUrl:
      version !== undefined && d.scripts.some((s) => s.version === version)
        ? `/api/deployments/${d.id}/bundle?version=${version}&file=rollback.sh`
        : null,
  };
}

/** Mounted only while open, so each opening starts with an empty field. */
function TeardownConfirm({
  name,
  guest,
  onConfirm,
}: {
  name: string;
  guest: GuestTeardown;
  onConfirm: (typed: string, skipGuestRollback: boolean) => Promise<string | null>;
}) {
  const t = useTranslations("deployment.teardownDialog");
  const [typed, setTyped] = useState("");
  const [skip, setSkip] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const inputRef = useRef<HTMLInputElement>(null);
  const manual = !guest.viaCloudAssistant || skip;
  return (
    // A press beside the dialog does not dismiss it: leaving takes "Keep it" or Escape.
    <DialogContent
      onPointerDownOutside={(e) => e.preventDefault()}
      onOpenAutoFocus={(e) => {
        e.preventDefault();
        inputRef.current?.focus();
      }}
    >
      <DialogTitle>{t("title")}</DialogTitle>
      <DialogDescription>{t("body")}</DialogDescription>
      {guest.viaCloudAssistant && !skip && <TeardownGuestNotice guest={guest} skip={skip} />}
      {guest.rollbackFailed && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={skip}
            onChange={(e) => setSkip(e.target.checked)}
            data-testid="skip-guest-rollback"
          />
          <span>{t("skipRollback")}</span>
        </label>
      )}
      {manual && <TeardownGuestNotice guest={guest} skip={skip} />}
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          startTransition(async () => setError(await onConfirm(typed, skip)));
        }}
      >
        <Field id="confirmName" label={t("typeName", { name })} error={error ?? undefined}>
          <Input
            id="confirmName"
            ref={inputRef}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
          />
        </Field>
        <div className="flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">{t("keep")}</Button>
          </DialogClose>
          <Button type="submit" variant="danger" disabled={typed !== name || pending}>
            {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
            {t("confirm")}
          </Button>
        </div>
      </form>
    </DialogContent>
  );
}
