// Request parameters enter the audit trail through an allow-list: a key that is
// not known to be harmless is replaced, so a new secret-bearing parameter can
// never leak by default.
const SAFE_KEYS = new Set([
  "RegionId",
  "ZoneId",
  "VpcId",
  "VSwitchId",
  "SecurityGroupId",
  "SecurityGroupIds",
  "InstanceId",
  "InstanceIds",
  "InstanceType",
  "InstanceTypes",
  "ImageId",
  "Amount",
  "NetworkInterfaceId",
  "NetworkInterfaceIds",
  "NetworkInterfaceName",
  "PrimaryIpAddress",
  "PrivateIpAddress",
  "SecondaryPrivateIpAddressCount",
  "AllocationId",
  "AllocationIds",
  "EipAddress",
  "IpAddress",
  "Mode",
  "Bandwidth",
  "InternetChargeType",
  "InstanceChargeType",
  "Status",
  "PageNumber",
  "PageSize",
  "MaxResults",
  "NextToken",
  "ForceStop",
  "StoppedMode",
  "CommandType",
  "Type",
  "Timeout",
  "InvokeId",
  "CommandId",
  "SystemDisk.Category",
  "SystemDiskCategory",
  "CidrBlock",
  "Description",
  "Name",
  "ClientToken",
  "DryRun",
  "Force",
  "Associated",
  "Ipv6AddressCount",
  "AcceptLanguage",
  // app-level fields
  "deploymentId",
  "name",
  "role",
  "email",
  "kind",
  "teamId",
  "configId",
  "revision",
  "accessKeyId",
  "os",
  "eipCount",
  "status",
  "phase",
  "fileCount",
  "expiresAt",
  "format",
  "count",
  // guest configuration through Cloud Assistant: which instance, which bundle, each run's id and exit code (never its output)
  "instanceId",
  "scriptVersion",
  "invocations",
  "action",
  "invokeId",
  "exitCode",
  // the audit export's filter, as a query string (from, to, actor, action, resource, deploymentId, outcome)
  "filter",
  // drift checks, repair and adopt: what was found, what was taken over and what was left alone
  "source",
  "findings",
  "drift",
  "calls",
  "checked",
  "drifted",
  "inSync",
  "errors",
  "failures",
  "error",
  "enabled",
  "intervalMinutes",
  "leftAlone",
  "enis",
  "eips",
  "id",
  "mode",
  "resource",
  // fleets: which fleet, how many members, which generation, why a rollout paused, what a guest run over it did
  "fleetId",
  "members",
  "selector",
  "configRevision",
  "generation",
  "reason",
  "acceptedFailures",
  "from",
  "onlyFailed",
  "ran",
  "ok",
  "failed",
  // webhooks: the receiver's origin only (its path may be a secret), the events it takes
  "webhookId",
  "origin",
  "events",
]);
export const REDACTED = "[redacted]";

export function redactParams(params: unknown, depth = 0): unknown {
  if (params === null || params === undefined) return params;
  if (depth > 4) return REDACTED;
  if (Array.isArray(params)) return params.map((p) => redactParams(p, depth + 1));
  if (typeof params !== "object") return params;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (value === undefined) continue;
    // "PrivateIpAddress.1" and friends: judge the key by its base name.
    const base = key.replace(/\.\d+$/, "");
    out[key] = SAFE_KEYS.has(base) ? (typeof value === "object" ? redactParams(value, depth + 1) : value) : REDACTED;
  }
  return out;
}
