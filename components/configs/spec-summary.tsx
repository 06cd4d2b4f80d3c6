"use client";
// A config's shape in words — used in the team's library and on public share
// pages. Everything is rendered as text (React escapes it). OS, traffic and
// billing read as the wizard names them (messages/*/wizard.json), not as enum values.
import { useTranslations } from "next-intl";
import type { ConfigSpec } from "@/lib/configs/config.schema";

export function SpecSummary({ spec }: { spec: ConfigSpec }) {
  const t = useTranslations("configs.spec");
  const tw = useTranslations("wizard");
  const allocate = spec.eips.filter((e) => e.source === "allocate").length;
  // [label, value, value is an id (monospace)]
  const rows: [string, string, boolean?][] = [
    [t("region"), spec.regionId, true],
    [
      t("instance"),
      spec.instance.mode === "create"
        ? t("newInstance", { type: spec.instance.instanceType, zone: spec.instance.zoneId })
        : t("existingInstance"),
    ],
    [
      t("eni"),
      spec.eni.mode === "create" ? `${t("newEni")}${spec.eni.name ? ` (${spec.eni.name})` : ""}` : t("existingEni"),
    ],
    [
      t("privateIps"),
      spec.privateIps.mode === "count"
        ? t("count", { count: spec.privateIps.count })
        : t("explicit", { list: spec.privateIps.addresses.join(", ") || "—" }),
    ],
    [t("primary"), spec.usePrimaryIp ? t("yes") : t("no")],
    [t("eips"), t("eipsValue", { total: spec.eips.length, allocate, existing: spec.eips.length - allocate })],
    [
      t("bandwidth"),
      `${spec.eipAllocation.bandwidth} Mbps · ${tw(spec.eipAllocation.internetChargeType === "PayByBandwidth" ? "eipStep.payByBandwidth" : "eipStep.payByTraffic")}`,
    ],
    [t("os"), tw(`os.${spec.os}`)],
    [t("traffic"), tw(`traffic.${spec.traffic}.short`)],
  ];
  return (
    <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[200px_1fr]" data-testid="spec-summary">
      {rows.map(([k, v, id]) => (
        <div key={k} className="contents">
          <dt className="text-muted-fg">{k}</dt>
          <dd className={id ? "break-all font-mono font-medium" : "break-words font-medium"}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
