"use client";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import { Field, Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import type { Inventory } from "@/lib/deploy/inventory.service";
import { Button } from "@/components/ui/button";
import { chosenInstance, chosenType, eniSlots, primaryEniOf, type WizardForm } from "../form-model";
import { fieldError, invalidProps } from "../field-issues";
import type { StepProps } from "./step-props";
import { ExtraEnis } from "./extra-enis";

function QuotaNote({ form, inventory }: { form: WizardForm; inventory: Inventory | null }) {
  const t = useTranslations("wizard");
  const type = chosenType(form, inventory);
  const inst = chosenInstance(form, inventory);
  if (!type) return null;
  const enisNow =
    inventory?.instance?.instance.instanceId === inst?.instanceId
      ? inventory?.instance?.enis.length || inst?.eniCount || 1
      : (inst?.eniCount ?? 1);
  return (
    <div className="rounded-md border border-border bg-muted/40 p-3 text-sm" data-testid="quota-note">
      <p>{t("quota.eni", { type: type.instanceTypeId, quota: type.eniQuantity, now: enisNow })}</p>
      <p>{t("quota.ips", { quota: type.eniPrivateIpAddressQuantity })}</p>
      <p className={type.stoppedOnly ? "text-warning" : "text-muted-fg"}>
        {type.stoppedOnly ? t("quota.stoppedOnly") : t("quota.hotAttach")}
      </p>
    </div>
  );
}

export function EniStep({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const err = (f: string) => fieldError(issues, f, te);
  const inst = chosenInstance(form, inventory);
  const type = chosenType(form, inventory);
  const vpc = inst?.vpcId;
  const sgs = (inventory?.securityGroups ?? []).filter((g) => !vpc || g.vpcId === vpc);
  return (
    <div className="space-y-4">
      <QuotaNote form={form} inventory={inventory} />
      <NoSlotCallout form={form} update={update} inventory={inventory} />
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">{t("eni.mode")}</legend>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="eniMode"
            checked={form.eniMode === "existing"}
            onChange={() =>
              update({ eniMode: "existing", ...(form.eniMode === "primary" ? { usePrimaryIp: true } : {}) })
            }
            className="h-4 w-4"
          />
          {t("eni.existing")}
        </label>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="eniMode"
            checked={form.eniMode === "create"}
            onChange={() =>
              update({
                eniMode: "create",
                ...(form.eniMode === "primary" ? { usePrimaryIp: true } : {}),
                vSwitchId: form.vSwitchId || inst?.vSwitchId || "",
                securityGroupId: form.securityGroupId || sgs[0]?.securityGroupId || "",
              })
            }
            className="h-4 w-4"
          />
          {t("eni.create")}
        </label>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="eniMode"
            checked={form.eniMode === "primary"}
            onChange={() => update({ eniMode: "primary", usePrimaryIp: false })}
            className="h-4 w-4"
            data-testid="eni-mode-primary"
          />
          {t("eni.primary")}
        </label>
      </fieldset>
      {form.eniMode === "existing" ? (
        <ExistingEniList form={form} update={update} inventory={inventory} issues={issues} />
      ) : form.eniMode === "create" ? (
        <NewEniFields form={form} update={update} inventory={inventory} issues={issues} />
      ) : (
        <PrimaryEniNote form={form} update={update} inventory={inventory} issues={issues} />
      )}
      {type?.stoppedOnly && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 h-4 w-4"
            checked={form.allowStopInstance}
            onChange={(e) => update({ allowStopInstance: e.target.checked })}
            aria-describedby={err("allowStopInstance") ? "allowStopInstance-error" : undefined}
          />
          <span>{t("eni.allowStop")}</span>
        </label>
      )}
      <ExtraEnis form={form} update={update} inventory={inventory} err={err} />
    </div>
  );
}

/** The instance type has no ENI slot left: the primary ENI is the way (offered with one click). */
function NoSlotCallout({ form, update, inventory }: StepProps) {
  const t = useTranslations("wizard.eni");
  const slots = eniSlots(form, inventory);
  const type = chosenType(form, inventory);
  if (!slots || !type || slots.free > 0 || form.eniMode === "primary") return null;
  return (
    <div role="note" className="rounded-md border border-warning/50 bg-warning/5 p-3 text-sm" data-testid="no-eni-slot">
      <p>{t("noSlot", { type: type.instanceTypeId, quota: slots.quota, now: slots.now })}</p>
      <Button
        type="button"
        size="sm"
        className="mt-2"
        onClick={() => update({ eniMode: "primary", usePrimaryIp: false })}
      >
        {t("usePrimaryNow")}
      </Button>
    </div>
  );
}

/** What the primary mode means, and the primary ENI as it is now. */
function PrimaryEniNote({ form, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard.eni");
  const te = useTranslations("wizard.errors");
  const eni = primaryEniOf(form, inventory);
  const err = fieldError(issues, "eniMode", te);
  return (
    <div className="space-y-1 rounded-md border border-border bg-muted/40 p-3 text-sm" data-testid="primary-eni-note">
      <p>{t("primaryWhat")}</p>
      <p className="font-mono text-xs">
        {eni
          ? t("primaryHas", {
              eni: eni.networkInterfaceId,
              ip: eni.primaryIp,
              count: eni.privateIps.filter((p) => !p.primary).length,
            })
          : t("primaryUnread")}
      </p>
      {err && (
        <p role="alert" className="text-danger">
          {err}
        </p>
      )}
    </div>
  );
}

/** The region's secondary ENIs, one radio per row, flagged when in another zone or already on the instance. */
function ExistingEniList({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const err = (f: string) => fieldError(issues, f, te);
  const inst = chosenInstance(form, inventory);
  const enis = (inventory?.enis ?? []).filter((e) => e.type !== "Primary");
  return (
    <fieldset className="min-w-0 space-y-2">
      <legend className="text-sm font-medium">{t("eni.pick")}</legend>
      {err("eniId") && (
        <p id="eniId-error" role="alert" className="text-sm text-danger">
          {err("eniId")}
        </p>
      )}
      {enis.length === 0 && <p className="text-sm text-muted-fg">{t("eni.none")}</p>}
      <ul className="divide-y divide-border rounded-md border border-border">
        {enis.map((e) => {
          const other = !!inst && (e.zoneId !== inst.zoneId || e.vpcId !== inst.vpcId);
          return (
            <li
              key={e.networkInterfaceId}
              className={cn(
                "flex flex-wrap items-center gap-3 px-3 py-2 text-sm",
                form.eniId === e.networkInterfaceId && "bg-primary/5",
              )}
              data-testid="eni-row"
            >
              <input
                type="radio"
                name="eni"
                id={`eni-${e.networkInterfaceId}`}
                checked={form.eniId === e.networkInterfaceId}
                onChange={() => update({ eniId: e.networkInterfaceId })}
                className="h-4 w-4"
              />
              <label htmlFor={`eni-${e.networkInterfaceId}`} className="min-w-0 flex-1 cursor-pointer">
                <span className="font-mono text-xs">{e.networkInterfaceId}</span>
                <span className="block text-xs text-muted-fg">
                  {e.primaryIp} · {e.vSwitchId} · {e.zoneId} · {t("eni.ipsCount", { count: e.privateIps.length })}
                </span>
              </label>
              <Badge tone={e.status === "Available" ? "success" : "info"}>{e.status}</Badge>
              {other && <Badge tone="warning">{t("eni.otherZone")}</Badge>}
              {inst && e.instanceId === inst.instanceId && <Badge tone="info">{t("eni.alreadyAttached")}</Badge>}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** vSwitch and security group of the ENI to create, limited to the instance's VPC. */
function NewEniFields({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const err = (f: string) => fieldError(issues, f, te);
  const inst = chosenInstance(form, inventory);
  const vpc = inst?.vpcId;
  const vsws = (inventory?.vSwitches ?? []).filter((v) => !vpc || v.vpcId === vpc);
  const sgs = (inventory?.securityGroups ?? []).filter((g) => !vpc || g.vpcId === vpc);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id="vSwitchId"
        label={t("eni.vSwitch")}
        error={err("vSwitchId")}
        hint={t("eni.vSwitchHint", { zone: inst?.zoneId ?? "—" })}
      >
        <Select
          id="vSwitchId"
          value={form.vSwitchId}
          onChange={(e) => update({ vSwitchId: e.target.value })}
          {...invalidProps(err("vSwitchId"), "vSwitchId")}
        >
          <option value="">{t("choose")}</option>
          {vsws.map((v) => (
            <option
              key={v.vSwitchId}
              value={v.vSwitchId}
            >{`${v.name || v.vSwitchId} · ${v.zoneId} · ${v.cidrBlock} · ${t("eni.free", { count: v.availableIpAddressCount })}`}</option>
          ))}
        </Select>
      </Field>
      <Field id="securityGroupId" label={t("eni.securityGroup")} error={err("securityGroupId")}>
        <Select
          id="securityGroupId"
          value={form.securityGroupId}
          onChange={(e) => update({ securityGroupId: e.target.value })}
          {...invalidProps(err("securityGroupId"), "securityGroupId")}
        >
          <option value="">{t("choose")}</option>
          {sgs.map((g) => (
            <option
              key={g.securityGroupId}
              value={g.securityGroupId}
            >{`${g.name || g.securityGroupId} (${g.securityGroupId})`}</option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
