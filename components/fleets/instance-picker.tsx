"use client";
// The fleet's members: the region's instances with filters (id/name, zone, status, tag) and a
// checkbox each, plus "select by tag". Controlled: the form keeps the selected ids.
import { useMemo, useState } from "react";
import { useTranslations } from "next-intl";
import { Loader2, Tags } from "lucide-react";
import { InstanceStatusBadge } from "@/components/wizard/steps/instance-step";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import type { InstanceDto } from "@/lib/deploy/inventory.service";
import {
  filterChoices,
  filterInstances,
  hasTag,
  NO_FILTER,
  selectByTag,
  tagValues,
  toggleShown,
  type PickerFilter,
} from "./instance-filter";

type Props = {
  instances: InstanceDto[] | null;
  loading: boolean;
  selected: string[];
  onChange: (ids: string[]) => void;
  error?: string;
};

export function InstancePicker({ instances, loading, selected, onChange, error }: Props) {
  const t = useTranslations("fleets.picker");
  const [f, setF] = useState<PickerFilter>(NO_FILTER);
  const all = useMemo(() => instances ?? [], [instances]);
  const shown = useMemo(() => filterInstances(all, f), [all, f]);
  const choices = useMemo(() => filterChoices(all), [all]);
  const values = useMemo(() => (f.tagKey ? tagValues(all, f.tagKey) : []), [all, f.tagKey]);
  const tagged = f.tagKey ? all.filter((i) => hasTag(i, f.tagKey, f.tagValue)).length : 0;
  const allShownSelected = shown.length > 0 && shown.every((i) => selected.includes(i.instanceId));
  const set = (patch: Partial<PickerFilter>) => setF((x) => ({ ...x, ...patch }));
  return (
    <fieldset className="min-w-0 space-y-2" aria-describedby={error ? "instances-error" : undefined}>
      <legend className="text-sm font-medium">{t("legend")}</legend>
      <FilterBar f={f} set={set} choices={choices} values={values} />
      <div className="flex flex-wrap items-center gap-2">
        <Button
          size="sm"
          variant="secondary"
          disabled={!f.tagKey || tagged === 0}
          onClick={() => onChange(selectByTag(all, selected, f.tagKey, f.tagValue))}
        >
          <Tags className="h-4 w-4" aria-hidden />
          {f.tagKey
            ? t("selectByTag", { tag: f.tagValue ? `${f.tagKey}=${f.tagValue}` : f.tagKey, count: tagged })
            : t("selectByTagHint")}
        </Button>
        <Button size="sm" variant="ghost" disabled={selected.length === 0} onClick={() => onChange([])}>
          {t("clear")}
        </Button>
        {loading && <Loader2 className="h-4 w-4 animate-spin text-muted-fg" aria-label={t("loading")} />}
        <span className="ml-auto text-xs text-muted-fg" role="status" data-testid="picker-count">
          {t("count", { selected: selected.length, shown: shown.length, total: all.length })}
        </span>
      </div>
      {error && (
        <p id="instances-error" role="alert" className="text-sm text-danger">
          {error}
        </p>
      )}
      <PickerTable
        instances={instances}
        loading={loading}
        shown={shown}
        selected={selected}
        onChange={onChange}
        allShownSelected={allShownSelected}
      />
    </fieldset>
  );
}

function FilterBar({
  f,
  set,
  choices,
  values,
}: {
  f: PickerFilter;
  set: (patch: Partial<PickerFilter>) => void;
  choices: ReturnType<typeof filterChoices>;
  values: string[];
}) {
  const t = useTranslations("fleets.picker");
  return (
    <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-5">
      <Input
        type="search"
        aria-label={t("search")}
        placeholder={t("search")}
        value={f.q}
        onChange={(e) => set({ q: e.target.value })}
        className="h-9"
      />
      <Select aria-label={t("zone")} value={f.zone} onChange={(e) => set({ zone: e.target.value })} className="h-9">
        <option value="">{t("anyZone")}</option>
        {choices.zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </Select>
      <Select
        aria-label={t("status")}
        value={f.status}
        onChange={(e) => set({ status: e.target.value })}
        className="h-9"
      >
        <option value="">{t("anyStatus")}</option>
        {choices.statuses.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
      <Select
        aria-label={t("tagKey")}
        value={f.tagKey}
        onChange={(e) => set({ tagKey: e.target.value, tagValue: "" })}
        className="h-9"
      >
        <option value="">{t("anyTag")}</option>
        {choices.tagKeys.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </Select>
      <Select
        aria-label={t("tagValue")}
        value={f.tagValue}
        disabled={!f.tagKey}
        onChange={(e) => set({ tagValue: e.target.value })}
        className="h-9"
      >
        <option value="">{t("anyValue")}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v || t("emptyValue")}
          </option>
        ))}
      </Select>
    </div>
  );
}

function PickerTable({
  instances,
  loading,
  shown,
  selected,
  onChange,
  allShownSelected,
}: Omit<Props, "error"> & { shown: InstanceDto[]; allShownSelected: boolean }) {
  const t = useTranslations("fleets.picker");
  return (
    <div className="overflow-x-auto rounded-md border border-border">
      <table className="w-full text-sm" data-testid="instance-picker">
        <caption className="sr-only">{t("caption")}</caption>
        <thead className="bg-muted/60 text-left text-xs text-muted-fg">
          <tr>
            <th scope="col" className="w-8 px-2 py-1.5">
              <input
                type="checkbox"
                aria-label={t("selectShown")}
                checked={allShownSelected}
                disabled={shown.length === 0}
                onChange={() => onChange(toggleShown(shown, selected))}
                className="h-4 w-4 accent-[var(--primary)]"
              />
            </th>
            <th scope="col" className="px-2 py-1.5">
              {t("cols.instance")}
            </th>
            <th scope="col" className="px-2 py-1.5">
              {t("cols.zone")}
            </th>
            <th scope="col" className="px-2 py-1.5">
              {t("cols.status")}
            </th>
            <th scope="col" className="px-2 py-1.5">
              {t("cols.tags")}
            </th>
            <th scope="col" className="px-2 py-1.5 text-right">
              {t("cols.enis")}
            </th>
          </tr>
        </thead>
        <tbody>
          {!instances && !loading && (
            <tr>
              <td colSpan={6} className="px-2 py-4 text-center text-muted-fg">
                {t("pickAccount")}
              </td>
            </tr>
          )}
          {instances && shown.length === 0 && (
            <tr>
              <td colSpan={6} className="px-2 py-4 text-center text-muted-fg">
                {instances.length ? t("noMatch") : t("noInstances")}
              </td>
            </tr>
          )}
          {shown.map((i) => (
            <PickerRow
              key={i.instanceId}
              instance={i}
              checked={selected.includes(i.instanceId)}
              onToggle={(on) =>
                onChange(on ? [...selected, i.instanceId] : selected.filter((id) => id !== i.instanceId))
              }
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PickerRow({
  instance: i,
  checked,
  onToggle,
}: {
  instance: InstanceDto;
  checked: boolean;
  onToggle: (on: boolean) => void;
}) {
  const id = `fleet-inst-${i.instanceId}`;
  return (
    <tr className={cn("border-t border-border", checked && "bg-primary/5")} data-testid="picker-row">
      <td className="px-2 py-1.5">
        <input
          type="checkbox"
          id={id}
          checked={checked}
          onChange={(e) => onToggle(e.target.checked)}
          className="h-4 w-4 accent-[var(--primary)]"
        />
      </td>
      <td className="px-2 py-1.5">
        <label htmlFor={id} className="cursor-pointer">
          <span className="font-medium">{i.name || "—"}</span>
          <span className="block font-mono text-xs break-all text-muted-fg">
            {i.instanceId} · {i.primaryIp}
          </span>
        </label>
      </td>
      <td className="px-2 py-1.5 font-mono text-xs">{i.zoneId}</td>
      <td className="px-2 py-1.5">
        <InstanceStatusBadge status={i.status} />
      </td>
      <td className="px-2 py-1.5">
        <span className="flex flex-wrap gap-1">
          {i.tags.map((tag) => (
            <span key={tag.key} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
              {tag.key}={tag.value}
            </span>
          ))}
        </span>
      </td>
      <td className="px-2 py-1.5 text-right tabular-nums">{i.eniCount}</td>
    </tr>
  );
}
