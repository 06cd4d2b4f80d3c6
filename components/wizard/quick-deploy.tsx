"use client";
import { useMemo, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import { TopologyView } from "@/components/deploy/topology";
import { applyAction, reviewAction, saveDraftAction } from "@/lib/actions/wizard.actions";
import { FindingsList, PlanCalls, type ReviewResult } from "./review-panel";
import {
  emptyForm,
  formWarnings,
  ipRoom,
  resolvedOs,
  specFromForm,
  STEPS,
  totalIssues,
  validate,
  type Issue,
  type WizardForm,
} from "./form-model";
import { topologyFromForm, useInventory, type AccountOption } from "./wizard";

const IMAGES = [
  "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
  "aliyun_3_x64_20G_alibase_20240528.vhd",
  "centos_7_9_x64_20G_alibase_20240628.vhd",
  "ubuntu_22_04_x64_20G_alibase_20240710.vhd",
  "debian_12_6_x64_20G_alibase_20240717.vhd",
];

/** One form for the whole job (what the document's ROS template offers), then the same review and progress. */
export function QuickDeploy({
  teamId,
  accounts,
  canApply,
}: {
  teamId: string;
  accounts: AccountOption[];
  canApply: boolean;
}) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const router = useRouter();
  const a = accounts[0];
  const [form, setForm] = useState<WizardForm>(() =>
    emptyForm({ cloudAccountId: a?.id ?? "", regionId: a?.defaultRegion ?? "", eniMode: "create", eips: [] }),
  );
  const [newEips, setNewEips] = useState(0);
  const [picked, setPicked] = useState<string[]>([]);
  const [draftId, setDraftId] = useState<string | null>(null);
  const [review, setReview] = useState<ReviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const [pending, startTransition] = useTransition();
  const reviewRef = useRef<HTMLHeadingElement>(null);

  const inv = useInventory(teamId, form);
  const inventory = inv.data ?? null;
  const effective: WizardForm = useMemo(
    () => ({
      ...form,
      name: form.name.trim() || t("defaultName"),
      eips: [
        ...picked.map((id) => ({ source: "existing" as const, allocationId: id, privateIp: "" })),
        ...Array.from({ length: newEips }, () => ({ source: "new" as const, allocationId: "", privateIp: "" })),
      ],
    }),
    [form, picked, newEips, t],
  );
  const issues = useMemo(() => validate(effective, inventory), [effective, inventory]);
  const all: Issue[] = STEPS.flatMap((s) => issues[s]);
  const err = (field: string) =>
    touched
      ? all
          .filter((i) => i.field === field || i.field.startsWith(`${field}.`))
          .map((i) => te(i.key as "nameRequired", i.values as Record<string, string>))
          .join(" ") || undefined
      : undefined;
  const update = (p: Partial<WizardForm>) => {
    setReview(null);
    setForm((f) => ({ ...f, ...p }));
  };

  const vsws = inventory?.vSwitches ?? [];
  const zones = [...new Set(vsws.map((v) => v.zoneId))];
  const inst = inventory?.instances.find((i) => i.instanceId === form.instanceId);
  const zone = form.instanceMode === "existing" ? inst?.zoneId : form.zoneId;
  const vpc =
    form.instanceMode === "existing" ? inst?.vpcId : vsws.find((v) => v.vSwitchId === form.instanceVSwitchId)?.vpcId;
  const zoneVsws = vsws.filter((v) => (!zone || v.zoneId === zone) && (!vpc || v.vpcId === vpc));
  const sgs = (inventory?.securityGroups ?? []).filter((g) => !vpc || g.vpcId === vpc);
  const availableEips = (inventory?.eips ?? []).filter((e) => e.status === "Available");
  const room = ipRoom(effective, inventory);
  const availableEnis = (inventory?.enis ?? []).filter((e) => e.status === "Available");

  async function doReview() {
    setTouched(true);
    setError(null);
    if (totalIssues(issues) > 0) return;
    const name = form.name.trim() || t("defaultName");
    const saved = await saveDraftAction({
      teamId,
      id: draftId,
      name,
      spec: specFromForm({ ...effective, name }, inventory),
    });
    if (!saved.ok) {
      setError(saved.error);
      return;
    }
    setDraftId(saved.data.id);
    const r = await reviewAction({ teamId, id: saved.data.id });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setReview(r.data);
    requestAnimationFrame(() => reviewRef.current?.focus());
  }

  async function apply() {
    if (!draftId) return;
    const r = await applyAction({ teamId, id: draftId });
    if (!r.ok) {
      toast.error(r.error);
      setError(r.error);
      return;
    }
    router.push(`/deployments/${r.data.deploymentId}`);
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
      <div className="space-y-5">
        <Card className="space-y-5">
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              startTransition(doReview);
            }}
            className="space-y-5"
          >
            <div className="grid gap-4 sm:grid-cols-3">
              <Field id="q-name" label={tw("fields.name")} error={err("name")}>
                <Input
                  id="q-name"
                  value={form.name}
                  placeholder={t("defaultName")}
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
                    setPicked([]);
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
                  {(inventory?.regions ?? [{ regionId: form.regionId, name: form.regionId }]).map((r) => (
                    <option key={r.regionId} value={r.regionId}>
                      {r.name && r.name !== r.regionId ? `${r.name} (${r.regionId})` : r.regionId}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            {inv.isError && (
              <p role="alert" className="text-sm text-danger">
                {(inv.error as Error).message}
              </p>
            )}

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
                <div className="grid gap-4 sm:grid-cols-2">
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
                    <Select
                      id="q-type"
                      value={form.instanceType}
                      onChange={(e) => update({ instanceType: e.target.value })}
                    >
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
                      onChange={(e) =>
                        update({ systemDiskCategory: e.target.value as WizardForm["systemDiskCategory"] })
                      }
                    >
                      {(["cloud_essd", "cloud_ssd", "cloud_efficiency", "cloud_auto"] as const).map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </Select>
                  </Field>
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
                          <option
                            key={v.vSwitchId}
                            value={v.vSwitchId}
                          >{`${v.name || v.vSwitchId} · ${v.cidrBlock}`}</option>
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
                        <option
                          key={g.securityGroupId}
                          value={g.securityGroupId}
                        >{`${g.name} (${g.securityGroupId})`}</option>
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
              )}
            </fieldset>

            <fieldset className="min-w-0 space-y-3 rounded-md border border-border p-4">
              <legend className="px-1 text-sm font-semibold">{t("eni")}</legend>
              <Choice
                name="q-eni"
                value={form.eniMode}
                options={[
                  ["create", t("createNew")],
                  ["existing", t("useExisting")],
                ]}
                onChange={(v) => update({ eniMode: v as WizardForm["eniMode"] })}
              />
              {form.eniMode === "existing" ? (
                <Field id="q-eni-id" label={t("eniPick")} error={err("eniId")}>
                  <Select id="q-eni-id" value={form.eniId} onChange={(e) => update({ eniId: e.target.value })}>
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
                    <Select id="q-vsw" value={form.vSwitchId} onChange={(e) => update({ vSwitchId: e.target.value })}>
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
                      value={form.securityGroupId}
                      onChange={(e) => update({ securityGroupId: e.target.value })}
                    >
                      <option value="">{tw("choose")}</option>
                      {sgs.map((g) => (
                        <option
                          key={g.securityGroupId}
                          value={g.securityGroupId}
                        >{`${g.name} (${g.securityGroupId})`}</option>
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
                  room
                    ? tw("ips.countHintType", { max: room.max, type: room.type, quota: room.quota })
                    : tw("ips.countHint")
                }
              >
                <Input
                  id="q-count"
                  type="number"
                  min={0}
                  max={room?.max ?? 49}
                  className="max-w-[8rem]"
                  value={String(form.ipCount)}
                  onChange={(e) => update({ ipCount: Number(e.target.value) || 0 })}
                />
              </Field>
            </fieldset>

            <fieldset className="min-w-0 space-y-3 rounded-md border border-border p-4">
              <legend className="px-1 text-sm font-semibold">{t("eips")}</legend>
              <p className="text-xs text-muted-fg">{tw("eipStep.fee")}</p>
              {availableEips.length > 0 && (
                <div className="space-y-1">
                  <p className="text-sm font-medium">{t("pickEips")}</p>
                  <ul className="grid gap-1 sm:grid-cols-2">
                    {availableEips.map((e) => (
                      <li key={e.allocationId}>
                        <label className="flex items-center gap-2 text-sm">
                          <input
                            type="checkbox"
                            className="h-4 w-4"
                            checked={picked.includes(e.allocationId)}
                            onChange={(ev) => {
                              setReview(null);
                              setPicked((p) =>
                                ev.target.checked ? [...p, e.allocationId] : p.filter((x) => x !== e.allocationId),
                              );
                            }}
                          />
                          <span className="font-mono">{e.ipAddress}</span>
                          <span className="font-mono text-xs text-muted-fg">{e.allocationId}</span>
                        </label>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <Field id="q-new-eips" label={t("newEips")} error={err("eips")}>
                <Input
                  id="q-new-eips"
                  type="number"
                  min={0}
                  max={20}
                  className="max-w-[8rem]"
                  value={String(newEips)}
                  onChange={(e) => {
                    setReview(null);
                    setNewEips(Math.max(0, Number(e.target.value) || 0));
                  }}
                />
              </Field>
              <p className="text-xs text-muted-fg">
                {t("eipTotal", {
                  count: effective.eips.length,
                  slots: effective.ipCount + (effective.usePrimaryIp ? 1 : 0),
                })}
              </p>
              {formWarnings(effective).map((w) => (
                <p key={w.key} className="text-xs text-warning" data-testid="eip-warning">
                  {te(w.key as "nameRequired", w.values as Record<string, string>)}
                </p>
              ))}
            </fieldset>

            {error && (
              <p role="alert" className="text-sm text-danger">
                {error}
              </p>
            )}
            {touched && totalIssues(issues) > 0 && (
              <p role="alert" className="text-sm text-danger">
                {tw("review.fixFirst", { count: totalIssues(issues) })}{" "}
                {all.map((i) => te(i.key as "nameRequired", i.values as Record<string, string>)).join(" ")}
              </p>
            )}
            <div className="flex gap-2">
              <Button type="submit" variant={review ? "secondary" : "primary"} disabled={pending || !canApply}>
                {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
                {review ? t("reviewAgain") : t("review")}
              </Button>
            </div>
          </form>
        </Card>

        {review && (
          <Card className="space-y-4" data-testid="quick-review">
            <h2 ref={reviewRef} tabIndex={-1} className="text-lg font-semibold outline-none">
              {tw("steps.review.title")}
            </h2>
            <p className="text-sm text-muted-fg" data-testid="cloud-effect">
              <span className="font-medium">{tw("inTheCloud")}</span> {tw("steps.review.cloud")}
            </p>
            <p className="text-xs text-muted-fg" data-testid="preflight-status">
              {review.preflight.ok ? tw("review.passed") : tw("review.failed")} · {tw("review.took", { ms: review.ms })}
            </p>
            <FindingsList findings={review.preflight.findings} />
            {review.plan && <PlanCalls plan={review.plan} />}
            <Button
              onClick={() => startTransition(apply)}
              disabled={pending || !review.preflight.ok || !canApply}
              data-testid="apply"
            >
              {tw("apply")}
            </Button>
          </Card>
        )}
      </div>
      <aside aria-label={tw("summary.title")} className="lg:sticky lg:top-4 lg:self-start">
        <Card className="space-y-3 p-4">
          <h2 className="text-sm font-semibold">{tw("summary.title")}</h2>
          <TopologyView topology={topologyFromForm(effective, inventory)} compact title={tw("summary.topology")} />
          <p className="text-xs text-muted-fg">
            {tw("summary.os")}: {tw(`os.${resolvedOs(effective, inventory)}`)}
          </p>
        </Card>
      </aside>
    </div>
  );
}

function Choice({
  name,
  value,
  options,
  onChange,
}: {
  name: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
}) {
  return (
    <div className="flex flex-wrap gap-2" role="radiogroup">
      {options.map(([v, label]) => (
        <label
          key={v}
          className={cn(
            "inline-flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm",
            value === v ? "border-primary bg-primary/5" : "border-border",
          )}
        >
          <input
            type="radio"
            name={name}
            value={v}
            checked={value === v}
            onChange={() => onChange(v)}
            className="h-4 w-4"
          />
          {label}
        </label>
      ))}
    </div>
  );
}
