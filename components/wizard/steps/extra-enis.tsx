"use client";
// ENI 2 and 3 (spec v2): each a card with where the ENI comes from, its private IPs and its EIPs.
// Shared by the wizard's ENI step and quick deploy.
import { useTranslations } from "next-intl";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/input";
import type { Inventory } from "@/lib/deploy/inventory.service";
import {
  chosenInstance,
  eniSlots,
  emptyExtraEni,
  enisOf,
  MAX_EXTRA_ENIS,
  withFollowingEips,
  type EipRow,
  type EniMode,
  type ExtraEni,
  type WizardForm,
} from "../form-model";
import { invalidProps } from "../field-issues";

export type ExtraEnisProps = {
  form: WizardForm;
  update: (p: Partial<WizardForm>) => void;
  inventory: Inventory | null;
  /** The message of the issues on a field (or inside it), undefined when none. */
  err: (field: string) => string | undefined;
};

/** The "More ENIs" section: a card per extra ENI and "Add an ENI" while the wizard allows more. */
export function ExtraEnis({ form, update, inventory, err }: ExtraEnisProps) {
  const t = useTranslations("wizard.eni");
  const inst = chosenInstance(form, inventory);
  const slots = eniSlots(form, inventory);
  const extras = form.extraEnis ?? [];
  const change = (i: number, patch: Partial<ExtraEni>, follow = false) => {
    const next = extras.map((e, k) =>
      k === i ? (follow ? withFollowingEips({ ...e, ...patch }) : { ...e, ...patch }) : e,
    );
    update({ extraEnis: next });
  };
  const add = () =>
    update({
      extraEnis: [
        ...extras,
        emptyExtraEni({
          vSwitchId: inst?.vSwitchId ?? "",
          securityGroupId:
            (inventory?.securityGroups ?? []).find((g) => !inst || g.vpcId === inst.vpcId)?.securityGroupId ?? "",
        }),
      ],
    });
  return (
    <section
      className="space-y-3 border-t border-border pt-4"
      aria-labelledby="extra-enis-heading"
      data-testid="extra-enis"
    >
      <div>
        <h3 id="extra-enis-heading" className="text-sm font-semibold">
          {t("extraTitle")}
        </h3>
        <p className="text-sm text-muted-fg">{t("extraWhat")}</p>
        {slots && <p className="text-xs text-muted-fg">{t("extraSlots", { free: slots.free })}</p>}
      </div>
      {extras.map((e, i) => (
        <ExtraEniCard
          key={i}
          i={i}
          eni={e}
          form={form}
          inventory={inventory}
          err={err}
          change={change}
          update={update}
        />
      ))}
      {extras.length < MAX_EXTRA_ENIS && (
        <Button type="button" variant="secondary" size="sm" onClick={add} data-testid="add-eni">
          <Plus className="h-4 w-4" aria-hidden />
          {t("extraAdd")}
        </Button>
      )}
    </section>
  );
}

type CardProps = Omit<ExtraEnisProps, "update"> & {
  i: number;
  eni: ExtraEni;
  change: (i: number, patch: Partial<ExtraEni>, follow?: boolean) => void;
  update: (p: Partial<WizardForm>) => void;
};

/** One extra ENI: source (new / Available / primary), IPs, "primary IP too", EIP rows. */
function ExtraEniCard({ i, eni, form, inventory, err, change, update }: CardProps) {
  const t = useTranslations("wizard.eni");
  const tw = useTranslations("wizard");
  const n = i + 2;
  const f = (name: string) => `extraEnis.${i}.${name}`;
  const id = (name: string) => `extra-${i}-${name}`;
  const primaryTaken = enisOf(form).some((e) => e.index !== i + 1 && e.eniMode === "primary");
  const modes: Array<[EniMode, string]> = [
    ["create", t("create")],
    ["existing", t("existing")],
    ...(!primaryTaken && form.instanceMode === "existing" ? [["primary", t("primary")] as [EniMode, string]] : []),
  ];
  return (
    <fieldset className="min-w-0 space-y-3 rounded-md border border-border p-3" data-testid="extra-eni">
      <legend className="px-1 text-sm font-medium">{t("extraHeading", { n })}</legend>
      <div className="flex flex-wrap items-center gap-4 text-sm">
        {modes.map(([m, label]) => (
          <label key={m} className="inline-flex items-center gap-2">
            <input
              type="radio"
              name={id("mode")}
              checked={eni.eniMode === m}
              onChange={() => change(i, { eniMode: m, ...(m === "primary" ? { usePrimaryIp: false } : {}) }, true)}
              className="h-4 w-4"
            />
            {label}
          </label>
        ))}
        <Button
          type="button"
          variant="ghost"
          size="sm"
          className="ml-auto"
          onClick={() => update({ extraEnis: (form.extraEnis ?? []).filter((_, k) => k !== i) })}
        >
          <Trash2 className="h-4 w-4" aria-hidden />
          {t("extraRemove", { n })}
        </Button>
      </div>
      {err(f("eniMode")) && (
        <p role="alert" className="text-sm text-danger">
          {err(f("eniMode"))}
        </p>
      )}
      <EniSource i={i} eni={eni} form={form} inventory={inventory} err={err} change={change} update={update} />
      <div className="grid gap-3 sm:grid-cols-2">
        {eni.ipMode === "count" ? (
          <Field id={id("ipCount")} label={t("extraIps")} error={err(f("ipCount"))}>
            <Input
              id={id("ipCount")}
              type="number"
              min={0}
              max={49}
              className="max-w-[8rem]"
              value={String(eni.ipCount)}
              onChange={(e) => change(i, { ipCount: e.target.value === "" ? 0 : Number(e.target.value) }, true)}
              {...invalidProps(err(f("ipCount")), id("ipCount"))}
            />
          </Field>
        ) : (
          <Field id={id("ipAddresses")} label={t("extraAddresses")} error={err(f("ipAddresses"))}>
            <textarea
              id={id("ipAddresses")}
              rows={3}
              className="w-full rounded-md border border-border bg-card p-2 font-mono text-sm aria-[invalid=true]:border-danger"
              value={eni.ipAddresses}
              onChange={(e) => change(i, { ipAddresses: e.target.value }, true)}
              {...invalidProps(err(f("ipAddresses")), id("ipAddresses"))}
            />
          </Field>
        )}
        <div className="space-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              className="h-4 w-4"
              checked={eni.ipMode === "explicit"}
              onChange={(e) => change(i, { ipMode: e.target.checked ? "explicit" : "count" }, true)}
            />
            {tw("ips.explicit")}
          </label>
          {eni.eniMode !== "primary" && (
            <label className="flex items-center gap-2">
              <input
                type="checkbox"
                className="h-4 w-4"
                checked={eni.usePrimaryIp}
                onChange={(e) => change(i, { usePrimaryIp: e.target.checked }, true)}
              />
              {t("extraUsePrimary")}
            </label>
          )}
        </div>
      </div>
      <EipRows i={i} eni={eni} inventory={inventory} err={err} change={change} form={form} update={update} />
    </fieldset>
  );
}

/** An Available ENI of the instance's VPC, or the vSwitch and security group of a new one. */
function EniSource({ i, eni, form, inventory, err, change }: CardProps) {
  const t = useTranslations("wizard.eni");
  const tw = useTranslations("wizard");
  const inst = chosenInstance(form, inventory);
  const f = (name: string) => `extraEnis.${i}.${name}`;
  const id = (name: string) => `extra-${i}-${name}`;
  const vpc = inst?.vpcId;
  if (eni.eniMode === "primary") return <p className="text-sm text-muted-fg">{t("primaryWhat")}</p>;
  if (eni.eniMode === "existing") {
    const enis = (inventory?.enis ?? []).filter((e) => e.type !== "Primary" && (!vpc || e.vpcId === vpc));
    return (
      <Field id={id("eniId")} label={t("pick")} error={err(f("eniId"))}>
        <Select
          id={id("eniId")}
          value={eni.eniId}
          onChange={(e) => change(i, { eniId: e.target.value })}
          {...invalidProps(err(f("eniId")), id("eniId"))}
        >
          <option value="">{tw("choose")}</option>
          {enis.map((e) => (
            <option key={e.networkInterfaceId} value={e.networkInterfaceId}>
              {`${e.networkInterfaceId} · ${e.primaryIp} · ${e.vSwitchId} · ${e.zoneId} · ${e.status}`}
            </option>
          ))}
        </Select>
      </Field>
    );
  }
  const vsws = (inventory?.vSwitches ?? []).filter((v) => !vpc || v.vpcId === vpc);
  const sgs = (inventory?.securityGroups ?? []).filter((g) => !vpc || g.vpcId === vpc);
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field
        id={id("vSwitchId")}
        label={t("vSwitch")}
        error={err(f("vSwitchId"))}
        hint={t("vSwitchHint", { zone: inst?.zoneId ?? "—" })}
      >
        <Select
          id={id("vSwitchId")}
          value={eni.vSwitchId}
          onChange={(e) => change(i, { vSwitchId: e.target.value })}
          {...invalidProps(err(f("vSwitchId")), id("vSwitchId"))}
        >
          <option value="">{tw("choose")}</option>
          {vsws.map((v) => (
            <option key={v.vSwitchId} value={v.vSwitchId}>
              {`${v.name || v.vSwitchId} · ${v.zoneId} · ${v.cidrBlock} · ${t("free", { count: v.availableIpAddressCount })}`}
            </option>
          ))}
        </Select>
      </Field>
      <Field id={id("securityGroupId")} label={t("securityGroup")} error={err(f("securityGroupId"))}>
        <Select
          id={id("securityGroupId")}
          value={eni.securityGroupId}
          onChange={(e) => change(i, { securityGroupId: e.target.value })}
          {...invalidProps(err(f("securityGroupId")), id("securityGroupId"))}
        >
          <option value="">{tw("choose")}</option>
          {sgs.map((g) => (
            <option key={g.securityGroupId} value={g.securityGroupId}>
              {`${g.name || g.securityGroupId} (${g.securityGroupId})`}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}

/** The ENI's EIPs: each a new one or an Available EIP of the region. */
function EipRows({ i, eni, inventory, err, change }: CardProps) {
  const t = useTranslations("wizard.eni");
  const n = i + 2;
  const f = (name: string) => `extraEnis.${i}.${name}`;
  const available = (inventory?.eips ?? []).filter(
    (x) => x.status === "Available" || eni.eips.some((r) => r.allocationId === x.allocationId),
  );
  const setRow = (k: number, row: EipRow) => change(i, { eips: eni.eips.map((r, j) => (j === k ? row : r)) });
  const rowsErr = err(f("eips"));
  return (
    <div className="space-y-2">
      <p className="text-sm font-medium">{t("extraEips")}</p>
      <ul className="space-y-2">
        {eni.eips.map((r, k) => (
          <li key={k} className="flex items-center gap-2" data-testid="extra-eip-row">
            <Select
              aria-label={t("extraEipLabel", { row: k + 1, n })}
              value={r.source === "new" ? "" : r.allocationId}
              onChange={(e) =>
                setRow(
                  k,
                  e.target.value
                    ? { source: "existing", allocationId: e.target.value, privateIp: r.privateIp }
                    : { source: "new", allocationId: "", privateIp: r.privateIp },
                )
              }
            >
              <option value="">{t("extraEipNew")}</option>
              {available.map((x) => (
                <option key={x.allocationId} value={x.allocationId}>{`${x.ipAddress} · ${x.allocationId}`}</option>
              ))}
            </Select>
            <Button
              type="button"
              variant="ghost"
              size="sm"
              aria-label={t("extraEipRemove", { row: k + 1 })}
              onClick={() => change(i, { eips: eni.eips.filter((_, j) => j !== k) })}
            >
              <Trash2 className="h-4 w-4" aria-hidden />
            </Button>
          </li>
        ))}
      </ul>
      {rowsErr && (
        <p role="alert" className="text-sm text-danger">
          {rowsErr}
        </p>
      )}
      <Button
        type="button"
        variant="secondary"
        size="sm"
        onClick={() => change(i, { eips: [...eni.eips, { source: "new", allocationId: "", privateIp: "" }] })}
      >
        <Plus className="h-4 w-4" aria-hidden />
        {t("extraEipAdd")}
      </Button>
    </div>
  );
}
