"use client";
import { useState, useTransition } from "react";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { toast } from "sonner";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import { Field, Input, Select } from "@/components/ui/input";
import { inventoryAction } from "@/lib/actions/wizard.actions";
import { adoptAction, previewAdoptAction } from "@/lib/actions/lifecycle.actions";
import { OS_FAMILIES } from "@/lib/os/os-families";

type Account = { id: string; name: string; defaultRegion: string };
type Preview = Extract<Awaited<ReturnType<typeof previewAdoptAction>>, { ok: true }>["data"];
type Listing = {
  regions: Array<{ regionId: string; name: string }>;
  instances: Array<{ instanceId: string; name: string; status: string; primaryIp: string }>;
};

/** Pick account, region and instance → preview what is adopted and left alone → name it and confirm. */
export function AdoptForm({ teamId, accounts }: { teamId: string; accounts: Account[] }) {
  const t = useTranslations("lifecycle.adopt");
  const router = useRouter();
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? "");
  const [regionId, setRegionId] = useState(accounts[0]?.defaultRegion ?? "");
  const [instanceId, setInstanceId] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [name, setName] = useState("");
  const [os, setOs] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const listing = useListing(teamId, accountId, regionId);

  if (!accounts.length) return <p className="text-sm text-muted-fg">{t("noAccounts")}</p>;
  const target = { teamId, cloudAccountId: accountId, regionId, instanceId };
  const reset = () => {
    setPreview(null);
    setError(null);
  };
  return (
    <div className="grid gap-5 lg:grid-cols-[360px_minmax(0,1fr)]">
      <Card className="space-y-4">
        <TargetFields
          accounts={accounts}
          listing={listing.data ?? null}
          error={listing.error?.message ?? null}
          accountId={accountId}
          regionId={regionId}
          instanceId={instanceId}
          onAccount={(v) => (setAccountId(v), setInstanceId(""), reset())}
          onRegion={(v) => (setRegionId(v), setInstanceId(""), reset())}
          onInstance={(v) => (setInstanceId(v), reset())}
        />
        <Button
          disabled={!instanceId || pending}
          data-testid="adopt-preview"
          onClick={() =>
            startTransition(async () => {
              reset();
              const r = await previewAdoptAction(target);
              if (!r.ok) return setError(r.error);
              setPreview(r.data);
              setOs(r.data.os);
              setName((n) => n || `adopted-${instanceId}`);
            })
          }
        >
          {pending && !preview && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
          {t("preview")}
        </Button>
        {error && (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        )}
      </Card>
      {preview && (
        <AdoptPreview
          preview={preview}
          name={name}
          setName={setName}
          os={os}
          setOs={setOs}
          pending={pending}
          onAdopt={() =>
            startTransition(async () => {
              const r = await adoptAction({ ...target, name, os: os as (typeof OS_FAMILIES)[number] });
              if (!r.ok) return setError(r.error);
              toast.success(t("done", { name }));
              router.push(`/deployments/${r.data.id}`);
            })
          }
        />
      )}
    </div>
  );
}

/** The region's regions and instances, read through the wizard's inventory (reads only). */
function useListing(teamId: string, accountId: string, regionId: string) {
  return useQuery({
    queryKey: ["adopt-inventory", teamId, accountId, regionId],
    enabled: !!accountId && !!regionId,
    queryFn: async (): Promise<Listing> => {
      const r = await inventoryAction({ teamId, cloudAccountId: accountId, regionId });
      if (!r.ok) throw new Error(r.error);
      return { regions: r.data.regions, instances: r.data.instances };
    },
  });
}

function TargetFields(p: {
  accounts: Account[];
  listing: Listing | null;
  error: string | null;
  accountId: string;
  regionId: string;
  instanceId: string;
  onAccount: (v: string) => void;
  onRegion: (v: string) => void;
  onInstance: (v: string) => void;
}) {
  const t = useTranslations("lifecycle.adopt");
  const hint =
    p.error ?? (!p.listing ? t("loadingInventory") : p.listing.instances.length ? undefined : t("noInstances"));
  return (
    <>
      <Field id="adopt-account" label={t("account")}>
        <Select id="adopt-account" value={p.accountId} onChange={(e) => p.onAccount(e.target.value)}>
          {p.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="adopt-region" label={t("region")}>
        <Select id="adopt-region" value={p.regionId} onChange={(e) => p.onRegion(e.target.value)}>
          {(p.listing?.regions ?? [{ regionId: p.regionId, name: p.regionId }]).map((r) => (
            <option key={r.regionId} value={r.regionId}>
              {r.name} ({r.regionId})
            </option>
          ))}
        </Select>
      </Field>
      <Field id="adopt-instance" label={t("instance")} hint={hint}>
        <Select id="adopt-instance" value={p.instanceId} onChange={(e) => p.onInstance(e.target.value)}>
          <option value="">{t("pickInstance")}</option>
          {(p.listing?.instances ?? []).map((i) => (
            <option key={i.instanceId} value={i.instanceId}>
              {i.name || i.instanceId} · {i.instanceId} · {i.primaryIp} · {i.status}
            </option>
          ))}
        </Select>
      </Field>
    </>
  );
}

function AdoptPreview(props: {
  preview: Preview;
  name: string;
  setName: (v: string) => void;
  os: string;
  setOs: (v: string) => void;
  pending: boolean;
  onAdopt: () => void;
}) {
  const { preview: p } = props;
  const t = useTranslations("lifecycle.adopt");
  const locale = useLocale() as "en" | "ja";
  return (
    <Card className="space-y-4" data-testid="adopt-summary">
      <section>
        <h2 className="mb-2 font-semibold">{t("willAdopt")}</h2>
        {p.enis.length === 0 && <p className="text-sm text-muted-fg">{t("nothing")}</p>}
        <ul className="space-y-2 text-sm">
          {p.enis.map((e) => (
            <li key={e.networkInterfaceId} className="rounded border border-border p-2" data-testid="adopt-eni">
              <div className="flex flex-wrap items-center gap-2">
                <CopyId value={e.networkInterfaceId} />
                <span className="text-muted-fg">
                  {e.mode === "primary" ? t("eniPrimary") : t("eniSecondary", { device: e.device })}
                </span>
              </div>
              <p className="mt-1 text-xs text-muted-fg">
                {t("secondaryIps")}: <span className="font-mono">{e.secondaryIps.join(", ") || "—"}</span>
              </p>
              <ul className="mt-1 font-mono text-xs">
                {e.eips.map((x) => (
                  <li key={x.allocationId}>
                    {t("eipOn", { eip: `${x.ipAddress} (${x.allocationId})`, ip: x.privateIp })}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2 className="mb-2 font-semibold">{t("leftAlone")}</h2>
        {p.leftAlone.length === 0 ? (
          <p className="text-sm text-muted-fg">{t("nothingLeftAlone")}</p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="adopt-left-alone">
            {p.leftAlone.map((l) => (
              <li key={`${l.kind}:${l.resource}`} className="rounded border border-warning/40 p-2">
                {l.message[locale]}
              </li>
            ))}
          </ul>
        )}
      </section>
      {p.enis.length > 0 && (
        <p className="rounded bg-muted p-2 text-sm">
          {t("teardown", { eips: p.teardown.unassociateEips, ips: p.teardown.unassignIps })}
        </p>
      )}
      {p.managedBy && <p className="text-sm text-danger">{t("managedBy", { name: p.managedBy.name })}</p>}
      {p.canAdopt && (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id="adopt-name" label={t("name")}>
            <Input id="adopt-name" value={props.name} maxLength={120} onChange={(e) => props.setName(e.target.value)} />
          </Field>
          <Field id="adopt-os" label={t("os")}>
            <Select id="adopt-os" value={props.os} onChange={(e) => props.setOs(e.target.value)}>
              {OS_FAMILIES.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      )}
      <Button
        disabled={!p.canAdopt || !props.name.trim() || props.pending}
        onClick={props.onAdopt}
        data-testid="adopt-confirm"
      >
        {props.pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
        {props.pending ? t("adopting") : t("confirm")}
      </Button>
    </Card>
  );
}
