"use client";
// Below 640 px the navigation and the account controls fold behind one Menu button (they took four
// rows of a phone's screen before); from 640 px up they are always shown and the button is gone.
import { useState } from "react";
import { usePathname } from "next/navigation";
import { Menu, X } from "lucide-react";

export function CollapsibleNav({ label, children }: { label: string; children: React.ReactNode }) {
  const pathname = usePathname();
  // Open on the page where it was opened: a link followed, the next page starts with the menu folded.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  return (
    <>
      <button
        type="button"
        className="ml-auto inline-flex h-9 items-center gap-1 rounded-md border border-border px-3 text-sm sm:hidden"
        aria-expanded={open}
        aria-controls="app-menu"
        onClick={() => setOpenOn(open ? null : pathname)}
      >
        {open ? <X className="h-4 w-4" aria-hidden /> : <Menu className="h-4 w-4" aria-hidden />}
        {label}
      </button>
      <div
        id="app-menu"
        data-open={open}
        className="hidden w-full flex-col gap-2 data-[open=true]:flex sm:flex sm:w-auto sm:flex-1 sm:flex-row sm:flex-wrap sm:items-center sm:gap-x-4"
      >
        {children}
      </div>
    </>
  );
}
