// Cloud Assistant through the audited cloudCall: agent status, RunShellScript with the content
// Base64-encoded and a timeout, polling until the invocation finished, decoded output.
// Pure helpers (script packing, verify parsing) live here too; no database access.
import { gzipSync } from "node:zlib";
import { createHash, randomUUID } from "node:crypto";
import { cloudCall, type CloudContext } from "@/lib/cloud/call";
import { CloudError } from "@/lib/cloud/errors";
import { first, obj, str, type Obj } from "@/lib/cloud/wire";

export type AgentStatus = { instanceId: string; online: boolean; version: string | null; reason: string | null };

/** Whether the instance's Cloud Assistant agent is online (DescribeCloudAssistantStatus). */
export async function agentStatus(ctx: CloudContext, instanceId: string): Promise<AgentStatus> {
  try {
    const body = await cloudCall(ctx, "DescribeCloudAssistantStatus", {
      RegionId: ctx.regionId,
      InstanceId: [instanceId],
    });
    const row = first(body.InstanceCloudAssistantStatusSet, "InstanceCloudAssistantStatus");
    if (!row.InstanceId)
      return { instanceId, online: false, version: null, reason: "The instance was not found in this region." };
    const online = str(row.CloudAssistantStatus) === "true";
    return {
      instanceId,
      online,
      version: str(row.CloudAssistantVersion) || null,
      reason: online
        ? null
        : "The Cloud Assistant agent is not running on this instance (or the instance is not Running).",
    };
  } catch (e) {
    if (e instanceof CloudError) return { instanceId, online: false, version: null, reason: `${e.code}: ${e.message}` };
    throw e;
  }
}

/** Terminal per-instance statuses of an invocation (reference §2.16). */
const FINISHED = new Set([
  "Success",
  "Failed",
  "Error",
  "Timeout",
  "Cancelled",
  "Terminated",
  "Invalid",
  "Aborted",
  "Stopped",
  "PartialFailed",
]);

export type InvocationResult = {
  invokeId: string;
  commandId: string;
  instanceId: string;
  status: string;
  exitCode: number | null;
  errorCode: string;
  errorInfo: string;
  output: string;
  startedAt: string;
  finishedAt: string;
};

/** Base64 of the command content must stay ≤ 24 KB: larger scripts are sent gzip'd inside a small stub. */
/** A run finished and its script exited 0 (Cloud Assistant's own status says Success). */
export function ranCleanly(run: { status: string; exitCode: number | null }): boolean {
  return run.exitCode === 0 && run.status === "Success";
}

/** The last `max` characters of a run's output, marked with "…" when cut (what is stored and shown of it). */
export function outputTail(output: string, max = 16 * 1024): string {
  return output.length > max ? `…${output.slice(output.length - max)}` : output;
}

export const MAX_CONTENT_BASE64 = 24 * 1024;

export function packScript(script: string, args: string[] = []): string {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  // Arguments are set right after the shebang line (`set -- …`), so the script sees them as "$@".
  let plain = script;
  if (args.length) {
    const nl = script.startsWith("#!") ? script.indexOf("\n") + 1 : 0;
    plain = `${script.slice(0, nl) || "#!/bin/bash\n"}set -- ${quoted}\n${script.slice(nl)}`;
  }
  if (Buffer.byteLength(Buffer.from(plain).toString("base64")) <= MAX_CONTENT_BASE64) return plain;
  // The stub: unpack into a private temp dir, check the digest, run with the arguments.
  const gz = gzipSync(Buffer.from(script))
    .toString("base64")
    .replace(/(.{76})/g, "$1\n");
  const sum = createHash("sha256").update(script).digest("hex");
  const stub = [
    "#!/bin/bash",
    "set -euo pipefail",
    "d=$(mktemp -d /tmp/eipilot.XXXXXX); trap 'rm -rf \"$d\"' EXIT",
    "base64 -d > \"$d/s.gz\" <<'EIPILOT_PAYLOAD'",
    gz,
    "EIPILOT_PAYLOAD",
    'gzip -dc "$d/s.gz" > "$d/script.sh"',
    `echo "${sum}  $d/script.sh" | sha256sum -c --quiet -`,
    "set +e",
    `bash "$d/script.sh" ${quoted}`,
    "exit $?",
    "",
  ].join("\n");
  if (Buffer.byteLength(Buffer.from(stub).toString("base64")) > MAX_CONTENT_BASE64)
    throw new Error("the script is too large for Cloud Assistant even compressed");
  return stub;
}

export type RunOptions = {
  name: string;
  description?: string;
  timeoutSeconds?: number;
  pollMs?: number;
  pollCapMs?: number;
  clientToken?: string;
};

/**
 * RunCommand (RunShellScript, Base64 content, Timeout) on one instance, then polls
 * DescribeInvocations until the invocation finished and reads the result with
 * DescribeInvocationResults (Output decoded from Base64). Throws CloudError for API errors.
 */
export async function runShellScript(
  ctx: CloudContext,
  instanceId: string,
  content: string,
  opts: RunOptions,
): Promise<InvocationResult> {
  const timeout = opts.timeoutSeconds ?? 120;
  const run = await cloudCall(ctx, "RunCommand", {
    RegionId: ctx.regionId,
    InstanceId: [instanceId],
    Type: "RunShellScript",
    CommandContent: Buffer.from(content, "utf8").toString("base64"),
    ContentEncoding: "Base64",
    Timeout: timeout,
    Name: opts.name.slice(0, 128),
    Description: (opts.description ?? "").slice(0, 512),
    ClientToken: (opts.clientToken ?? randomUUID()).slice(0, 64),
  });
  const invokeId = str(run.InvokeId);
  const deadline = Date.now() + (timeout + 90) * 1000;
  let wait = opts.pollMs ?? 1000;
  for (;;) {
    await new Promise((r) => setTimeout(r, wait));
    const inv = first(
      (await cloudCall(ctx, "DescribeInvocations", { RegionId: ctx.regionId, InvokeId: invokeId })).Invocations,
      "Invocation",
    );
    const mine = (obj(inv.InvokeInstances).InvokeInstance as Obj[] | undefined)?.find(
      (x) => x.InstanceId === instanceId,
    );
    const status = str(mine?.InvocationStatus ?? inv.InvocationStatus);
    if (FINISHED.has(status)) break;
    if (Date.now() > deadline) throw new Error(`the invocation ${invokeId} did not finish within ${timeout + 90} s`);
    wait = Math.min(wait * 1.5, opts.pollCapMs ?? 3000);
  }
  const res = await cloudCall(ctx, "DescribeInvocationResults", {
    RegionId: ctx.regionId,
    InvokeId: invokeId,
    InstanceId: instanceId,
    ContentEncoding: "Base64",
  });
  const row = first(obj(obj(res.Invocation).InvocationResults), "InvocationResult");
  return {
    invokeId,
    commandId: str(row.CommandId ?? run.CommandId),
    instanceId,
    status: str(row.InvocationStatus),
    exitCode: row.ExitCode === undefined || row.ExitCode === null ? null : Number(row.ExitCode),
    errorCode: str(row.ErrorCode),
    errorInfo: str(row.ErrorInfo),
    output: Buffer.from(str(row.Output), "base64").toString("utf8"),
    startedAt: str(row.StartTime),
    finishedAt: str(row.FinishedTime),
  };
}

// ---------------------------------------------------------------- verify.sh output

export type VerifyAddress = {
  device: string;
  ip: string;
  egress: string | null;
  expectedEip: string | null;
  /** False for an address that carries no EIP (routes spec eipIps): no public answer is expected of it. */
  carriesEip: boolean;
  ok: boolean;
};
export type VerifySummary = { ok: boolean; echoUrl: string | null; addresses: VerifyAddress[]; problems: string[] };

/** The JSON line verify.sh prints (the last line of the output that parses as its summary). */
export function parseVerifyOutput(output: string): VerifySummary | null {
  const lines = output.split("\n").reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith("{")) continue;
    try {
      const j = JSON.parse(t) as Obj;
      if (!Array.isArray(j.addresses)) continue;
      return {
        ok: j.ok === true,
        echoUrl: typeof j.echoUrl === "string" ? j.echoUrl : null,
        addresses: (j.addresses as Obj[]).map((a) => ({
          device: str(a.device),
          ip: str(a.ip),
          egress: typeof a.egress === "string" ? a.egress : null,
          expectedEip: typeof a.expectedEip === "string" ? a.expectedEip : null,
          carriesEip: a.carriesEip !== false,
          ok: a.ok === true,
        })),
        problems: Array.isArray(j.problems) ? (j.problems as unknown[]).map(str) : [],
      };
    } catch {
      // not the summary line
    }
  }
  return null;
}
