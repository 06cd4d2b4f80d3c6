"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { Badge } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import type { Inventory } from "@/lib/deploy/inventory.service";
import { fieldError, invalidProps, RegionOptions } from "../field-issues";
import type { AccountOption } from "../use-wizard-state";
import type { StepProps } from "./step-props";

export function InstanceStep({
  form,
  update,
  accounts,
  inventory,
  loading,
  issues = [],
}: StepProps & { accounts: AccountOption[]; loading: boolean }) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const [q, setQ] = useState("");
  const err = (f: string) => fieldError(issues, f, te);
  const regions = inventory?.regions ?? (form.regionId ? [{ regionId: form.regionId, name: form.regionId }] : []);
  return (
    <div className="space-y-4">
      <Field id="name" label={t("fields.name")} error={err("name")}>
        <Input
          id="name"
          value={form.name}
          onChange={(e) => update({ name: e.target.value })}
          maxLength={120}
          {...invalidProps(err("name"), "name")}
        />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="cloudAccountId" label={t("fields.account")} error={err("cloudAccountId")}>
          <Select
            id="cloudAccountId"
            value={form.cloudAccountId}
            onChange={(e) => {
              const a = accounts.find((x) => x.id === e.target.value);
              update({
                cloudAccountId: e.target.value,
                regionId: a?.defaultRegion ?? form.regionId,
                instanceId: "",
                eniId: "",
              });
            }}
            {...invalidProps(err("cloudAccountId"), "cloudAccountId")}
          >
            {accounts.length === 0 && <option value="">{t("fields.noAccounts")}</option>}
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="regionId" label={t("fields.region")} error={err("regionId")}>
          <Select
            id="regionId"
            value={form.regionId}
            onChange={(e) =>
              update({
                regionId: e.target.value,
                instanceId: "",
                eniId: "",
                vSwitchId: "",
                securityGroupId: "",
                eips: form.eips.map((x) => ({ ...x, allocationId: x.source === "existing" ? "" : x.allocationId })),
              })
            }
          >
            <RegionOptions regions={regions} />
          </Select>
        </Field>
      </div>
      <fieldset className="min-w-0 space-y-2">
        <legend className="text-sm font-medium">{t("fields.instance")}</legend>
        <div className="flex items-center gap-2">
          <label htmlFor="instance-search" className="sr-only">
            {t("fields.searchInstances")}
          </label>
          <Input
            id="instance-search"
            type="search"
            placeholder={t("fields.searchInstances")}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="max-w-xs"
          />
          {loading && <Loader2 className="h-4 w-4 animate-spin text-muted-fg" aria-label={t("loading")} />}
        </div>
        {err("instanceId") && (
          <p id="instanceId-error" role="alert" className="text-sm text-danger">
            {err("instanceId")}
          </p>
        )}
        <InstanceTable form={form} update={update} inventory={inventory} loading={loading} query={q} />
      </fieldset>
    </div>
  );
}

const COLUMNS = [
  ["instance", "px-2 py-1.5"],
  ["type", "px-2 py-1.5"],
  ["zone", "px-2 py-1.5"],
  ["status", "px-2 py-1.5"],
  ["os", "px-2 py-1.5"],
  ["enis", "px-2 py-1.5 text-right"],
  ["eips", "px-2 py-1.5 text-right"],
] as const;

/** The region's instances, filtered by the search, one radio per row. */
function InstanceTable({
  form,
  update,
  inventory,
  loading,
  query: q,
}: Omit<StepProps, "issues"> & { loading: boolean; query: string }) {
  const t = useTranslations("wizard");
  const list = (inventory?.instances ?? []).filter(
    (i) =>
      !q ||
      `${i.instanceId} ${i.name} ${i.instanceType} ${i.zoneId} ${i.osName} ${i.primaryIp}`
        .toLowerCase()
        .includes(q.toLowerCase()),
  );
  return (
    <div className="overflow-x-auto rounded-md border border-border">
      <table className="w-full text-sm">
        <caption className="sr-only">{t("fields.instanceTable")}</caption>
        <thead className="bg-muted/60 text-left text-xs text-muted-fg">
          <tr>
            <th scope="col" className="w-8 px-2 py-1.5">
              <span className="sr-only">{t("fields.select")}</span>
            </th>
            {COLUMNS.map(([col, className]) => (
              <th key={col} scope="col" className={className}>
                {t(`cols.${col}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {!inventory && !loading && (
            <tr>
              <td colSpan={8} className="px-2 py-4 text-center text-muted-fg">
                {t("fields.pickAccount")}
              </td>
            </tr>
          )}
          {inventory && list.length === 0 && (
            <tr>
              <td colSpan={8} className="px-2 py-4 text-center text-muted-fg">
                {q ? t("fields.noMatch") : t("fields.noInstances")}
              </td>
            </tr>
          )}
          {list.map((i) => (
            <InstanceRow key={i.instanceId} instance={i} form={form} update={update} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InstanceRow({
  instance: i,
  form,
  update,
}: Pick<StepProps, "form" | "update"> & { instance: Inventory["instances"][number] }) {
  return (
    <tr
      className={cn("border-t border-border", form.instanceId === i.instanceId && "bg-primary/5")}
      data-testid="instance-row"
    >
      <td className="px-2 py-1.5">
        <input
          type="radio"
          name="instance"
          id={`inst-${i.instanceId}`}
          checked={form.instanceId === i.instanceId}
          onChange={() =>
            update({
              instanceId: i.instanceId,
              eniId: "",
              instanceMode: "existing",
            })
          }
          className="h-4 w-4 accent-[var(--primary)]"
        />
      </td>
      <td className="px-2 py-1.5">
        <label htmlFor={`inst-${i.instanceId}`} className="cursor-pointer">
          <span className="font-medium">{i.name || "—"}</span>
          <span className="block font-mono text-xs text-muted-fg">
            {i.instanceId} · {i.primaryIp}
          </span>
        </label>
      </td>
      <td className="px-2 py-1.5 font-mono text-xs">{i.instanceType}</td>
      <td className="px-2 py-1.5 font-mono text-xs">{i.zoneId}</td>
      <td className="px-2 py-1.5">
        <InstanceStatusBadge status={i.status} />
      </td>
      <td className="px-2 py-1.5 text-xs">{i.osName || i.imageId}</td>
      <td className="px-2 py-1.5 text-right tabular-nums">{i.eniCount}</td>
      <td className="px-2 py-1.5 text-right tabular-nums">{i.eipCount}</td>
    </tr>
  );
}

/** An instance's status as the cloud words it: Running green, Stopped plain, anything in between amber. */
export function InstanceStatusBadge({ status }: { status: string }) {
  return <Badge tone={status === "Running" ? "success" : status === "Stopped" ? "neutral" : "warning"}>{status}</Badge>;
}
