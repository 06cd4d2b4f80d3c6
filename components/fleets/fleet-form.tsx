"use client";
// A new fleet: name, account, region, a team config or the simple spec form, the instances, batch size and
// failure threshold. "Pre-flight" saves it as a draft fleet and checks every member; "Start rollout" runs it.
import { useMemo, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Loader2, Rocket, ShieldCheck } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { RegionOptions } from "@/components/wizard/field-issues";
import { inventoryAction } from "@/lib/actions/wizard.actions";
import { createFleetAction, preflightFleetAction, startFleetAction } from "@/lib/actions/fleets.actions";
import type { FleetCreateInput } from "@/lib/fleet/fleet.schema";
import type { FleetPreflight } from "@/lib/fleet/fleet-preflight";
import { InstancePicker } from "./instance-picker";
import { DEFAULT_SIMPLE_SPEC, SpecForm, specOf, type SimpleSpec } from "./spec-form";
import { PreflightFindings } from "./preflight-findings";
import { unwrap } from "./fleet-queries";

type Account = { id: string; name: string; defaultRegion: string };
type Config = { id: string; name: string; latestRevision: number };

type FormState = {
  name: string;
  cloudAccountId: string;
  regionId: string;
  source: "spec" | "config";
  configId: string;
  spec: SimpleSpec;
  instanceIds: string[];
  batchSize: number;
  failureThreshold: number;
};

function toInput(f: FormState): FleetCreateInput {
  return {
    name: f.name,
    cloudAccountId: f.cloudAccountId,
    regionId: f.regionId,
    ...(f.source === "config" ? { configId: f.configId } : { spec: specOf(f.spec) }),
    instances: { ids: f.instanceIds },
    rollout: { batchSize: f.batchSize, failureThreshold: f.failureThreshold },
  };
}

export function FleetForm({ teamId, accounts, configs }: { teamId: string; accounts: Account[]; configs: Config[] }) {
  const t = useTranslations("fleets.form");
  const [f, setF] = useState<FormState>({
    name: "",
    cloudAccountId: accounts[0]?.id ?? "",
    regionId: accounts[0]?.defaultRegion ?? "",
    source: "spec",
    configId: configs[0]?.id ?? "",
    spec: DEFAULT_SIMPLE_SPEC,
    instanceIds: [],
    batchSize: 2,
    failureThreshold: 1,
  });
  const set = (patch: Partial<FormState>) => setF((x) => ({ ...x, ...patch }));
  const locale = useLocale();
  const inventory = useQuery({
    queryKey: ["inventory", teamId, locale, f.cloudAccountId, f.regionId, ""],
    queryFn: () =>
      unwrap(inventoryAction({ teamId, cloudAccountId: f.cloudAccountId, regionId: f.regionId, instanceId: null })),
    enabled: !!f.cloudAccountId && !!f.regionId,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: 1,
  });
  const regions = inventory.data?.regions ?? (f.regionId ? [{ regionId: f.regionId, name: f.regionId }] : []);
  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <Card className="min-w-0 space-y-5">
        <Field id="fleet-name" label={t("name")}>
          <Input id="fleet-name" value={f.name} maxLength={120} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="fleet-account" label={t("account")}>
            <Select
              id="fleet-account"
              value={f.cloudAccountId}
              onChange={(e) => {
                const a = accounts.find((x) => x.id === e.target.value);
                set({ cloudAccountId: e.target.value, regionId: a?.defaultRegion ?? f.regionId, instanceIds: [] });
              }}
            >
              {accounts.length === 0 && <option value="">{t("noAccounts")}</option>}
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="fleet-region" label={t("region")}>
            <Select
              id="fleet-region"
              value={f.regionId}
              onChange={(e) => set({ regionId: e.target.value, instanceIds: [] })}
            >
              <RegionOptions regions={regions} />
            </Select>
          </Field>
        </div>
        <SourceFields f={f} set={set} configs={configs} />
        {inventory.isError && (
          <p role="alert" className="text-sm text-danger">
            {inventory.error.message}
          </p>
        )}
        <InstancePicker
          instances={inventory.data?.instances ?? null}
          loading={inventory.isFetching}
          selected={f.instanceIds}
          onChange={(instanceIds) => set({ instanceIds })}
        />
        <RolloutFields f={f} set={set} />
      </Card>
      <RunPanel teamId={teamId} input={toInput(f)} />
    </div>
  );
}

function SourceFields({ f, set, configs }: { f: FormState; set: (p: Partial<FormState>) => void; configs: Config[] }) {
  const t = useTranslations("fleets.form");
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium">{t("source")}</legend>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="source" checked={f.source === "spec"} onChange={() => set({ source: "spec" })} />
          {t("sourceSpec")}
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name="source"
            checked={f.source === "config"}
            disabled={configs.length === 0}
            onChange={() => set({ source: "config" })}
          />
          {configs.length ? t("sourceConfig") : t("noConfigs")}
        </label>
      </div>
      {f.source === "spec" ? (
        <SpecForm value={f.spec} onChange={(spec) => set({ spec })} />
      ) : (
        <Field id="fleet-config" label={t("config")}>
          <Select id="fleet-config" value={f.configId} onChange={(e) => set({ configId: e.target.value })}>
            {configs.map((c) => (
              <option key={c.id} value={c.id}>
                {t("configOption", { name: c.name, revision: c.latestRevision })}
              </option>
            ))}
          </Select>
        </Field>
      )}
    </fieldset>
  );
}

function RolloutFields({ f, set }: { f: FormState; set: (p: Partial<FormState>) => void }) {
  const t = useTranslations("fleets.form");
  const num = (v: string, max: number) => Math.max(1, Math.min(max, Math.floor(Number(v)) || 1));
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field id="fleet-batch" label={t("batchSize")} hint={t("batchHint")}>
        <Input
          id="fleet-batch"
          type="number"
          min={1}
          max={50}
          value={f.batchSize}
          onChange={(e) => set({ batchSize: num(e.target.value, 50) })}
        />
      </Field>
      <Field id="fleet-threshold" label={t("threshold")} hint={t("thresholdHint")}>
        <Input
          id="fleet-threshold"
          type="number"
          min={1}
          max={200}
          value={f.failureThreshold}
          onChange={(e) => set({ failureThreshold: num(e.target.value, 200) })}
        />
      </Field>
    </div>
  );
}

/**
 * Pre-flight saves the form as a draft fleet (again when the form changed since) and checks every member;
 * "Start rollout" is offered once the findings for the form as it is have no error.
 */
function RunPanel({ teamId, input }: { teamId: string; input: FleetCreateInput }) {
  const t = useTranslations("fleets.form");
  const router = useRouter();
  const key = useMemo(() => JSON.stringify(input), [input]);
  const [draft, setDraft] = useState<{ id: string; key: string } | null>(null);
  const [pre, setPre] = useState<{ key: string; result: FleetPreflight } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const current = pre?.key === key ? pre.result : null;
  const preflight = () =>
    startTransition(async () => {
      setError(null);
      let id = draft?.key === key ? draft.id : null;
      if (!id) {
        const created = await createFleetAction({ teamId, fleet: input });
        if (!created.ok) return setError(created.error);
        id = created.data.id;
        setDraft({ id, key });
      }
      const r = await preflightFleetAction({ teamId, id });
      if (!r.ok) return setError(r.error);
      setPre({ key, result: r.data });
    });
  const start = () =>
    startTransition(async () => {
      if (!draft) return;
      const r = await startFleetAction({ teamId, id: draft.id });
      if (!r.ok) return setError(r.error);
      toast.success(t("started", { count: r.data.members }));
      router.push(`/fleets/${draft.id}`);
    });
  return (
    <Card className="h-fit space-y-3 lg:sticky lg:top-4">
      <h2 className="font-semibold">{t("preflightTitle")}</h2>
      <p className="text-sm text-muted-fg">
        {t("preflightIntro", { count: input.instances && "ids" in input.instances ? input.instances.ids.length : 0 })}
      </p>
      <Button variant="secondary" className="w-full" disabled={pending} onClick={preflight}>
        {pending ? (
          <Loader2 className="h-4 w-4 animate-spin" aria-hidden />
        ) : (
          <ShieldCheck className="h-4 w-4" aria-hidden />
        )}
        {t("preflight")}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-danger" data-testid="fleet-form-error">
          {error}
        </p>
      )}
      {pre && !current && <p className="text-sm text-warning">{t("stale")}</p>}
      {current && <PreflightFindings result={current} />}
      <Button className="w-full" disabled={pending || !current?.ok} onClick={start}>
        <Rocket className="h-4 w-4" aria-hidden />
        {t("start")}
      </Button>
    </Card>
  );
}
