import { useMemo } from "react";
import { useLocale } from "next-intl";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { inventoryAction, previewBundleAction } from "@/lib/actions/wizard.actions";
import type { Inventory } from "@/lib/deploy/inventory.service";
import {
  chosenEni,
  eniVSwitch,
  exampleAddresses,
  parseAddressList,
  resolvedOs,
  secondaryCount,
  type WizardForm,
} from "./form-model";

export const wizardKeys = {
  // The locale too: the cloud names regions and zones in the page's language.
  inventory: (team: string, locale: string, account: string, region: string, instance: string) =>
    ["inventory", team, locale, account, region, instance] as const,
  preview: (team: string, input: unknown) => ["bundle-preview", team, input] as const,
};

async function unwrap<T>(
  p: Promise<{ ok: true; data: T } | { ok: false; error: string; requestId?: string }>,
): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error + (r.requestId ? ` (RequestId ${r.requestId})` : ""));
  return r.data;
}

export function useInventory(
  teamId: string,
  f: Pick<WizardForm, "cloudAccountId" | "regionId" | "instanceId" | "instanceMode">,
) {
  const instanceId = f.instanceMode === "existing" ? f.instanceId : "";
  const locale = useLocale();
  return useQuery({
    queryKey: wizardKeys.inventory(teamId, locale, f.cloudAccountId, f.regionId, instanceId),
    queryFn: () =>
      unwrap(
        inventoryAction({
          teamId,
          cloudAccountId: f.cloudAccountId,
          regionId: f.regionId,
          instanceId: instanceId || null,
        }),
      ),
    enabled: !!f.cloudAccountId && !!f.regionId,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    // Reads only: a transient network error (e.g. a reset keep-alive socket) is worth one quiet retry.
    retry: 1,
  });
}

/** The routes spec for a preview: real ENI facts where known, example addresses otherwise. */
export function usePreview(teamId: string, form: WizardForm, inventory: Inventory | null) {
  const eni = chosenEni(form, inventory);
  const vsw = eniVSwitch(form, inventory);
  const os = resolvedOs(form, inventory);
  const input = useMemo(() => {
    if (!vsw) return null;
    const used = [...(eni?.privateIps.map((p) => p.ip) ?? []), ...(inventory?.instances.map((i) => i.primaryIp) ?? [])];
    const primaryIp = eni?.primaryIp ?? exampleAddresses(vsw.cidrBlock, used, 1)[0] ?? "";
    const explicit =
      form.ipMode === "explicit"
        ? [...new Set(parseAddressList(form.ipAddresses).filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip)))]
        : [];
    const secondaries =
      form.ipMode === "explicit"
        ? explicit
        : exampleAddresses(vsw.cidrBlock, [...used, primaryIp], secondaryCount(form));
    return {
      os,
      mac: eni?.macAddress ?? "",
      primaryIp,
      secondaryIps: secondaries,
      cidr: vsw.cidrBlock,
      agent: form.guestAgent,
      example: !eni || form.ipMode === "count",
    };
  }, [eni, vsw, os, form.ipMode, form.ipAddresses, form.ipCount, form.guestAgent, inventory]); // eslint-disable-line react-hooks/exhaustive-deps
  const q = useQuery({
    queryKey: wizardKeys.preview(teamId, input),
    queryFn: () =>
      unwrap(
        previewBundleAction({
          teamId,
          os: input!.os,
          mac: input!.mac,
          primaryIp: input!.primaryIp,
          secondaryIps: input!.secondaryIps,
          cidr: input!.cidr,
          agent: input!.agent,
        }),
      ),
    enabled: !!input?.primaryIp,
    retry: false,
    staleTime: Infinity,
  });
  return { input, ...q };
}
