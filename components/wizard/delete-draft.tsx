"use client";
// Deleting a saved draft: asked first (nothing irreversible on one click), then back to the dashboard.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { deleteDraftAction } from "@/lib/actions/wizard.actions";

export function DeleteDraft({ teamId, draftId, name }: { teamId: string; draftId: string; name: string }) {
  const t = useTranslations("wizard.draft");
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="ghost" className="text-danger" onClick={() => (setError(null), setOpen(true))}>
        <Trash2 className="h-4 w-4" aria-hidden /> {t("delete")}
      </Button>
      <DialogContent aria-describedby="delete-draft-what">
        <DialogTitle>{t("deleteTitle", { name })}</DialogTitle>
        <DialogDescription id="delete-draft-what">{t("deleteWhat")}</DialogDescription>
        {error && (
          <p role="alert" className="mt-3 text-sm text-danger">
            {error}
          </p>
        )}
        <div className="mt-4 flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">{t("keep")}</Button>
          </DialogClose>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const r = await deleteDraftAction({ teamId, id: draftId });
                if (!r.ok) return setError(r.error);
                toast.success(t("deleted", { name }));
                router.push("/");
              })
            }
          >
            {t("deleteConfirm")}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
