"use client";
import { useState, useTransition } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { RefreshCw, ShieldCheck, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { Dialog, DialogTrigger } from "@/components/ui/dialog";
import { CopyId } from "@/components/ui/copy-id";
import type { DeploymentView as View } from "@/lib/deploy/deployment-view.service";
import {
  cancelAction,
  refreshAction,
  resumeAction,
  teardownAction,
  verifyAction,
} from "@/lib/actions/deployments.actions";
import { RelativeTime, StatusBadge } from "./status";
import { guestTeardown, TeardownConfirm } from "./teardown-dialog";
import type { Drift } from "./drift-card";
import { RepairButton } from "./repair-dialog";

/** What the header and its actions need: the deployment, the user's right to act, and how to refresh it. */
type HeaderProps = {
  teamId: string;
  d: View;
  canApply: boolean;
  running: boolean;
  refresh: () => Promise<void>;
  setDrift: (drift: Drift) => void;
};

/** The deployment's name, status, id, region, author and times; and what the user can do to it. */
export function DeploymentHeader(props: HeaderProps) {
  const { d, running } = props;
  const t = useTranslations("deployment");
  return (
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
      <DeploymentActions {...props} />
    </header>
  );
}

/** Cancel, Resume, Verify, Refresh (drift), Tear down, Open draft: each only where the status allows it. */
function DeploymentActions({ teamId, d, canApply, running, refresh, setDrift }: HeaderProps) {
  const t = useTranslations("deployment");
  const [pending, startTransition] = useTransition();
  const canTeardown = canApply && ["succeeded", "drifted", "failed", "cancelled"].includes(d.status);
  const act = (fn: () => Promise<{ ok: boolean; error?: string; requestId?: string }>, ok?: string) =>
    startTransition(async () => {
      const r = await fn();
      if (!r.ok) toast.error(`${r.error}${r.requestId ? ` (RequestId ${r.requestId})` : ""}`);
      else if (ok) toast.success(ok);
      await refresh();
    });
  return (
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
      {canApply && d.status === "drifted" && <RepairButton teamId={teamId} id={d.id} refresh={refresh} />}
      {(d.status === "succeeded" || d.status === "drifted") && (
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
              // The check moves the status (drifted / succeeded): show it everywhere at once.
              await refresh();
            })
          }
        >
          <RefreshCw className="h-4 w-4" aria-hidden />
          {t("refresh")}
        </Button>
      )}
      {canTeardown && <TeardownButton teamId={teamId} d={d} refresh={refresh} />}
      {["draft", "ready"].includes(d.status) && (
        <Link
          className="inline-flex h-10 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-fg"
          href={`/deployments/new?draft=${d.id}`}
        >
          {t("openDraft")}
        </Link>
      )}
    </div>
  );
}

/** Tear down: a dialog that asks for the deployment's name (and says what happens to the guest). */
function TeardownButton({ teamId, d, refresh }: { teamId: string; d: View; refresh: () => Promise<void> }) {
  const t = useTranslations("deployment");
  const [confirmOpen, setConfirmOpen] = useState(false);
  return (
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
          guest={guestTeardown(d, teamId)}
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
  );
}
