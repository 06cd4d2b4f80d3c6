// What a finished step means for the deployment's resource record (pure): the executor applies
// each step's effect as the step finishes, and the same wire-body readers tell the step runner
// which secondary IPs a call produced.
import type { WireBody } from "@/lib/cloud/call";
import type { PlannedStep, ResourcesRecord } from "./model";

export function assignedFrom(body: WireBody | undefined): string[] | undefined {
  const set = (body?.AssignedPrivateIpAddressesSet as { PrivateIpSet?: { PrivateIpAddress?: string[] } } | undefined)
    ?.PrivateIpSet?.PrivateIpAddress;
  return Array.isArray(set) ? set : undefined;
}
export function createdSecondaries(body: WireBody | undefined): string[] | undefined {
  const list = (
    body?.PrivateIpSets as { PrivateIpSet?: Array<{ PrivateIpAddress: string; Primary: boolean }> } | undefined
  )?.PrivateIpSet;
  return Array.isArray(list) ? list.filter((p) => !p.Primary).map((p) => p.PrivateIpAddress) : undefined;
}

/** The record's entry of the spec's EIP `index`, created on first use. */
function eipEntry(record: ResourcesRecord, index: number) {
  record.eips ??= [];
  let e = record.eips.find((x) => x.specIndex === index);
  if (!e) {
    e = {
      specIndex: index,
      allocationId: "",
      ipAddress: "",
      privateIp: "",
      allocatedByUs: false,
      associatedByUs: false,
    };
    record.eips.push(e);
    // Steps of different EIPs finish in any order (they run concurrently): the
    // record lists them in the spec's order, whatever order they finished in.
    record.eips.sort((a, b) => a.specIndex - b.specIndex);
  }
  return e;
}

/** What a finished step means for the deployment's resource record. */
export function applyEffect(
  record: ResourcesRecord,
  step: PlannedStep,
  params: Record<string, unknown>,
  body: WireBody | null,
): void {
  switch (step.kind) {
    case "instance.create": {
      const ids = (body?.InstanceIdSets as { InstanceIdSet?: string[] } | undefined)?.InstanceIdSet;
      if (ids?.[0]) record.instanceId = ids[0];
      record.instanceCreated = true;
      return;
    }
    case "instance.stop":
      if (step.key === "instance.stop") record.stoppedByUs = true;
      return;
    case "instance.start":
    case "instance.delete":
    case "eni.delete":
    case "eip.release":
      return;
    case "eni.create": {
      if (body) {
        record.eniId = String(body.NetworkInterfaceId);
        record.eniPrimaryIp = String(body.PrivateIpAddress ?? "");
        record.macAddress = String(body.MacAddress ?? "");
        record.assignedIps = createdSecondaries(body) ?? [];
      }
      record.eniCreated = true;
      return;
    }
    case "eni.attach":
      record.eniAttachedByUs = true;
      return;
    case "eni.detach":
      record.eniAttachedByUs = false;
      return;
    case "ips.assign": {
      const added = Array.isArray(params.PrivateIpAddress)
        ? (params.PrivateIpAddress as string[])
        : (assignedFrom(body ?? undefined) ?? []);
      record.assignedIps = [...new Set([...(record.assignedIps ?? []), ...added])];
      return;
    }
    case "ips.unassign": {
      const removed = new Set((params.PrivateIpAddress as string[] | undefined) ?? []);
      record.assignedIps = (record.assignedIps ?? []).filter((ip) => !removed.has(ip));
      return;
    }
    case "eip.allocate": {
      const i = Number(step.key.split(".").pop());
      const e = eipEntry(record, i);
      if (body) {
        e.allocationId = String(body.AllocationId);
        e.ipAddress = String(body.EipAddress ?? "");
      }
      e.allocatedByUs = true;
      return;
    }
    case "eip.associate": {
      const i = Number(step.key.split(".").pop());
      const e = eipEntry(record, i);
      e.allocationId = String(params.AllocationId);
      e.privateIp = String(params.PrivateIpAddress);
      if (!e.ipAddress && step.known?.eipAddress) e.ipAddress = step.known.eipAddress;
      e.associatedByUs = true;
      return;
    }
    case "eip.unassociate": {
      const e = record.eips?.find((x) => x.allocationId === params.AllocationId);
      if (e) e.associatedByUs = false;
      return;
    }
    case "guest.rollback":
      delete record.guestApplied;
      return;
    default: {
      const never: never = step.kind;
      throw new Error(`unknown step kind ${String(never)}`);
    }
  }
}
