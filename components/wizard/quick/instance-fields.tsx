"use client";
import { useTranslations } from "next-intl";
import { Field, Input, Select } from "@/components/ui/input";
import type { WizardForm } from "../form-model";
import { Choice } from "./choice";
import { quickNetwork, type QuickFieldsProps } from "./use-quick-deploy";

const IMAGES = [
  "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
  "aliyun_3_x64_20G_alibase_20240528.vhd",
  "centos_7_9_x64_20G_alibase_20240628.vhd",
  "ubuntu_22_04_x64_20G_alibase_20240710.vhd",
  "debian_12_6_x64_20G_alibase_20240717.vhd",
];

/** The instance: one of the region's, or a new one (zone, type, image, disk, network, password). */
export function InstanceFields({ form, update, inventory, err }: QuickFieldsProps) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const { sgs } = quickNetwork(form, inventory);
  return (
    <fieldset className="min-w-0 space-y-3 rounded-md border border-border p-4">
      <legend className="px-1 text-sm font-semibold">{t("instance")}</legend>
      <Choice
        name="q-inst"
        value={form.instanceMode}
        options={[
          ["existing", t("useExisting")],
          ["create", t("createNew")],
        ]}
        onChange={(v) => update({ instanceMode: v as WizardForm["instanceMode"] })}
      />
      {form.instanceMode === "existing" ? (
        <Field id="q-instance" label={tw("fields.instance")} error={err("instanceId")}>
          <Select
            id="q-instance"
            value={form.instanceId}
            onChange={(e) => {
              const i = inventory?.instances.find((x) => x.instanceId === e.target.value);
              update({
                instanceId: e.target.value,
                vSwitchId: i?.vSwitchId ?? "",
                securityGroupId: sgs[0]?.securityGroupId ?? form.securityGroupId,
              });
            }}
          >
            <option value="">{tw("choose")}</option>
            {(inventory?.instances ?? []).map((i) => (
              <option
                key={i.instanceId}
                value={i.instanceId}
              >{`${i.name || i.instanceId} · ${i.instanceId} · ${i.instanceType} · ${i.zoneId} · ${i.status}`}</option>
            ))}
          </Select>
        </Field>
      ) : (
        <NewInstanceFields form={form} update={update} inventory={inventory} err={err} />
      )}
    </fieldset>
  );
}

function NewInstanceFields({ form, update, inventory, err }: QuickFieldsProps) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const { vsws, sgs } = quickNetwork(form, inventory);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <MachineFields form={form} update={update} inventory={inventory} err={err} />
      <Field id="q-ivsw" label={t("instanceVSwitch")} error={err("instanceVSwitchId")}>
        <Select
          id="q-ivsw"
          value={form.instanceVSwitchId}
          onChange={(e) => update({ instanceVSwitchId: e.target.value })}
        >
          <option value="">{tw("choose")}</option>
          {vsws
            .filter((v) => !form.zoneId || v.zoneId === form.zoneId)
            .map((v) => (
              <option key={v.vSwitchId} value={v.vSwitchId}>{`${v.name || v.vSwitchId} · ${v.cidrBlock}`}</option>
            ))}
        </Select>
      </Field>
      <Field id="q-isg" label={tw("eni.securityGroup")} error={err("instanceSecurityGroupId")}>
        <Select
          id="q-isg"
          value={form.instanceSecurityGroupId}
          onChange={(e) => update({ instanceSecurityGroupId: e.target.value })}
        >
          <option value="">{tw("choose")}</option>
          {sgs.map((g) => (
            <option key={g.securityGroupId} value={g.securityGroupId}>{`${g.name} (${g.securityGroupId})`}</option>
          ))}
        </Select>
      </Field>
      <Field id="q-password" label={t("password")} error={err("password")} hint={t("passwordHint")}>
        <Input
          id="q-password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={(e) => update({ password: e.target.value })}
        />
      </Field>
    </div>
  );
}

/** Zone (which also picks a vSwitch and security group in it), type, image and disk of the new instance. */
function MachineFields({ form, update, inventory, err }: QuickFieldsProps) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const { vsws, zones } = quickNetwork(form, inventory);
  return (
    <>
      <Field id="q-zone" label={t("zone")} error={err("zoneId")}>
        <Select
          id="q-zone"
          value={form.zoneId}
          onChange={(e) => {
            const v = vsws.find((x) => x.zoneId === e.target.value);
            update({
              zoneId: e.target.value,
              instanceVSwitchId: v?.vSwitchId ?? "",
              vSwitchId: v?.vSwitchId ?? "",
              instanceSecurityGroupId:
                (inventory?.securityGroups ?? []).find((g) => g.vpcId === v?.vpcId)?.securityGroupId ?? "",
              securityGroupId:
                (inventory?.securityGroups ?? []).find((g) => g.vpcId === v?.vpcId)?.securityGroupId ?? "",
            });
          }}
        >
          <option value="">{tw("choose")}</option>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="q-type" label={t("instanceType")} error={err("instanceType")}>
        <Select id="q-type" value={form.instanceType} onChange={(e) => update({ instanceType: e.target.value })}>
          <option value="">{tw("choose")}</option>
          {(inventory?.instanceTypes ?? []).map((x) => (
            <option
              key={x.instanceTypeId}
              value={x.instanceTypeId}
            >{`${x.instanceTypeId} · ${x.cpu} vCPU · ${x.memoryGiB} GiB · ${t("eniIps", { enis: x.eniQuantity, ips: x.eniPrivateIpAddressQuantity })}`}</option>
          ))}
        </Select>
      </Field>
      <Field id="q-image" label={t("image")} error={err("imageId")}>
        <Select id="q-image" value={form.imageId} onChange={(e) => update({ imageId: e.target.value })}>
          {IMAGES.map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="q-disk" label={t("disk")}>
        <Select
          id="q-disk"
          value={form.systemDiskCategory}
          onChange={(e) => update({ systemDiskCategory: e.target.value as WizardForm["systemDiskCategory"] })}
        >
          {(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"] as const).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </Field>
    </>
  );
}
