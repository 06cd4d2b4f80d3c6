"use client";
import { useTranslations } from "next-intl";
import { Field, Input, Select } from "@/components/ui/input";
import { ipRoom, secondaryCount, type WizardForm } from "../form-model";
import { ExtraEnis } from "../steps/extra-enis";
import { Choice } from "./choice";
import { quickNetwork, type QuickFieldsProps } from "./use-quick-deploy";
import { HintCheckbox } from "@/components/ui/hint-checkbox";

/** The ENI (a new one in the instance's zone, or an Available one) and how many secondary IPs it gets. */
export function EniFields({ form, update, inventory, err, effective }: QuickFieldsProps & { effective: WizardForm }) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const { zone, zoneVsws, sgs } = quickNetwork(form, inventory);
  const room = ipRoom(effective, inventory);
  const availableEnis = (inventory?.enis ?? []).filter((e) => e.status === "Available");
  // What the form will use, shown as chosen: the zone's only free ENI is preselected (quickDefaults).
  const { eniMode, eniId } = effective;
  return (
    <fieldset className="min-w-0 space-y-3 rounded-md border border-border p-4">
      <legend className="px-1 text-sm font-semibold">{t("eni")}</legend>
      <Choice
        name="q-eni"
        value={eniMode}
        options={[
          ["create", t("createNew")],
          ["existing", t("useExisting")],
          ...(form.instanceMode === "existing" ? [["primary", tw("eni.primary")] as [string, string]] : []),
        ]}
        onChange={(v) =>
          update({
            eniMode: v as WizardForm["eniMode"],
            usePrimaryIp: v === "primary" ? false : eniMode === "primary" ? true : form.usePrimaryIp,
          })
        }
      />
      {eniMode === "primary" ? (
        <p className="text-sm text-muted-fg">{tw("eni.primaryWhat")}</p>
      ) : eniMode === "existing" ? (
        <Field id="q-eni-id" label={t("eniPick")} error={err("eniId")}>
          <Select id="q-eni-id" value={eniId} onChange={(e) => update({ eniId: e.target.value })}>
            <option value="">{tw("choose")}</option>
            {availableEnis.map((e) => (
              <option
                key={e.networkInterfaceId}
                value={e.networkInterfaceId}
              >{`${e.networkInterfaceId} · ${e.primaryIp} · ${e.zoneId}`}</option>
            ))}
          </Select>
        </Field>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id="q-vsw"
            label={tw("eni.vSwitch")}
            error={err("vSwitchId")}
            hint={zone ? tw("eni.vSwitchHint", { zone }) : undefined}
          >
            <Select id="q-vsw" value={effective.vSwitchId} onChange={(e) => update({ vSwitchId: e.target.value })}>
              <option value="">{tw("choose")}</option>
              {zoneVsws.map((v) => (
                <option
                  key={v.vSwitchId}
                  value={v.vSwitchId}
                >{`${v.name || v.vSwitchId} · ${v.zoneId} · ${v.cidrBlock}`}</option>
              ))}
            </Select>
          </Field>
          <Field id="q-sg" label={tw("eni.securityGroup")} error={err("securityGroupId")}>
            <Select
              id="q-sg"
              value={effective.securityGroupId}
              onChange={(e) => update({ securityGroupId: e.target.value })}
            >
              <option value="">{tw("choose")}</option>
              {sgs.map((g) => (
                <option key={g.securityGroupId} value={g.securityGroupId}>{`${g.name} (${g.securityGroupId})`}</option>
              ))}
            </Select>
          </Field>
        </div>
      )}
      <Field
        id="q-count"
        label={tw("ips.countLabel")}
        error={err("ipCount")}
        hint={
          room ? tw("ips.countHintType", { max: room.max, type: room.type, quota: room.quota }) : tw("ips.countHint")
        }
      >
        <Input
          id="q-count"
          type="number"
          min={0}
          max={room?.max ?? 49}
          className="max-w-[8rem]"
          value={String(effective.ipCount)}
          onChange={(e) => update({ ipCount: Number(e.target.value) || 0 })}
        />
      </Field>
      {eniMode !== "primary" && <PrimaryIpEip form={form} update={update} effective={effective} />}
      <ExtraEnis form={form} update={update} inventory={inventory} err={err} />
    </fieldset>
  );
}

/** "N secondary IPs, N EIPs, none on the primary" (the documented scenario) is this box unticked. */
function PrimaryIpEip({
  form,
  update,
  effective,
}: Pick<QuickFieldsProps, "form" | "update"> & { effective: WizardForm }) {
  const t = useTranslations("quick");
  return (
    <HintCheckbox
      id="q-primary-hint"
      checked={form.usePrimaryIp}
      onChange={(usePrimaryIp) => update({ usePrimaryIp })}
      label={t("primaryIp")}
      hint={t("primaryIpHint", { slots: secondaryCount(effective) + (effective.usePrimaryIp ? 1 : 0) })}
    />
  );
}
