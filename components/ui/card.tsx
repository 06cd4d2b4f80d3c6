import * as React from "react";
import { cn } from "./cn";

export function Card({ className, ...props }: React.HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("rounded-lg border border-border bg-card p-5 shadow-sm", className)} {...props} />;
}

// Tinted background, text darkened (light theme) or lightened (dark theme) past
// 4.5:1 so small status words meet WCAG AA (axe color-contrast).
const tones = {
  neutral: "bg-muted text-fg",
  success: "bg-success/15 text-green-800 dark:text-green-300",
  danger: "bg-danger/15 text-red-800 dark:text-red-300",
  warning: "bg-warning/15 text-yellow-900 dark:text-yellow-200",
  info: "bg-primary/15 text-orange-900 dark:text-orange-200",
} as const;

/** Status is a word and a colour, never colour alone. */
export function Badge({
  tone = "neutral",
  className,
  ...props
}: React.HTMLAttributes<HTMLSpanElement> & { tone?: keyof typeof tones }) {
  return (
    <span
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium",
        tones[tone],
        className,
      )}
      {...props}
    />
  );
}
