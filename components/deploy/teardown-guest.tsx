"use client";
// What the teardown dialog says about the guest OS configuration (policy routes on the instance).
import { useTranslations } from "next-intl";

export type GuestTeardown = {
  /** rollback.sh will run through Cloud Assistant first (the guest configuration was applied that way). */
  viaCloudAssistant: { instanceId: string; scriptVersion: number } | null;
  /** The last teardown stopped because that rollback failed: offer to go on without it. */
  rollbackFailed: boolean;
  /** Where to fetch rollback.sh (null: no bundle, e.g. inbound only). */
  rollbackUrl: string | null;
};

/** `skip`: the operator chose to skip the Cloud Assistant rollback and run rollback.sh by hand. */
export function TeardownGuestNotice({ guest, skip }: { guest: GuestTeardown; skip: boolean }) {
  const t = useTranslations("deployment.teardownDialog");
  if (guest.viaCloudAssistant && !skip) {
    return (
      <p
        className="rounded-md border border-border bg-muted/40 p-3 text-sm"
        data-testid="teardown-guest"
        data-guest="cloud-assistant"
      >
        {t("guestCloudAssistant", {
          instance: guest.viaCloudAssistant.instanceId,
          version: guest.viaCloudAssistant.scriptVersion,
        })}
      </p>
    );
  }
  if (!guest.rollbackUrl) return null;
  return (
    <div
      className="rounded-md border border-warning/50 bg-warning/5 p-3 text-sm"
      data-testid="teardown-guest"
      data-guest="manual"
    >
      {/* Skipped: EIPilot did apply it (through Cloud Assistant), it just will not remove it. */}
      <p>
        {guest.viaCloudAssistant
          ? t("guestSkipped", { instance: guest.viaCloudAssistant.instanceId })
          : t("guestManual")}
      </p>
      <p className="mt-1.5 flex flex-wrap gap-3">
        <a className="text-primary underline" href={guest.rollbackUrl} target="_blank" rel="noreferrer">
          {t("showRollback")}
        </a>
        <a className="text-primary underline" href={guest.rollbackUrl} download="rollback.sh">
          {t("downloadRollback")}
        </a>
      </p>
    </div>
  );
}
