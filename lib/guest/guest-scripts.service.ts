// Runs a deployment bundle's scripts (apply.sh, verify.sh, rollback.sh) on an instance through
// Cloud Assistant, and turns verify.sh's output into per-EIP verdicts. It takes explicit fields
// (the instance, the bundle version's files, the expected private IP → EIP pairs), never a
// deployment record: lib/deploy loads the deployment and records what these return.
import { cloudCall, type CloudContext } from "@/lib/cloud/call";
import { CloudError } from "@/lib/cloud/errors";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { outputTail, packScript, runShellScript, type InvocationResult } from "./cloud-assistant";
import { eipResults, type GuestAction, type GuestEipResult, type GuestRun } from "./guest-checks";

/** One stored bundle version (the latest RouteScript of a deployment). */
export type BundleScript = { version: number; files: unknown };

/** Where and what to run: `deploymentId` only names the invocation (its description). */
export type ScriptTarget = { deploymentId: string; instanceId: string; script: BundleScript | null };

export type ScriptTiming = { timeoutSeconds?: number; pollMs?: number; pollCapMs?: number };

/** An EIP the deployment expects on the guest; `ipAddress` may be unknown (an EIP it did not allocate). */
export type ExpectedEip = { allocationId?: string; privateIp: string; ipAddress?: string };

function scriptFile(script: BundleScript | null, name: string): string {
  if (!script) throw new UserFacingError(msg("guest.noBundle"), { code: "NO_SCRIPT" });
  const f = (script.files as Array<{ path: string; content: string }>).find((x) => x.path === name);
  if (!f) throw new UserFacingError(msg("guest.noFile", { file: name }), { code: "NO_SCRIPT" });
  return f.content;
}

/** `<action>.sh` of the bundle on the instance (RunCommand, audited); an offline agent is said so. */
export async function runBundleScript(
  ctx: CloudContext,
  target: ScriptTarget,
  action: GuestAction,
  args: string[] = [],
  timing: ScriptTiming = {},
): Promise<{ run: GuestRun; result: InvocationResult }> {
  const file = `${action}.sh`;
  const content = packScript(scriptFile(target.script, file), args);
  const { instanceId } = target;
  let result: InvocationResult;
  try {
    result = await runShellScript(ctx, instanceId, content, {
      name: `eipilot-${action}-v${target.script!.version}`,
      description: `EIPilot deployment ${target.deploymentId}: ${file}${args.length ? ` ${args.join(" ")}` : ""}`,
      timeoutSeconds: timing.timeoutSeconds ?? 120,
      pollMs: timing.pollMs,
      pollCapMs: timing.pollCapMs,
    });
  } catch (e) {
    if (e instanceof CloudError && e.code === "InvalidInstance.NotMatch")
      throw new UserFacingError(msg("guest.agentOffline", { instanceId, cloudMessage: e.message }), {
        code: "AGENT_OFFLINE",
        requestId: e.requestId ?? undefined,
      });
    throw e;
  }
  const run: GuestRun = {
    action,
    invokeId: result.invokeId,
    status: result.status,
    exitCode: result.exitCode,
    errorCode: result.errorCode,
    output: outputTail(result.output),
    scriptVersion: target.script!.version,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
  return { run, result };
}

/**
 * Private IP → EIP address expected. An entry may lack the address of an EIP the deployment did
 * not allocate: then the cloud says (DescribeEipAddresses, audited).
 */
export async function expectedEipAddresses(ctx: CloudContext, expected: ExpectedEip[]): Promise<Map<string, string>> {
  const eips = expected.filter((e) => e.privateIp);
  const out = new Map(eips.filter((e) => e.ipAddress).map((e) => [e.privateIp, e.ipAddress!]));
  const missing = eips.filter((e) => !e.ipAddress && e.allocationId);
  if (missing.length) {
    const body = await cloudCall(ctx, "DescribeEipAddresses", {
      RegionId: ctx.regionId,
      AllocationId: missing.map((e) => e.allocationId).join(","),
      PageSize: 50,
    });
    const rows =
      (body.EipAddresses as { EipAddress?: Array<{ AllocationId?: string; IpAddress?: string }> } | undefined)
        ?.EipAddress ?? [];
    for (const e of missing) {
      const ip = rows.find((r) => r.AllocationId === e.allocationId)?.IpAddress;
      if (ip) out.set(e.privateIp, ip);
    }
  }
  return out;
}

export type GuestVerification = {
  run: GuestRun;
  ok: boolean;
  /** The echo URL verify.sh reported using (null: it printed none). */
  echo: string | null;
  results: GuestEipResult[];
};

/** verify.sh (--echo-url … when there is one) and its per-EIP verdicts against the expected EIPs. */
export async function verifyOnGuest(
  ctx: CloudContext,
  target: ScriptTarget,
  expected: ExpectedEip[],
  echoUrl: string | null,
  timing: ScriptTiming = {},
): Promise<GuestVerification> {
  const { run } = await runBundleScript(ctx, target, "verify", echoUrl ? ["--echo-url", echoUrl] : [], timing);
  const parsed = eipResults(await expectedEipAddresses(ctx, expected), run.output);
  const ok = run.exitCode === 0 && parsed.ok && parsed.results.every((r) => r.ok);
  return { run, ok, echo: parsed.echo, results: parsed.results };
}
