"use client";
import { useRef, useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/input";
import { CopyId } from "@/components/ui/copy-id";
import type { DeploymentView as View } from "@/lib/deploy/deployment-view.service";
import { TeardownGuestNotice, type GuestTeardown } from "./teardown-guest";
import { bundleUrl } from "./bundle-url";

/** What teardown does to the guest: derived from the record (guestApplied) and the last teardown's steps. */
export function guestTeardown(d: View, teamId: string): GuestTeardown {
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
        ? bundleUrl(teamId, d.id, version, "rollback.sh")
        : null,
  };
}

/** Mounted only while open, so each opening starts with an empty field. */
export function TeardownConfirm({
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
          startTransition(async () => setError(await onConfirm(typed.trim(), skip)));
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
        {/* The name to type, copyable: a pasted name with a stray space or line break still counts (trimmed). */}
        <CopyId value={name} />
        <div className="flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">{t("keep")}</Button>
          </DialogClose>
          <Button type="submit" variant="danger" disabled={typed.trim() !== name || pending}>
            {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
            {t("confirm")}
          </Button>
        </div>
      </form>
    </DialogContent>
  );
}
