"use client";
// A button that asks before it acts: nothing irreversible happens on a single
// click. The dialog stays open with the server's message if the action fails.
import { useState, useTransition, type ReactNode } from "react";
import { Loader2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";

type Props = {
  trigger: ReactNode;
  triggerLabel?: string;
  triggerVariant?: "secondary" | "danger" | "ghost";
  title: string;
  body: string;
  confirm: string;
  /** Resolves to an error message to show, or null when done. */
  onConfirm: () => Promise<string | null>;
};

export function ConfirmButton({
  trigger,
  triggerLabel,
  triggerVariant = "secondary",
  title,
  body,
  confirm,
  onConfirm,
}: Props) {
  const t = useTranslations("teams.members");
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setError(null);
      }}
    >
      <DialogTrigger asChild>
        <Button type="button" size="sm" variant={triggerVariant} aria-label={triggerLabel}>
          {trigger}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{body}</DialogDescription>
        {error && (
          <p role="alert" className="rounded-md bg-danger/10 p-2 text-sm text-danger">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <DialogClose asChild>
            <Button type="button" variant="secondary">
              {t("keep")}
            </Button>
          </DialogClose>
          <Button
            type="button"
            variant="danger"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const problem = await onConfirm();
                if (problem) setError(problem);
                else setOpen(false);
              })
            }
          >
            {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
            {confirm}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
