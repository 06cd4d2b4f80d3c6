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
  /** The secondary ENI (existing one, or the one this deployment created). */
  eni: EniView | null;
  /** The vSwitch the secondary ENI lives (or will live) in. */
  vSwitch: VSwitchView | null;
  /** EIPs named in the spec or recorded by this deployment. */
  eips: EipView[];
  /** All EIPs in the region (for the quota check). */
  regionEipCount: number;
  /** Explicitly requested private IP → the ENI that already holds it. */
  ipHolders: Record<string, string>;
};

/** What this deployment created or changed: drives teardown, drift and re-planning. */
export type ResourcesRecord = {
  instanceId?: string;
  instanceCreated?: boolean;
  stoppedByUs?: boolean;
  eniId?: string;
  eniCreated?: boolean;
  eniAttachedByUs?: boolean;
  eniPrimaryIp?: string;
  macAddress?: string;
  vSwitchCidr?: string;
  /** Secondary IPs this deployment added (created with the ENI or assigned). */
  assignedIps?: string[];
  eips?: Array<{
    specIndex: number;
    allocationId: string;
    ipAddress: string;
    privateIp: string;
    allocatedByUs: boolean;
    associatedByUs: boolean;
  }>;
  /**
   * The guest-OS bundle was run on the instance through Cloud Assistant (apply.sh) and not rolled
   * back since: teardown then runs rollback.sh there first, before the ENI goes away.
   */
  guestApplied?: { scriptVersion: number; appliedAt: string };
};

/** A value that becomes known only when an earlier step has run. */
export type Ref =
  | { $ref: "instanceId" }
  | { $ref: "eniId" }
  | { $ref: "eniPrimaryIp" }
  | { $ref: "secondaryIp"; index: number }
  | { $ref: "allocationId"; index: number }
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
};

export type Plan = {
  phase: "apply" | "teardown";
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
