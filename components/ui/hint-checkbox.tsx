import type { ReactNode } from "react";
import { cn } from "./cn";

/** A checkbox with its label and, below it, a hint the checkbox is described by (`boxed`: in a bordered panel). */
export function HintCheckbox({
  id,
  checked,
  onChange,
  label,
  hint,
  boxed = false,
}: {
  /** The hint's element id (unique on the page). */
  id: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: ReactNode;
  hint: ReactNode;
  boxed?: boolean;
}) {
  return (
    <label className={cn("flex items-start gap-2 text-sm", boxed && "rounded-md border border-border p-3")}>
      <input
        type="checkbox"
        className="mt-0.5"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={id}
      />
      <span>
        {label}
        <span id={id} className="block text-xs text-muted-fg">
          {hint}
        </span>
      </span>
    </label>
  );
}
