// Data shared by the pure planner, pre-flight and the executor (no I/O here).
import type { EipView, EniView, InstanceTypeView, InstanceView, VSwitchView } from "@/lib/cloud/resources";
import type { CloudAction } from "@/lib/cloud/call";

export type { EipView, EniView, InstanceTypeView, InstanceView, VSwitchView };

/** Live state read before planning (pre-flight reads it once and both use it). */
export type LiveSnapshot = {
  regionId: string;
  regionKnown: boolean;
  instance: InstanceView | null;
  instanceType: InstanceTypeView | null;
  /** ENIs attached to the instance, primary included. */
  instanceEnis: EniView[];
  /** Every ENI the spec names or the record holds (existing ones, ones this deployment created), as found. */
  enis: EniView[];
  /** The vSwitches of those ENIs and of the ENIs to create. */
  vSwitches: VSwitchView[];
  /** EIPs named in the spec or recorded by this deployment. */
  eips: EipView[];
  /** All EIPs in the region (for the quota check). */
  regionEipCount: number;
  /** Explicitly requested private IP → the ENI that already holds it. */
  ipHolders: Record<string, string>;
};

/** The instance's primary ENI as found live. */
export function primaryEniOf(live: LiveSnapshot): EniView | undefined {
  return live.instanceEnis.find((e) => e.type === "Primary");
}

/** A step key of the spec's ENI `k`: ENI 0 keeps the keys of one-ENI deployments ("eni.create", "eip.associate.2"). */
export function eniStepKey(k: number, base: string): string {
  return k === 0 ? base : `e${k}:${base}`;
}

export type EniMode = "existing" | "create" | "primary";

/** One ENI of the deployment: a secondary ENI (existing or created by us) or the instance's primary ENI. */
export type EniRecord = {
  /** Position in the spec's `enis` this ENI serves (renumbered when a change is planned; -1 = no longer in the spec). */
  index: number;
  mode: EniMode;
  eniId?: string;
  /** Created by this deployment (teardown deletes it). */
  created?: boolean;
  /** Attached to the instance by this deployment (teardown detaches it). */
  attachedByUs?: boolean;
  primaryIp?: string;
  macAddress?: string;
  vSwitchCidr?: string;
  /** Guest device: eth0 for the primary ENI, eth1, eth2… for secondary ENIs. */
  device?: string;
  /** Policy-routing table of a secondary ENI (1001 for eth1, 1002 for eth2…); none for the primary ENI. */
  routeTable?: number;
  /** Secondary IPs this deployment added (created with the ENI or assigned). */
  assignedIps?: string[];
};

/** One EIP this deployment allocated and/or associated. */
export type EipRecord = {
  /** The spec ENI (`enis[eniIndex]`) and its EIP (`eips[specIndex]`) this EIP serves; -1 = no longer in the spec. */
  eniIndex: number;
  specIndex: number;
  /** The ENI it is (to be) associated with ("" until known). */
  eniId: string;
  allocationId: string;
  ipAddress: string;
  privateIp: string;
  allocatedByUs: boolean;
  associatedByUs: boolean;
};

/** What this deployment created or changed: drives teardown, drift and re-planning. */
export type ResourcesRecord = {
  instanceId?: string;
  instanceCreated?: boolean;
  stoppedByUs?: boolean;
  /** Every ENI of the deployment (secondary ones and, in primary mode, the instance's primary ENI). */
  enis?: EniRecord[];
  eips?: EipRecord[];
  /**
   * The guest-OS bundle was run on the instance through Cloud Assistant (apply.sh) and not rolled
   * back since: teardown then runs rollback.sh there first, before the ENI goes away.
   */
  guestApplied?: { scriptVersion: number; appliedAt: string };
  /**
   * Discovered by "Adopt" (lib/deploy/adopt.ts), not built by EIPilot: nothing is marked created,
   * allocated or attached by us, so teardown never deletes an ENI, detaches it or releases an EIP; it
   * unassociates the adopted EIPs and unassigns the adopted secondary private IPs (`associatedByUs` and
   * `assignedIps` mean "managed by this deployment").
   */
  adopted?: { at: string; leftAlone: number };
};

/** A record as stored before several ENIs (one secondary ENI's fields at the top). Read through normalizeRecord. */
export type LegacyResourcesRecord = Omit<ResourcesRecord, "eips"> & {
  eniId?: string;
  eniCreated?: boolean;
  eniAttachedByUs?: boolean;
  eniPrimaryIp?: string;
  macAddress?: string;
  vSwitchCidr?: string;
  assignedIps?: string[];
  eips?: Array<Partial<EipRecord> & { specIndex: number; allocationId: string }>;
};

const LEGACY_ENI_FIELDS = [
  "eniId",
  "eniCreated",
  "eniAttachedByUs",
  "eniPrimaryIp",
  "macAddress",
  "vSwitchCidr",
  "assignedIps",
] as const;

/** The guest device and route table of the n-th secondary ENI (n from 1), or of the primary ENI (n = 0). */
export function eniDevice(n: number): { device: string; routeTable?: number } {
  return n === 0 ? { device: "eth0" } : { device: `eth${n}`, routeTable: 1000 + n };
}

/**
 * Any stored record (legacy one-ENI fields or `enis[]`) in the current shape: the legacy top-level
 * fields become `enis[0]` (a secondary ENI, eth1, table 1001) and each EIP names its ENI. Pure; the
 * input is not changed. Idempotent: a current record comes back equal.
 */
export function normalizeRecord(raw: unknown): ResourcesRecord {
  const r = (raw && typeof raw === "object" ? raw : {}) as LegacyResourcesRecord;
  const out: ResourcesRecord & Record<string, unknown> = { ...(r as object) } as never;
  for (const k of LEGACY_ENI_FIELDS) delete out[k];
  let enis: EniRecord[] = (r.enis ?? []).map((e) => ({ ...e }));
  const hasLegacy = LEGACY_ENI_FIELDS.some((k) => r[k] !== undefined);
  if (!r.enis && hasLegacy) {
    const e: EniRecord = { index: 0, mode: r.eniCreated ? "create" : "existing", ...eniDevice(1) };
    if (r.eniId) e.eniId = r.eniId;
    if (r.eniCreated !== undefined) e.created = r.eniCreated;
    if (r.eniAttachedByUs !== undefined) e.attachedByUs = r.eniAttachedByUs;
    if (r.eniPrimaryIp) e.primaryIp = r.eniPrimaryIp;
    if (r.macAddress) e.macAddress = r.macAddress;
    if (r.vSwitchCidr) e.vSwitchCidr = r.vSwitchCidr;
    if (r.assignedIps) e.assignedIps = [...r.assignedIps];
    enis = [e];
  }
  if (enis.length || r.enis) out.enis = enis;
  if (r.eips)
    out.eips = r.eips.map((e) => {
      const eniIndex = e.eniIndex ?? 0;
      return {
        eniIndex,
        specIndex: e.specIndex,
        eniId: e.eniId ?? enis.find((x) => x.index === eniIndex)?.eniId ?? "",
        allocationId: e.allocationId,
        ipAddress: e.ipAddress ?? "",
        privateIp: e.privateIp ?? "",
        allocatedByUs: e.allocatedByUs ?? false,
        associatedByUs: e.associatedByUs ?? false,
      };
    });
  return out;
}

/** The record's ENI serving the spec's `enis[index]`. */
export function eniRecordAt(record: ResourcesRecord, index: number): EniRecord | undefined {
  return record.enis?.find((e) => e.index === index);
}

/** The first secondary ENI's id (the deployment row's `eniId` column, dashboards, locks). */
export function firstEniId(record: ResourcesRecord): string | undefined {
  return record.enis?.find((e) => e.mode !== "primary" && e.eniId)?.eniId ?? record.enis?.find((e) => e.eniId)?.eniId;
}

/**
 * A value that becomes known only when an earlier step has run. `eni` names the spec's ENI
 * (`enis[eni]`, 0 when absent: plans stored before several ENIs).
 */
export type Ref =
  | { $ref: "instanceId" }
  | { $ref: "eniId"; eni?: number }
  | { $ref: "eniPrimaryIp"; eni?: number }
  | { $ref: "secondaryIp"; index: number; eni?: number }
  | { $ref: "allocationId"; index: number; eni?: number }
  /** The new instance's login password: opened from the stored spec only for the call (lib/deploy/secrets.ts). */
  | { $ref: "instancePassword" };
export type Val = string | Ref;

export type Cond =
  | { entity: "instance"; id: Val; status?: string[]; gone?: boolean }
  | { entity: "eni"; id: Val; status?: string[]; instanceId?: Val; hasIps?: Val[]; lacksIps?: Val[]; gone?: boolean }
  | { entity: "eip"; id: Val; status?: string[]; boundTo?: { instanceId: Val; privateIp: Val } | null; gone?: boolean };

export type StepKind =
  | "instance.create"
  | "instance.stop"
  | "instance.start"
  | "instance.delete"
  | "eni.create"
  | "eni.attach"
  | "eni.detach"
  | "eni.delete"
  | "ips.assign"
  | "ips.unassign"
  | "eip.allocate"
  | "eip.associate"
  | "eip.unassociate"
  | "eip.release"
  | "guest.rollback";

export type PlannedStep = {
  key: string;
  kind: StepKind;
  action: CloudAction;
  /** Wire parameters; may contain Refs. `ClientToken` is added by the executor for actions that take one. */
  params: Record<string, unknown>;
  dependsOn: string[];
  /** Post-condition; for asynchronous actions the executor polls until it holds. */
  done?: Cond;
  async: boolean;
  /** Transitional statuses that show the call was already accepted (resume after a crash). */
  busy?: string[];
  /** Whether the action accepts a ClientToken (idempotent retries). */
  idempotent: boolean;
  noop: boolean;
  description: { en: string; ja: string };
  /** Facts the planner already knows that the call's response does not carry (an existing EIP's address). */
  known?: { eipAddress?: string };
  /**
   * What the step acts on, for its effect on the record: the spec's ENI / EIP indexes, or the recorded
   * ENI / EIP it removes. `forget`: the record drops the ENI / EIP once the step finished (a change
   * removed it). Absent on plans stored before several ENIs (ENI 0, EIP index from the key).
   */
  target?: { eni?: number; eip?: number; eniId?: string; allocationId?: string; forget?: boolean };
};

export type Plan = {
  phase: "apply" | "teardown";
  /** An apply on a deployment that already has resources: the steps are the delta to the new spec. */
  change?: boolean;
  steps: PlannedStep[];
  /** Mutating calls the plan will make (steps that are not no-ops). */
  changes: number;
};

export const CLIENT_TOKEN_ACTIONS = new Set<CloudAction>([
  "RunInstances",
  "CreateNetworkInterface",
  "AssignPrivateIpAddresses",
  "AllocateEipAddress",
  "AssociateEipAddress",
  "UnassociateEipAddress",
]);

/** Instance types that attach/detach secondary ENIs only while Stopped (non-exhaustive, from the 2021 family docs). */
export const STOPPED_ONLY_TYPES = new Set([
  "ecs.t6-c1m1.large",
  "ecs.t6-c1m2.large",
  "ecs.t6-c1m4.large",
  "ecs.t6-c2m1.large",
  "ecs.t6-c4m1.large",
  "ecs.t5-lc2m1.nano",
  "ecs.t5-c1m1.large",
  "ecs.t5-c1m2.large",
  "ecs.t5-c1m4.large",
  "ecs.t5-lc1m1.small",
  "ecs.t5-lc1m2.large",
  "ecs.t5-lc1m2.small",
  "ecs.t5-lc1m4.large",
  "ecs.xn4.small",
  "ecs.n4.small",
  "ecs.n4.large",
  "ecs.mn4.small",
  "ecs.mn4.large",
  "ecs.e4.small",
  "ecs.e4.large",
]);

export function isRef(v: unknown): v is Ref {
  return !!v && typeof v === "object" && "$ref" in (v as object);
}
