import "server-only";
// What the deployment page reads around the run's progress (plan descriptions, checks, bundle
// versions, results per EIP), and the per-EIP cloud check of a finished deployment
// (verifyDeployment, which records its result on the deployment). Team-scoped.
import { db } from "@/lib/db/client";
import { describeEips, describeEnis, type EniView } from "@/lib/cloud/resources";
import { fixHint } from "@/lib/cloud/errors";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import type { GuestChecks } from "@/lib/guest/guest-checks";
import { getProgress as getProgressFn } from "./deployment.service";
import { normalizeRecord } from "./model";
import { deploymentSpecSchema, specInputToV2 } from "./spec.schema";
import { specWithoutSecrets } from "./secrets";
import { eipResultRows, guestVerdict, type EipResultRow } from "./eip-results";
import { inventoryContext } from "./inventory.service";

// ---------------------------------------------------------------- per-EIP check

export type EipCheck = {
  eniIndex: number;
  specIndex: number;
  eniId: string;
  allocationId: string;
  ipAddress: string;
  privateIp: string;
  /** Cloud side: the EIP is InUse, in NAT mode, bound to this ENI and private IP, and the ENI is on the instance. */
  cloud: "pass" | "fail";
  status: string;
  mode: string;
  boundTo: string;
  detail: string;
  /** Guest side: needs Cloud Assistant (verify.sh run on the instance). */
  guest: "pass" | "fail" | "not_run";
};
/** `guest`: the latest guest verification (guest-run.service.ts, verify.sh through Cloud Assistant), kept across cloud checks. */
export type Checks = { checkedAt: string; eniOnInstance: boolean; results: EipCheck[]; guest?: GuestChecks };

/** Reads the live state of a deployment's EIPs and records one result per EIP (deployment.checks). */
export async function verifyDeployment(teamId: string, id: string, actorId?: string | null): Promise<Checks> {
  const d = await db().deployment.findFirst({
    where: { id, teamId },
    select: { id: true, spec: true, resources: true, cloudAccountId: true, status: true },
  });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  // The password is not needed here: parse the stored spec with it replaced (no decryption).
  const spec = deploymentSpecSchema.parse(specWithoutSecrets(d.spec));
  const guestOf = async () =>
    ((await db().deployment.findFirst({ where: { id, teamId }, select: { checks: true } }))?.checks as Checks | null)
      ?.guest;
  const record = normalizeRecord(d.resources);
  if (!d.cloudAccountId) throw new UserFacingError(msg("deploy.noAccount"), { code: "NO_ACCOUNT" });
  const ctx = { ...(await inventoryContext(teamId, d.cloudAccountId, spec.regionId, actorId)), deploymentId: id };
  const ours = (record.eips ?? []).filter((e) => e.allocationId);
  const eniIds = (record.enis ?? []).flatMap((e) => (e.eniId ? [e.eniId] : []));
  const [eips, enis] = await Promise.all([
    describeEips(
      ctx,
      ours.map((e) => e.allocationId),
    ),
    eniIds.length ? describeEnis(ctx, { ids: eniIds }) : Promise.resolve([] as EniView[]),
  ]);
  const onInstance = (eniId: string) => {
    const eni = enis.find((x) => x.networkInterfaceId === eniId);
    return !!eni && !!record.instanceId && eni.instanceId === record.instanceId && eni.status === "InUse";
  };
  const eniOnInstance = eniIds.every(onInstance);
  const results: EipCheck[] = ours.map((e) => {
    const l = eips.eips.find((x) => x.allocationId === e.allocationId);
    const boundTo = l?.instanceId ? `${l.instanceId}/${l.privateIpAddress}` : "";
    const attached = onInstance(e.eniId);
    const ok =
      !!l &&
      l.status === "InUse" &&
      l.mode === "NAT" &&
      l.instanceId === e.eniId &&
      l.privateIpAddress === e.privateIp &&
      attached;
    const detail = !l
      ? "EIP not found"
      : ok
        ? "InUse · NAT"
        : l.status !== "InUse"
          ? `status ${l.status}`
          : l.instanceId !== e.eniId || l.privateIpAddress !== e.privateIp
            ? `bound to ${boundTo || "nothing"}`
            : !attached
              ? "ENI not attached to the instance"
              : `mode ${l.mode || "?"}`;
    return {
      eniIndex: e.eniIndex,
      specIndex: e.specIndex,
      eniId: e.eniId,
      allocationId: e.allocationId,
      ipAddress: l?.ipAddress ?? e.ipAddress,
      privateIp: e.privateIp,
      cloud: ok ? "pass" : "fail",
      status: l?.status ?? "absent",
      mode: l?.mode ?? "",
      boundTo,
      detail,
      guest: "not_run",
    };
  });
  // The guest verification is not this check's to forget: keep the latest one (read after the
  // cloud calls, so a verify.sh that finished meanwhile is not lost) and show its verdict per EIP.
  const guest = await guestOf();
  for (const r of results) {
    const g = guestVerdict(guest, r.privateIp).verdict;
    r.guest = g === "pass" || g === "fail" ? g : "not_run";
  }
  const checks: Checks = { checkedAt: new Date().toISOString(), eniOnInstance, results, ...(guest ? { guest } : {}) };
  await db().deployment.updateMany({ where: { id, teamId }, data: { checks: checks as never } });
  return checks;
}

// ---------------------------------------------------------------- deployment page

export type ScriptMeta = {
  version: number;
  os: string;
  sha256: string;
  createdAt: string;
  files: Array<{ path: string; sha256: string; mode: string; size: number }>;
};
export type DeploymentView = Awaited<ReturnType<typeof getProgressFn>> & {
  descriptions: Record<string, { en: string; ja: string }>;
  checks: Checks | null;
  /** What "Results per EIP" shows (association, cloud check, guest check), current for the deployment's state. */
  eipResults: EipResultRow[];
  scripts: ScriptMeta[];
  spec: Record<string, unknown>;
  createdBy: string | null;
  createdAt: string;
  preflight: unknown;
  /** The last drift check's differences (refresh or the schedule) and when it ran. */
  drift: Array<{
    resource: string;
    field: string;
    expected: string;
    actual: string;
    message: { en: string; ja: string };
  }>;
  driftCheckedAt: string | null;
};

/** The spec's EIPs (v1 or v2, possibly incomplete) with their ENI index and index in that ENI's list. */
function plannedEips(spec: unknown): Array<{ eni: number; index: number; allocationId?: string; privateIp?: string }> {
  const s = specInputToV2(spec) as { enis?: unknown } | null;
  const enis = Array.isArray(s?.enis) ? (s.enis as Array<{ eips?: unknown } | null>) : [];
  return enis.flatMap((entry, eni) =>
    Array.isArray(entry?.eips)
      ? (entry.eips as Array<{ allocationId?: unknown; privateIp?: unknown } | null>).map((e, index) => ({
          eni,
          index,
          allocationId: typeof e?.allocationId === "string" ? e.allocationId : undefined,
          privateIp: typeof e?.privateIp === "string" ? e.privateIp : undefined,
        }))
      : [],
  );
}

/** Progress plus what the page shows around it (plan descriptions, checks, script versions). Team-scoped. */
export async function getDeploymentView(teamId: string, id: string): Promise<DeploymentView> {
  const progress = await getProgressFn(teamId, id);
  const d = await db().deployment.findFirst({
    where: { id, teamId },
    select: {
      plan: true,
      checks: true,
      spec: true,
      createdById: true,
      createdAt: true,
      preflight: true,
      drift: true,
      driftCheckedAt: true,
      scripts: {
        orderBy: { version: "desc" },
        select: { version: true, os: true, sha256: true, createdAt: true, files: true },
      },
    },
  });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  const descriptions: DeploymentView["descriptions"] = {};
  const plans = (d.plan ?? {}) as Record<
    string,
    { steps?: Array<{ key: string; description?: { en: string; ja: string } }> } | undefined
  >;
  for (const phase of ["apply", "teardown"])
    for (const s of plans[phase]?.steps ?? []) if (s.description) descriptions[`${phase}:${s.key}`] = s.description;
  const user = d.createdById
    ? await db().user.findFirst({ where: { id: d.createdById }, select: { name: true, email: true } })
    : null;
  // The cloud's code → our fix hint (en/ja), for the deployment error and each failed step.
  const withHint = (e: unknown) =>
    e && typeof e === "object" && "code" in e
      ? { ...(e as object), hint: fixHint(String((e as { code: unknown }).code)) }
      : e;
  return {
    ...progress,
    error: withHint(progress.error),
    steps: progress.steps.map((st) => ({ ...st, error: withHint(st.error) })),
    descriptions,
    checks: (d.checks ?? null) as Checks | null,
    eipResults: eipResultRows({
      status: progress.status,
      phase: progress.phase,
      resources: progress.resources,
      steps: progress.steps,
      checks: d.checks,
      planned: plannedEips(d.spec),
    }),
    scripts: d.scripts.map((s) => ({
      version: s.version,
      os: s.os,
      sha256: s.sha256,
      createdAt: s.createdAt.toISOString(),
      files: ((s.files ?? []) as Array<{ path: string; sha256: string; mode: string; content: string }>).map((f) => ({
        path: f.path,
        sha256: f.sha256,
        mode: f.mode,
        size: f.content.length,
      })),
    })),
    spec: specWithoutSecrets((d.spec ?? {}) as Record<string, unknown>),
    createdBy: user ? user.name || user.email : null,
    createdAt: d.createdAt.toISOString(),
    preflight: d.preflight ?? null,
    drift: (d.drift ?? []) as DeploymentView["drift"],
    driftCheckedAt: d.driftCheckedAt?.toISOString() ?? null,
  };
}
