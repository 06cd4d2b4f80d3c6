// Drift: compare what the deployment record says with the live state and list
// every difference (pure `diffDrift`; `detectDrift` reads the state first).
import type { CloudContext } from "@/lib/cloud/call";
import type { DeploymentSpec } from "./spec.schema";
import { normalizeRecord, type LiveSnapshot, type ResourcesRecord } from "./model";
import { readSnapshot } from "./state";

export type DriftItem = {
  resource: string;
  field: string;
  expected: string;
  actual: string;
  message: { en: string; ja: string };
};

export function diffDrift(spec: DeploymentSpec, live: LiveSnapshot, raw: ResourcesRecord): DriftItem[] {
  const record = normalizeRecord(raw);
  const out: DriftItem[] = [];
  const add = (resource: string, field: string, expected: string, actual: string, en: string, ja: string) =>
    out.push({ resource, field, expected, actual, message: { en, ja } });
  const instanceId = record.instanceId ?? (spec.instance.mode === "existing" ? spec.instance.instanceId : undefined);
  if (instanceId && !live.instance)
    add(
      instanceId,
      "exists",
      "present",
      "absent",
      `Instance ${instanceId} no longer exists.`,
      `インスタンス ${instanceId} が存在しません。`,
    );
  for (const r of record.enis ?? []) {
    const eniId = r.eniId;
    if (!eniId) continue;
    const l =
      live.enis.find((x) => x.networkInterfaceId === eniId) ??
      live.instanceEnis.find((x) => x.networkInterfaceId === eniId);
    if (!l) {
      add(eniId, "exists", "present", "absent", `ENI ${eniId} no longer exists.`, `ENI ${eniId} が存在しません。`);
      continue;
    }
    if (instanceId && l.instanceId !== instanceId) {
      add(
        eniId,
        "attachment",
        instanceId,
        l.instanceId || "(detached)",
        `ENI ${eniId} is ${l.instanceId ? `attached to ${l.instanceId}` : "detached"}, expected on ${instanceId}.`,
        `ENI ${eniId} は ${l.instanceId ? `${l.instanceId} にアタッチ` : "デタッチ"}されています（想定: ${instanceId}）。`,
      );
    }
    const onEni = new Set(l.privateIps.map((p) => p.ip));
    for (const ip of r.assignedIps ?? []) {
      if (!onEni.has(ip))
        add(
          eniId,
          `privateIp:${ip}`,
          "assigned",
          "missing",
          `Secondary private IP ${ip} is no longer on ${eniId}.`,
          `セカンダリプライベート IP ${ip} が ${eniId} から外れています。`,
        );
    }
    // On the primary ENI (and an existing ENI) other addresses are the instance owner's, not drift.
    if (r.mode !== "create") continue;
    const known = new Set([l.primaryIp, ...(r.assignedIps ?? [])]);
    for (const p of l.privateIps) {
      if (!known.has(p.ip))
        add(
          eniId,
          `privateIp:${p.ip}`,
          "absent",
          "assigned",
          `${p.ip} was added to ${eniId} outside this deployment.`,
          `${p.ip} がこのデプロイ以外で ${eniId} に追加されています。`,
        );
    }
  }
  for (const e of record.eips ?? []) {
    if (!e.associatedByUs) continue;
    const l = live.eips.find((x) => x.allocationId === e.allocationId);
    const name = `${e.allocationId}${e.ipAddress ? ` (${e.ipAddress})` : ""}`;
    if (!l) {
      add(
        e.allocationId,
        "exists",
        "present",
        "absent",
        `EIP ${name} no longer exists.`,
        `EIP ${name} が存在しません。`,
      );
    } else if (l.instanceId !== e.eniId || l.privateIpAddress !== e.privateIp) {
      const actual = l.instanceId ? `${l.instanceId}/${l.privateIpAddress}` : "(unassociated)";
      add(
        e.allocationId,
        "association",
        `${e.eniId}/${e.privateIp}`,
        actual,
        `EIP ${name} should map to ${e.privateIp} on ${e.eniId}; it is ${l.instanceId ? `bound to ${actual}` : "not associated"}.`,
        `EIP ${name} は ${e.eniId} の ${e.privateIp} に関連付いているはずですが、${l.instanceId ? `${actual} に関連付いています` : "関連付けがありません"}。`,
      );
    }
  }
  return out;
}

export async function detectDrift(ctx: CloudContext, spec: DeploymentSpec, record: ResourcesRecord) {
  const live = await readSnapshot(ctx, spec, record);
  return { live, drift: diffDrift(spec, live, record), checkedAt: new Date().toISOString() };
}
