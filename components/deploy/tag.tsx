import * as React from "react";
import { Badge } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";

type Tone = "neutral" | "success" | "danger" | "warning" | "info";
// The shared Badge's tinted tones are below 4.5:1 for small text (axe color-contrast);
// these darker (light theme) / lighter (dark theme) text colours keep the same hue.
const TEXT: Record<Tone, string> = {
  neutral: "",
  success: "text-green-800 dark:text-green-300",
  danger: "text-red-800 dark:text-red-300",
  warning: "text-yellow-900 dark:text-yellow-200",
  info: "text-orange-900 dark:text-orange-200",
};

/** A Badge with AA contrast on every tone. */
export function Tag({ tone = "neutral", className, ...props }: React.HTMLAttributes<HTMLSpanElement> & { tone?: Tone }) {
  return <Badge tone={tone} className={cn(TEXT[tone], className)} {...props} />;
}
