"use client";
// An audit time: the exact time written out (not only on hover) and how long ago, counted from a
// `now` that advances, so a row newer than the page reads "now", never "in 15 seconds".
import { useFormatter, useNow } from "next-intl";

export function AuditTime({ at }: { at: string }) {
  const format = useFormatter();
  const now = useNow({ updateInterval: 15_000 });
  const d = new Date(at);
  const reference = d > now ? d : now;
  return (
    <time dateTime={at} className="block whitespace-nowrap">
      <span className="font-mono text-xs" data-testid="audit-absolute-time">
        {format.dateTime(d, {
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
          hour: "2-digit",
          minute: "2-digit",
          second: "2-digit",
          hourCycle: "h23",
          timeZoneName: "short",
        })}
      </span>
      <span className="block text-xs text-muted-fg">{format.relativeTime(d, reference)}</span>
    </time>
  );
}
