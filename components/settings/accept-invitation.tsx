"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { authClient } from "@/lib/auth/auth-client";
import { Button } from "@/components/ui/button";

export function AcceptInvitation({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  const t = useTranslations("settings.team");
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-2">
      <Button
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const res = await authClient.organization.acceptInvitation({ invitationId: id });
          setPending(false);
          // Revoked or expired since the page was shown, or refused for another reason: said in the page's language.
          if (res.error) {
            setError(t(res.error.code === "INVITATION_NOT_FOUND" ? "inviteInvalid" : "acceptFailed"));
            return;
          }
          await authClient.organization.setActive({ organizationId: res.data?.member.organizationId ?? null });
          router.replace("/");
          router.refresh();
        }}
      >
        {label}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      )}
    </div>
  );
}
