"use client";
import { useEffect, useState, useTransition } from "react";
import { useLocale, useTranslations } from "next-intl";
import { toast } from "sonner";
import { Loader2, Wrench } from "lucide-react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { planRepairAction, repairAction } from "@/lib/actions/lifecycle.actions";

type Preview = Extract<Awaited<ReturnType<typeof planRepairAction>>, { ok: true }>["data"];

/** Repair: the plan (drift found, exact calls, blocking findings) first; the calls run only on confirm. */
export function RepairButton({ teamId, id, refresh }: { teamId: string; id: string; refresh: () => Promise<void> }) {
  const t = useTranslations("lifecycle.repair");
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button data-testid="repair">
          <Wrench className="h-4 w-4" aria-hidden />
          {t("button")}
        </Button>
      </DialogTrigger>
      {open && (
        <RepairPlan
          teamId={teamId}
          id={id}
          onDone={async () => {
            setOpen(false);
            await refresh();
          }}
        />
      )}
    </Dialog>
  );
}

function RepairPlan({ teamId, id, onDone }: { teamId: string; id: string; onDone: () => Promise<void> }) {
  const t = useTranslations("lifecycle.repair");
  const locale = useLocale() as "en" | "ja";
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  useEffect(() => {
    void planRepairAction({ teamId, id }).then((r) => (r.ok ? setPreview(r.data) : setError(r.error)));
  }, [teamId, id]);
  const blocking = preview?.findings.filter((f) => f.severity === "error") ?? [];
  return (
    <DialogContent onPointerDownOutside={(e) => e.preventDefault()} data-testid="repair-dialog">
      <DialogTitle>{t("title")}</DialogTitle>
      <DialogDescription>{t("intro")}</DialogDescription>
      {!preview && !error && (
        <p className="flex items-center gap-2 text-sm text-muted-fg">
          <Loader2 className="h-4 w-4 animate-spin" aria-hidden />
          {t("loading")}
        </p>
      )}
      {error && <p className="text-sm text-danger">{error}</p>}
      {preview && (
        <div className="max-h-[50vh] space-y-3 overflow-y-auto text-sm">
          <p className="font-medium text-warning">{t("found", { count: preview.drift.length })}</p>
          <ul className="space-y-1">
            {preview.drift.map((d, i) => (
              <li key={i} className="rounded border border-warning/40 p-2">
                {d.message[locale]}
              </li>
            ))}
          </ul>
          {blocking.length > 0 && (
            <div className="rounded border border-danger/50 p-2 text-danger" data-testid="repair-blocked">
              <p className="font-medium">{t("blocked")}</p>
              <ul className="list-disc pl-5">
                {blocking.map((f, i) => (
                  <li key={i}>
                    {f.message[locale]} {f.fix[locale]}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p className="font-medium">{t("calls", { count: preview.calls.length })}</p>
          {preview.calls.length === 0 ? (
            <p className="text-muted-fg">{t("noCalls")}</p>
          ) : (
            <ol className="list-decimal space-y-1 pl-5" data-testid="repair-calls">
              {preview.calls.map((c) => (
                <li key={c.key}>
                  <span className="font-mono text-xs">{c.action}</span> — {c.description[locale]}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <DialogClose asChild>
          <Button variant="secondary">{t("close")}</Button>
        </DialogClose>
        <Button
          disabled={!preview?.canRun || pending}
          onClick={() =>
            startTransition(async () => {
              const r = await repairAction({ teamId, id });
              if (!r.ok) {
                setError(r.error);
                return;
              }
              toast.success(t("started", { count: r.data.calls }));
              await onDone();
            })
          }
        >
          {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
          {t("confirm", { count: preview?.calls.length ?? 0 })}
        </Button>
      </div>
    </DialogContent>
  );
}
