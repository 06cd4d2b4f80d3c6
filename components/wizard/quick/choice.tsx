"use client";
import { cn } from "@/components/ui/cn";

/** Radio buttons drawn as pills (Quick deploy's "use an existing one / create a new one"). */
export function Choice({
  name,
  value,
  options,
  onChange,
}: {
  name: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
}) {
  return (
    <div className="flex flex-wrap gap-2" role="radiogroup">
      {options.map(([v, label]) => (
        <label
          key={v}
          className={cn(
            "inline-flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm",
            value === v ? "border-primary bg-primary/5" : "border-border",
          )}
        >
          <input
            type="radio"
            name={name}
            value={v}
            checked={value === v}
            onChange={() => onChange(v)}
            className="h-4 w-4"
          />
          {label}
        </label>
      ))}
    </div>
  );
}
