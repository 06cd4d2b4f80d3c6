"use client";
import { useTranslations } from "next-intl";
import { Field, Input } from "@/components/ui/input";
import { chosenEni, eniVSwitch, exampleAddresses, ipRoom } from "../form-model";
import { fieldError, invalidProps } from "../field-issues";
import type { StepProps } from "./step-props";

export function IpsStep({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const vsw = eniVSwitch(form, inventory);
  const eni = chosenEni(form, inventory);
  return (
    <div className="space-y-4">
      <div className="rounded-md border border-border bg-muted/40 p-3 text-sm" data-testid="cidr-note">
        {vsw
          ? t("ips.cidr", { vSwitch: vsw.vSwitchId, cidr: vsw.cidrBlock, free: vsw.availableIpAddressCount })
          : t("ips.noVSwitch")}
        {eni && (
          <span className="block text-muted-fg">
            {t("ips.eniHas", { eni: eni.networkInterfaceId, ips: eni.privateIps.map((p) => p.ip).join(", ") })}
          </span>
        )}
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">{t("ips.mode")}</legend>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="ipMode"
            checked={form.ipMode === "count"}
            onChange={() => update({ ipMode: "count" })}
            className="h-4 w-4"
          />
          {t("ips.count")}
        </label>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="ipMode"
            checked={form.ipMode === "explicit"}
            onChange={() => update({ ipMode: "explicit" })}
            className="h-4 w-4"
          />
          {t("ips.explicit")}
        </label>
      </fieldset>
      <IpFields form={form} update={update} inventory={inventory} issues={issues} />
      {form.eniMode !== "primary" && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 h-4 w-4"
            checked={form.usePrimaryIp}
            onChange={(e) => update({ usePrimaryIp: e.target.checked })}
          />
          <span>
            {t("ips.usePrimary")}
            <span className="block text-xs text-muted-fg">{t("ips.usePrimaryHint")}</span>
          </span>
        </label>
      )}
    </div>
  );
}

/** How many addresses the cloud picks, or the list of addresses the user wants. */
function IpFields({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const err = (f: string) => fieldError(issues, f, te);
  const vsw = eniVSwitch(form, inventory);
  const room = ipRoom(form, inventory);
  return form.ipMode === "count" ? (
    <Field
      id="ipCount"
      label={t("ips.countLabel")}
      error={err("ipCount")}
      hint={room ? t("ips.countHintType", { max: room.max, type: room.type, quota: room.quota }) : t("ips.countHint")}
    >
      <Input
        id="ipCount"
        type="number"
        min={0}
        max={room?.max ?? 49}
        inputMode="numeric"
        className="max-w-[8rem]"
        value={String(form.ipCount)}
        onChange={(e) => update({ ipCount: e.target.value === "" ? 0 : Number(e.target.value) })}
        {...invalidProps(err("ipCount"), "ipCount")}
      />
    </Field>
  ) : (
    <Field id="ipAddresses" label={t("ips.addressesLabel")} error={err("ipAddresses")} hint={t("ips.addressesHint")}>
      <textarea
        id="ipAddresses"
        rows={5}
        className="w-full rounded-md border border-border bg-card p-3 font-mono text-sm aria-[invalid=true]:border-danger"
        value={form.ipAddresses}
        onChange={(e) => update({ ipAddresses: e.target.value })}
        placeholder={vsw ? exampleAddresses(vsw.cidrBlock, [], 2).join("\n") : "172.16.0.100"}
        {...invalidProps(err("ipAddresses"), "ipAddresses")}
      />
    </Field>
  );
}
