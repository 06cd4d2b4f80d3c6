"use client";
// Modal dialogs and side drawers on Radix (`radix-ui`): focus moves in on open,
// Tab stays inside, Escape closes, focus goes back to the trigger on close, the
// rest of the page is hidden from assistive technology, and the dialog is
// labelled by its DialogTitle (and described by its DialogDescription, if any).
import * as React from "react";
import { Dialog as DialogPrimitive } from "radix-ui";
import { cn } from "./cn";

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;
export const DialogClose = DialogPrimitive.Close;

export function DialogTitle({ className, ...props }: React.ComponentProps<typeof DialogPrimitive.Title>) {
  return <DialogPrimitive.Title className={cn("text-lg font-semibold", className)} {...props} />;
}

export function DialogDescription({ className, ...props }: React.ComponentProps<typeof DialogPrimitive.Description>) {
  return <DialogPrimitive.Description className={cn("text-sm", className)} {...props} />;
}

type ContentProps = React.ComponentProps<typeof DialogPrimitive.Content>;

// The content sits inside the overlay (Radix's "scrollable overlay" layout), so
// the overlay both dims the page and positions the panel; a press on the
// overlay is a press outside the content and closes the dialog unless the
// caller prevents it (onPointerDownOutside / onInteractOutside).
function Layer({ overlayClassName, ...props }: ContentProps & { overlayClassName: string }) {
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className={overlayClassName}>
        <DialogPrimitive.Content {...props} />
      </DialogPrimitive.Overlay>
    </DialogPrimitive.Portal>
  );
}

/** A centred modal (confirmations, short forms). */
export function DialogContent({ className, ...props }: ContentProps) {
  return (
    <Layer
      overlayClassName="fixed inset-0 z-50 flex items-center justify-center overflow-y-auto bg-black/40 p-4"
      className={cn(
        "w-full max-w-md space-y-3 rounded-lg border border-border bg-card p-5 shadow-sm focus:outline-none",
        className,
      )}
      {...props}
    />
  );
}

/** A full-height panel on the right (details of a row). */
export function DrawerContent({ className, ...props }: ContentProps) {
  return (
    <Layer
      overlayClassName="fixed inset-0 z-40 flex justify-end bg-black/30"
      className={cn("h-full w-full max-w-xl overflow-y-auto bg-card p-5 shadow-xl focus:outline-none", className)}
      {...props}
    />
  );
}
