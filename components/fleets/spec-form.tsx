"use client";
// What each member gets, when the fleet is not made from a team config: a new secondary ENI or the
// instance's primary ENI, N new EIPs on it (one per private address), the guest OS family.
import { useTranslations } from "next-intl";
import { Field, Input, Select } from "@/components/ui/input";
import { OS_FAMILIES } from "@/lib/os/os-families";
import type { FleetSpecInput } from "@/lib/fleet/fleet.schema";

export type SimpleSpec = { eniMode: "create" | "primary"; eips: number; os: (typeof OS_FAMILIES)[number] };
export const DEFAULT_SIMPLE_SPEC: SimpleSpec = { eniMode: "create", eips: 2, os: "alinux2" };

/**
 * The fleet spec of the simple form. A new ENI's own primary address carries an EIP, so it needs one secondary
 * address less than it has EIPs; the instance's primary ENI keeps its primary address for the instance.
 */
export function specOf(s: SimpleSpec): FleetSpecInput {
  return {
    enis: [
      {
        eni: { mode: s.eniMode },
        privateIps: { mode: "count", count: s.eniMode === "create" ? s.eips - 1 : s.eips },
        eips: Array.from({ length: s.eips }, () => ({})),
      },
    ],
    os: s.os,
  };
}

/** The simple form's values for a fleet spec it can show (one ENI), else null. */
export function simpleOf(spec: FleetSpecInput): SimpleSpec | null {
  const [e, ...more] = spec.enis;
  if (!e || more.length || !e.eips?.length) return null;
  return { eniMode: e.eni.mode, eips: e.eips.length, os: spec.os };
}

export function SpecForm({ value, onChange }: { value: SimpleSpec; onChange: (v: SimpleSpec) => void }) {
  const t = useTranslations("fleets.spec");
  const tos = useTranslations("wizard.os");
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Field id="fleet-eni" label={t("eni")}>
        <Select
          id="fleet-eni"
          value={value.eniMode}
          onChange={(e) => onChange({ ...value, eniMode: e.target.value as SimpleSpec["eniMode"] })}
        >
          <option value="create">{t("eniCreate")}</option>
          <option value="primary">{t("eniPrimary")}</option>
        </Select>
      </Field>
      <Field id="fleet-eips" label={t("eips")} hint={t("eipsHint")}>
        <Input
          id="fleet-eips"
          type="number"
          min={1}
          max={5}
          value={value.eips}
          onChange={(e) => onChange({ ...value, eips: Math.max(1, Math.min(5, Number(e.target.value) || 1)) })}
        />
      </Field>
      <Field id="fleet-os" label={t("os")}>
        <Select
          id="fleet-os"
          value={value.os}
          onChange={(e) => onChange({ ...value, os: e.target.value as SimpleSpec["os"] })}
        >
          {OS_FAMILIES.map((o) => (
            <option key={o} value={o}>
              {tos(o)}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
