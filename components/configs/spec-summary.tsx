"use client";
// A config's shape in words — used in the team's library and on public share
// pages. Every ENI is listed with its private IPs and EIPs. Everything is
// rendered as text (React escapes it). OS, traffic and billing read as the
// wizard names them (messages/*/wizard.json), not as enum values.
import { useTranslations } from "next-intl";
import type { ConfigEniEntry, ConfigSpec } from "@/lib/configs/config.schema";

type Row = [label: string, value: string, id?: boolean];

export function SpecSummary({ spec }: { spec: ConfigSpec }) {
  const t = useTranslations("configs.spec");
  const tw = useTranslations("wizard");
  const eipsValue = (eips: ConfigEniEntry["eips"]) => {
    const allocate = eips.filter((e) => e.source === "allocate").length;
    return t("eipsValue", { total: eips.length, allocate, existing: eips.length - allocate });
  };
  const several = spec.enis.length > 1;
  const eniRows = (e: ConfigEniEntry, k: number): Row[] => {
    // With several ENIs each row names its ENI; one ENI reads as it always did.
    const label = (key: string) => (several ? `${t("eniN", { n: k + 1 })} · ${t(key)}` : t(key));
    const eni =
      e.eni.mode === "create"
        ? `${t("newEni")}${e.eni.name ? ` (${e.eni.name})` : ""}`
        : e.eni.mode === "primary"
          ? t("primaryEni")
          : t("existingEni");
    return [
      [several ? t("eniN", { n: k + 1 }) : t("eni"), eni],
      [
        label("privateIps"),
        e.privateIps.mode === "count"
          ? t("count", { count: e.privateIps.count })
          : t("explicit", { list: e.privateIps.addresses.join(", ") || "—" }),
      ],
      ...(e.eni.mode === "primary" ? [] : [[label("primary"), e.usePrimaryIp ? t("yes") : t("no")] as Row]),
      [label("eips"), eipsValue(e.eips)],
    ];
  };
  // [label, value, value is an id (monospace)]
  const rows: Row[] = [
    [t("region"), spec.regionId, true],
    [
      t("instance"),
      spec.instance.mode === "create"
        ? t("newInstance", { type: spec.instance.instanceType, zone: spec.instance.zoneId })
        : t("existingInstance"),
    ],
    ...spec.enis.flatMap(eniRows),
    ...(several ? [[t("eipsTotal"), eipsValue(spec.enis.flatMap((e) => e.eips))] as Row] : []),
    [
      t("bandwidth"),
      `${spec.eipAllocation.bandwidth} Mbps · ${tw(spec.eipAllocation.internetChargeType === "PayByBandwidth" ? "eipStep.payByBandwidth" : "eipStep.payByTraffic")}`,
    ],
    [t("os"), tw(`os.${spec.os}`)],
    [t("traffic"), tw(`traffic.${spec.traffic}.short`)],
  ];
  return (
    <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[200px_1fr]" data-testid="spec-summary">
      {rows.map(([k, v, id], i) => (
        <div key={`${i}:${k}`} className="contents">
          <dt className="text-muted-fg">{k}</dt>
          <dd className={id ? "break-all font-mono font-medium" : "break-words font-medium"}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
