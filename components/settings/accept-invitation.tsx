"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth/auth-client";
import { Button } from "@/components/ui/button";

export function AcceptInvitation({ id, label }: { id: string; label: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-2">
      <Button disabled={pending} onClick={async () => {
        setPending(true);
        const res = await authClient.organization.acceptInvitation({ invitationId: id });
        setPending(false);
        if (res.error) { setError(res.error.message ?? "Could not accept the invitation"); return; }
        await authClient.organization.setActive({ organizationId: res.data?.member.organizationId ?? null });
        router.replace("/");
        router.refresh();
      }}>{label}</Button>
      {error && <p role="alert" className="text-sm text-danger">{error}</p>}
    </div>
  );
}
