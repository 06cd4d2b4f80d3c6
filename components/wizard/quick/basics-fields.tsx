"use client";
import { useTranslations } from "next-intl";
import { Field, Input, Select } from "@/components/ui/input";
import { RegionOptions } from "../field-issues";
import type { AccountOption } from "../use-wizard-state";
import type { QuickFieldsProps } from "./use-quick-deploy";

/** Name, cloud account and region; a new region clears every choice made in the old one. */
export function BasicsFields({
  form,
  update,
  inventory,
  err,
  accounts,
  setPicked,
  suggestedName,
}: QuickFieldsProps & { accounts: AccountOption[]; setPicked: (ids: string[] | null) => void; suggestedName: string }) {
  const tw = useTranslations("wizard");
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Field id="q-name" label={tw("fields.name")} error={err("name")}>
        <Input
          id="q-name"
          value={form.name}
          // What it will be called if nothing is typed: derived from the choices, follows them.
          placeholder={suggestedName}
          onChange={(e) => update({ name: e.target.value })}
        />
      </Field>
      <Field id="q-account" label={tw("fields.account")} error={err("cloudAccountId")}>
        <Select
          id="q-account"
          value={form.cloudAccountId}
          onChange={(e) => {
            const x = accounts.find((y) => y.id === e.target.value);
            update({ cloudAccountId: e.target.value, regionId: x?.defaultRegion ?? form.regionId });
          }}
        >
          {accounts.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="q-region" label={tw("fields.region")} error={err("regionId")}>
        <Select
          id="q-region"
          value={form.regionId}
          onChange={(e) => {
            setPicked(null); // the new region's Available EIPs
            update({
              regionId: e.target.value,
              instanceId: "",
              eniId: "",
              vSwitchId: "",
              securityGroupId: "",
              instanceVSwitchId: "",
              instanceSecurityGroupId: "",
              zoneId: "",
            });
          }}
        >
          <RegionOptions regions={inventory?.regions ?? [{ regionId: form.regionId, name: form.regionId }]} />
        </Select>
      </Field>
    </div>
  );
}
