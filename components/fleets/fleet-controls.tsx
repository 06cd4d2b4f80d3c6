"use client";
// The fleet's controls, offered by status: start (a draft), pause, resume, abort, retry failed, change
// config, teardown (the fleet's name typed), drift check + repair, Cloud Assistant apply / verify (all members
// or the failed ones). Each answers with a toast; the page refetches the fleet.
import { useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import { useQueryClient } from "@tanstack/react-query";
import { Loader2, Trash2 } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/input";
import {
  abortFleetAction,
  changeFleetAction,
  checkFleetDriftAction,
  guestApplyFleetAction,
  guestVerifyFleetAction,
  pauseFleetAction,
  repairFleetAction,
  resumeFleetAction,
  retryFailedFleetAction,
  startFleetAction,
  teardownFleetAction,
} from "@/lib/actions/fleets.actions";
import type { FleetView } from "@/lib/fleet/fleet-view";
import { fleetKeys } from "./fleet-queries";
import { fleetControls } from "./member-filter";
import { DEFAULT_SIMPLE_SPEC, SpecForm, simpleOf, specOf, type SimpleSpec } from "./spec-form";

type Answer = { ok: true; data: unknown } | { ok: false; error: string };
type Started = { members: number };
type GuestDone = { ok: number; failed: number };

/** One control: calls its action, says the outcome in a toast, refetches the fleet. */
function useControl(teamId: string, id: string) {
  const qc = useQueryClient();
  const [pending, startTransition] = useTransition();
  const button = <T,>(
    show: boolean,
    label: string,
    call: () => Promise<Answer>,
    done: (data: T) => string,
    variant: "secondary" | "primary" = "secondary",
  ) =>
    show && (
      <Button
        size="sm"
        variant={variant}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const r = await call();
            if (!r.ok) toast.error(r.error);
            else toast.success(done(r.data as T));
            await qc.invalidateQueries({ queryKey: fleetKeys.one(teamId, id) });
          })
        }
      >
        {label}
      </Button>
    );
  return { button, pending };
}

export function FleetControls({ teamId, f }: { teamId: string; f: FleetView }) {
  const t = useTranslations("fleets.controls");
  const { button, pending } = useControl(teamId, f.id);
  const c = fleetControls(f.status, f.totals.byState.failed);
  const input = { teamId, id: f.id };
  const started = (d: Started) => t("startedToast", { count: d.members });
  return (
    <Card className="space-y-3" data-testid="fleet-controls">
      <div className="flex flex-wrap items-center gap-2">
        {button(c.start, t("start"), () => startFleetAction(input), started, "primary")}
        {button(
          c.pause,
          t("pause"),
          () => pauseFleetAction(input),
          () => t("pauseToast"),
        )}
        {button(c.resume, t("resume"), () => resumeFleetAction(input), started, "primary")}
        {button(
          c.abort,
          t("abort"),
          () => abortFleetAction(input),
          () => t("abortToast"),
        )}
        {button(c.retryFailed, t("retryFailed"), () => retryFailedFleetAction(input), started, "primary")}
        {c.change && <ChangeConfig teamId={teamId} f={f} />}
        {c.teardown && <TeardownFleet teamId={teamId} f={f} />}
        {pending && <Loader2 className="h-4 w-4 animate-spin text-muted-fg" aria-label={t("working")} />}
      </div>
      {(c.drift || c.guest) && <Maintenance teamId={teamId} f={f} />}
    </Card>
  );
}

/** Drift check and repair; Cloud Assistant apply / verify on every member or on the failed ones only. */
function Maintenance({ teamId, f }: { teamId: string; f: FleetView }) {
  const t = useTranslations("fleets.controls");
  const { button } = useControl(teamId, f.id);
  const [drifted, setDrifted] = useState<number | null>(null);
  const c = fleetControls(f.status, f.totals.byState.failed);
  const input = { teamId, id: f.id };
  const guest = (d: GuestDone) => t("guestToast", d);
  const check = async () => {
    const r = await checkFleetDriftAction(input);
    if (r.ok) setDrifted(r.data.drifted);
    return r;
  };
  return (
    <div className="flex flex-wrap items-center gap-2 border-t border-border pt-3">
      {button(c.drift, t("checkDrift"), check, (d: { drifted: number; inSync: number }) => t("driftToast", d))}
      {button(
        c.drift && (drifted ?? 0) > 0,
        t("repair", { count: drifted ?? 0 }),
        () => repairFleetAction(input),
        (d: Started) => t("startedToast", { count: d.members }),
      )}
      {drifted !== null && (
        <span className="text-sm text-muted-fg" data-testid="drifted-count">
          {t("drifted", { count: drifted })}
        </span>
      )}
      {button(c.guest, t("guestApply"), () => guestApplyFleetAction({ ...input, onlyFailed: false }), guest)}
      {button(c.guest, t("guestApplyFailed"), () => guestApplyFleetAction({ ...input, onlyFailed: true }), guest)}
      {button(c.guest, t("guestVerify"), () => guestVerifyFleetAction({ ...input, onlyFailed: false }), guest)}
      {button(c.guest, t("guestVerifyFailed"), () => guestVerifyFleetAction({ ...input, onlyFailed: true }), guest)}
    </div>
  );
}

/** Change config: the simple spec form on the fleet's spec; nothing runs until "Start rollout". */
function ChangeConfig({ teamId, f }: { teamId: string; f: FleetView }) {
  const t = useTranslations("fleets.controls");
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState<SimpleSpec>(() => simpleOf(f.spec) ?? DEFAULT_SIMPLE_SPEC);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="secondary">
          {t("change")}
        </Button>
      </DialogTrigger>
      {open && (
        <DialogContent>
          <DialogTitle>{t("changeTitle")}</DialogTitle>
          <DialogDescription>{t("changeBody")}</DialogDescription>
          <SpecForm value={value} onChange={setValue} />
          {error && (
            <p role="alert" className="text-sm text-danger">
              {error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="secondary">{t("cancel")}</Button>
            </DialogClose>
            <Button
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const r = await changeFleetAction({ teamId, id: f.id, spec: specOf(value) });
                  if (!r.ok) return setError(r.error);
                  const s = await startFleetAction({ teamId, id: f.id });
                  if (!s.ok) return setError(s.error);
                  toast.success(t("startedToast", { count: s.data.members }));
                  setOpen(false);
                  await qc.invalidateQueries({ queryKey: fleetKeys.one(teamId, f.id) });
                })
              }
            >
              {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
              {t("changeApply")}
            </Button>
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
}

/** Teardown: every member torn down, canary first; the fleet's name is typed to confirm. */
function TeardownFleet({ teamId, f }: { teamId: string; f: FleetView }) {
  const t = useTranslations("fleets.controls");
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="danger">
          <Trash2 className="h-4 w-4" aria-hidden />
          {t("teardown")}
        </Button>
      </DialogTrigger>
      {open && (
        <DialogContent onPointerDownOutside={(e) => e.preventDefault()}>
          <DialogTitle>{t("teardownTitle")}</DialogTitle>
          <DialogDescription>{t("teardownBody", { count: f.totals.members })}</DialogDescription>
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              startTransition(async () => {
                const r = await teardownFleetAction({ teamId, id: f.id, confirmName: typed.trim() });
                if (!r.ok) return setError(r.error);
                toast.success(t("teardownToast", { count: r.data.members }));
                setOpen(false);
                await qc.invalidateQueries({ queryKey: fleetKeys.one(teamId, f.id) });
              });
            }}
          >
            <Field id="fleet-confirm" label={t("typeName", { name: f.name })} error={error ?? undefined}>
              <Input id="fleet-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
            </Field>
            <CopyId value={f.name} />
            <div className="flex justify-end gap-2">
              <DialogClose asChild>
                <Button variant="secondary">{t("keep")}</Button>
              </DialogClose>
              <Button type="submit" variant="danger" disabled={typed.trim() !== f.name || pending}>
                {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
                {t("teardownConfirm")}
              </Button>
            </div>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
