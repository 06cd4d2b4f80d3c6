// Fault injection: per-action errors by probability, response latency jitter,
// stuck or jittered transitions and a global rate limit — all driven by a seeded
// PRNG so a run can be reproduced.
import { z } from "zod";
import { Prng } from "./prng";
import type { TaskKind } from "./model";

const probMap = z.record(z.string(), z.number().min(0).max(1));

export const faultSpecSchema = z.object({
  /** PRNG seed; the same seed and request sequence give the same faults. */
  seed: z.number().int().default(1),
  /**
   * action name (or "*") → { "Throttling.User" | "ServiceUnavailable" | "InternalError" (or any code) → probability }.
   * "Action@resource-id" (or "*@resource-id") applies only to requests with a parameter whose value is (or, for a
   * JSON list such as InstanceIds, contains) that id: a fault on one instance, ENI or EIP of many.
   */
  errors: z.record(z.string(), probMap).default({}),
  /**
   * action name (or "*") → { "TaskConflict" | "OperationConflict" (or any code) → probability }, drawn only
   * while another operation on the same target (the ENI or instance the request names) is still in
   * progress: what the real service may answer to concurrent associations on one ENI.
   */
  conflicts: z.record(z.string(), probMap).default({}),
  /** extra response latency: uniform in [minMs, maxMs] */
  latency: z.object({ minMs: z.number().min(0).default(0), maxMs: z.number().min(0).default(0) }).prefault({}),
  /** transition duration multiplier drawn uniformly from [1 - j, 1 + j] */
  transitionJitter: z.number().min(0).max(1).default(0),
  /** action name (or "*") → probability that the transition it starts never completes (until /_emulator/settle) */
  stuck: probMap.default({}),
  /** global limit in requests/second (token bucket, burst = rps); answers Throttling.User */
  rateLimit: z.number().positive().nullable().default(null),
});

export type FaultSpec = z.output<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;

const ERROR_STATUS: Record<string, number> = {
  "Throttling.User": 400,
  "Throttling.Api": 400,
  Throttling: 400,
  ServiceUnavailable: 503,
  InternalError: 500,
  "OperationFailed.SystemBusy": 500,
  OperationConflict: 409,
  TaskConflict: 400,
};

const ERROR_MESSAGE: Record<string, string> = {
  "Throttling.User": "Request was denied due to user flow control.",
  ServiceUnavailable: "The request has failed due to a temporary failure of the server.",
  InternalError: "The request processing has failed due to some unknown error, exception or failure.",
  TaskConflict: "Operations are too frequent and tasks conflict with each other.",
  OperationConflict: "Request was denied due to conflict with a previous request.",
};

/** The action whose call starts each transition kind (used for "stuck" lookups). */
const KIND_ACTION: Record<TaskKind, string> = {
  "instance.created": "RunInstances",
  "instance.started": "StartInstance",
  "instance.stopped": "StopInstance",
  "eni.attached": "AttachNetworkInterface",
  "eni.detached": "DetachNetworkInterface",
  "eni.deleted": "DeleteNetworkInterface",
  "eip.associated": "AssociateEipAddress",
  "eip.unassociated": "UnassociateEipAddress",
  "eip.released": "ReleaseEipAddress",
  "invocation.delivered": "RunCommand",
};

type InjectedError = { status: number; code: string; message: string };

export class Faults {
  spec: FaultSpec;
  private rng: Prng;
  private tokens = 0;
  private lastRefill = 0;

  constructor(spec: FaultSpecInput = {}) {
    this.spec = faultSpecSchema.parse(spec);
    this.rng = new Prng(this.spec.seed);
    this.tokens = this.spec.rateLimit ?? 0;
  }

  set(spec: FaultSpecInput): void {
    this.spec = faultSpecSchema.parse(spec);
    this.rng = new Prng(this.spec.seed);
    this.tokens = this.spec.rateLimit ?? 0;
    this.lastRefill = 0;
  }

  /** Global rate limit: true when the request must be throttled. */
  rateLimited(nowMs: number): boolean {
    const rps = this.spec.rateLimit;
    if (!rps) return false;
    if (this.lastRefill === 0) this.lastRefill = nowMs;
    this.tokens = Math.min(rps, this.tokens + ((nowMs - this.lastRefill) / 1000) * rps);
    this.lastRefill = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return false;
    }
    return true;
  }

  /** An injected error for this action (and these request parameter values), or null. */
  injectedError(action: string, values: Iterable<string> = []): InjectedError | null {
    const targeted = this.targeted(values, action);
    return this.draw({ ...this.spec.errors["*"], ...this.spec.errors[action], ...targeted });
  }

  /** The "Action@id" / "*@id" entries whose id is one of the request's parameter values. */
  private targeted(values: Iterable<string>, action: string): Record<string, number> {
    const keys = Object.keys(this.spec.errors).filter((k) => k.includes("@"));
    if (!keys.length) return {};
    const seen = new Set<string>();
    for (const v of values) {
      seen.add(v);
      if (v.startsWith("[")) for (const id of v.match(/[a-z]+-[A-Za-z0-9]+/g) ?? []) seen.add(id);
    }
    let out: Record<string, number> = {};
    for (const k of keys) {
      const [a, id] = k.split("@") as [string, string];
      if ((a === "*" || a === action) && seen.has(id)) out = { ...out, ...this.spec.errors[k] };
    }
    return out;
  }

  /** An injected conflict for this action, or null; `busy`: whether its target has an operation in progress. */
  conflictError(action: string, busy: () => boolean): InjectedError | null {
    const table = { ...this.spec.conflicts["*"], ...this.spec.conflicts[action] };
    if (Object.keys(table).length === 0 || !busy()) return null;
    return this.draw(table);
  }

  private draw(table: Record<string, number>): InjectedError | null {
    for (const [code, prob] of Object.entries(table)) {
      if (prob > 0 && this.rng.next() < prob)
        return { status: ERROR_STATUS[code] ?? 400, code, message: ERROR_MESSAGE[code] ?? `Injected fault ${code}.` };
    }
    return null;
  }

  extraLatencyMs(): number {
    const { minMs, maxMs } = this.spec.latency;
    if (maxMs <= 0) return 0;
    return minMs + this.rng.next() * Math.max(0, maxMs - minMs);
  }

  transition(kind: TaskKind): { stuck: boolean; jitterFactor: number } {
    const action = KIND_ACTION[kind];
    const p = this.spec.stuck[action] ?? this.spec.stuck["*"] ?? 0;
    const stuck = p > 0 && this.rng.next() < p;
    const j = this.spec.transitionJitter;
    const jitterFactor = j > 0 ? 1 - j + this.rng.next() * 2 * j : 1;
    return { stuck, jitterFactor };
  }
}
