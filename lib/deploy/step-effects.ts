// What a finished step means for the deployment's resource record (pure): the executor applies
// each step's effect as the step finishes, and the same wire-body readers tell the step runner
// which secondary IPs a call produced.
import type { WireBody } from "@/lib/cloud/call";
import { eniDevice, type EipRecord, type EniRecord, type PlannedStep, type ResourcesRecord } from "./model";

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

/** The spec ENI / EIP a step acts on (plans stored before several ENIs: ENI 0, the EIP index from the key). */
function stepTarget(step: PlannedStep): { eni: number; eip: number } {
  const eni = step.target?.eni ?? 0;
  const eip = step.target?.eip ?? Number(step.key.split(".").pop());
  return { eni, eip };
}

/** The record's entry of the spec's ENI `index`, created on first use. */
function eniEntry(record: ResourcesRecord, index: number, mode: EniRecord["mode"] = "create"): EniRecord {
  record.enis ??= [];
  let e = record.enis.find((x) => x.index === index);
  if (!e) {
    const used = new Set(record.enis.map((x) => x.device));
    let n = 1;
    while (used.has(`eth${n}`)) n++;
    e = { index, mode, ...(mode === "primary" ? eniDevice(0) : eniDevice(n)) };
    record.enis.push(e);
  }
  return e;
}

/** The record's entry of the spec's EIP (`eni`, `index`), created on first use. */
function eipEntry(record: ResourcesRecord, eni: number, index: number): EipRecord {
  record.eips ??= [];
  let e = record.eips.find((x) => x.eniIndex === eni && x.specIndex === index);
  if (!e) {
    e = {
      eniIndex: eni,
      specIndex: index,
      eniId: record.enis?.find((x) => x.index === eni)?.eniId ?? "",
      allocationId: "",
      ipAddress: "",
      privateIp: "",
      allocatedByUs: false,
      associatedByUs: false,
    };
    record.eips.push(e);
    // Steps of different EIPs finish in any order (they run concurrently): the
    // record lists them in the spec's order, whatever order they finished in.
    record.eips.sort((a, b) => rankEip(a) - rankEip(b));
  }
  return e;
}
const rankEip = (e: EipRecord) => (e.eniIndex < 0 ? 1e6 : e.eniIndex * 1000 + e.specIndex);

/** The recorded ENI a removal step names (by id), or the spec ENI the step targets. */
function eniOf(record: ResourcesRecord, step: PlannedStep, params: Record<string, unknown>): EniRecord | undefined {
  const id = step.target?.eniId ?? (params.NetworkInterfaceId as string | undefined);
  return (
    record.enis?.find((x) => !!id && x.eniId === id) ??
    (step.target?.eniId ? undefined : record.enis?.find((x) => x.index === (step.target?.eni ?? 0)))
  );
}

function forgetEni(record: ResourcesRecord, eni: EniRecord | undefined) {
  if (eni && record.enis) record.enis = record.enis.filter((x) => x !== eni);
}
function forgetEip(record: ResourcesRecord, allocationId: unknown) {
  if (record.eips) record.eips = record.eips.filter((x) => x.allocationId !== allocationId);
}

/** What a finished step means for the deployment's resource record. */
export function applyEffect(
  record: ResourcesRecord,
  step: PlannedStep,
  params: Record<string, unknown>,
  body: WireBody | null,
): void {
  const forget = !!step.target?.forget;
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
      return;
    case "eni.create": {
      const e = eniEntry(record, stepTarget(step).eni, "create");
      if (body) {
        e.eniId = String(body.NetworkInterfaceId);
        e.primaryIp = String(body.PrivateIpAddress ?? "");
        e.macAddress = String(body.MacAddress ?? "");
        e.assignedIps = createdSecondaries(body) ?? [];
      }
      e.created = true;
      return;
    }
    case "eni.attach":
      eniEntry(record, stepTarget(step).eni).attachedByUs = true;
      return;
    case "eni.detach": {
      const e = eniOf(record, step, params);
      if (e) e.attachedByUs = false;
      if (forget) forgetEni(record, e);
      return;
    }
    case "eni.delete":
      if (forget) forgetEni(record, eniOf(record, step, params));
      return;
    case "ips.assign": {
      const e = eniOf(record, step, params) ?? eniEntry(record, stepTarget(step).eni);
      const added = Array.isArray(params.PrivateIpAddress)
        ? (params.PrivateIpAddress as string[])
        : (assignedFrom(body ?? undefined) ?? []);
      e.assignedIps = [...new Set([...(e.assignedIps ?? []), ...added])];
      return;
    }
    case "ips.unassign": {
      const e = eniOf(record, step, params);
      const removed = new Set((params.PrivateIpAddress as string[] | undefined) ?? []);
      if (e) e.assignedIps = (e.assignedIps ?? []).filter((ip) => !removed.has(ip));
      if (forget) forgetEni(record, e);
      return;
    }
    case "eip.allocate": {
      const t = stepTarget(step);
      const e = eipEntry(record, t.eni, t.eip);
      if (body) {
        e.allocationId = String(body.AllocationId);
        e.ipAddress = String(body.EipAddress ?? "");
      }
      e.allocatedByUs = true;
      return;
    }
    case "eip.associate": {
      const t = stepTarget(step);
      const e =
        record.eips?.find((x) => x.allocationId === params.AllocationId && x.eniIndex === t.eni) ??
        eipEntry(record, t.eni, t.eip);
      e.allocationId = String(params.AllocationId);
      e.privateIp = String(params.PrivateIpAddress);
      e.eniId = String(params.InstanceId);
      if (!e.ipAddress && step.known?.eipAddress) e.ipAddress = step.known.eipAddress;
      e.associatedByUs = true;
      return;
    }
    case "eip.unassociate": {
      const e = record.eips?.find((x) => x.allocationId === params.AllocationId);
      if (e) e.associatedByUs = false;
      if (forget) forgetEip(record, params.AllocationId);
      return;
    }
    case "eip.release":
      if (forget) forgetEip(record, params.AllocationId);
      return;
    case "guest.rollback":
      delete record.guestApplied;
      return;
    default: {
      const never: never = step.kind;
      throw new Error(`unknown step kind ${String(never)}`);
    }
  }
}
