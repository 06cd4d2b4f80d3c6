// Waits for asynchronous transitions by polling Describe calls — coalesced: all
// pending waits on ENIs share one DescribeNetworkInterfaces call, all waits on
// EIPs one DescribeEipAddresses call, so N parallel associations cost ~3 polls in
// total rather than 3 each; and the polls of every run on the same account and
// region are batched into one call (lib/cloud/batch-reads.ts). Schedule per wait: the first check after the action's
// typical duration ("hint"), then exponential backoff (¼, ½, 1, 2 × hint …, capped)
// with ±10 % jitter, up to a timeout.
import type { CloudContext } from "@/lib/cloud/call";
import type { EipView, EniView, InstanceView } from "@/lib/cloud/resources";
import { loadExisting } from "@/lib/cloud/batch-reads";
import { CloudError } from "@/lib/cloud/errors";

export type ResolvedCond =
  | { entity: "instance"; id: string; status?: string[]; gone?: boolean }
  | {
      entity: "eni";
      id: string;
      status?: string[];
      instanceId?: string;
      hasIps?: string[];
      lacksIps?: string[];
      gone?: boolean;
    }
  | {
      entity: "eip";
      id: string;
      status?: string[];
      boundTo?: { instanceId: string; privateIp: string } | null;
      gone?: boolean;
    };

type Entity = ResolvedCond["entity"];
type Live = InstanceView | EniView | EipView | undefined;

export function condHolds(c: ResolvedCond, live: Live): boolean {
  if (c.gone) return !live;
  if (!live) return false;
  if (c.status && !c.status.includes(live.status)) return false;
  if (c.entity === "eni") {
    const e = live as EniView;
    if (c.instanceId !== undefined && e.instanceId !== c.instanceId) return false;
    const ips = new Set(e.privateIps.map((p) => p.ip));
    if (c.hasIps && !c.hasIps.every((ip) => ips.has(ip))) return false;
    if (c.lacksIps && c.lacksIps.some((ip) => ips.has(ip))) return false;
  }
  if (c.entity === "eip" && c.boundTo !== undefined) {
    const e = live as EipView;
    if (
      c.boundTo === null
        ? e.instanceId !== ""
        : e.instanceId !== c.boundTo.instanceId || e.privateIpAddress !== c.boundTo.privateIp
    )
      return false;
  }
  return true;
}

type Pending = {
  cond: ResolvedCond;
  deadline: number;
  nextAt: number;
  interval: number;
  resolve: () => void;
  reject: (e: Error) => void;
  lastStatus: string;
};

export type WaiterStats = { waits: number; polls: number; pollsByEntity: Record<Entity, number> };

export class Waiter {
  private pending = new Map<Entity, Pending[]>();
  private timers = new Map<Entity, NodeJS.Timeout>();
  private busy = new Set<Entity>();
  stats: WaiterStats = { waits: 0, polls: 0, pollsByEntity: { instance: 0, eni: 0, eip: 0 } };

  constructor(
    private ctx: CloudContext,
    private opts: { scale: number; capMs: number; timeoutMs: number },
  ) {}

  wait(cond: ResolvedCond, hintMs: number): Promise<void> {
    this.stats.waits++;
    const hint = Math.max(1, hintMs * this.opts.scale);
    return new Promise((resolve, reject) => {
      const now = Date.now();
      const list = this.pending.get(cond.entity) ?? [];
      list.push({
        cond,
        deadline: now + this.opts.timeoutMs,
        nextAt: now + hint,
        interval: hint / 4,
        resolve,
        reject,
        lastStatus: "?",
      });
      this.pending.set(cond.entity, list);
      this.arm(cond.entity);
    });
  }

  /** Reads the live object once (reconcile before re-issuing a call that has no ClientToken). */
  async probe(cond: ResolvedCond): Promise<Live> {
    return (await this.fetch(cond.entity, [cond.id])).get(cond.id);
  }

  close() {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const list of this.pending.values()) for (const p of list) p.reject(new Error("waiter closed"));
    this.pending.clear();
  }

  private arm(entity: Entity) {
    if (this.busy.has(entity)) return;
    const list = this.pending.get(entity) ?? [];
    if (!list.length) return;
    const next = Math.min(...list.map((p) => p.nextAt));
    const existing = this.timers.get(entity);
    if (existing) clearTimeout(existing);
    this.timers.set(
      entity,
      setTimeout(() => void this.poll(entity), Math.max(0, next - Date.now())),
    );
  }

  private async fetch(entity: Entity, ids: string[]): Promise<Map<string, Exclude<Live, undefined>>> {
    const m = new Map<string, Exclude<Live, undefined>>();
    if (entity === "instance") for (const x of await loadExisting("instance", this.ctx, ids)) m.set(x.instanceId, x);
    else if (entity === "eni") for (const x of await loadExisting("eni", this.ctx, ids)) m.set(x.networkInterfaceId, x);
    else for (const x of await loadExisting("eip", this.ctx, ids)) m.set(x.allocationId, x);
    return m;
  }

  private async poll(entity: Entity) {
    this.timers.delete(entity);
    const list = this.pending.get(entity) ?? [];
    if (!list.length) return;
    this.busy.add(entity);
    const ids = [...new Set(list.map((p) => p.cond.id))];
    let live: Map<string, Exclude<Live, undefined>> | null = null;
    try {
      live = await this.fetch(entity, ids);
    } catch {
      live = null; // a failed poll (throttled, network) is simply retried on the next tick
    } finally {
      this.stats.polls++;
      this.stats.pollsByEntity[entity]++;
      this.busy.delete(entity);
    }
    const now = Date.now();
    const keep: Pending[] = [];
    for (const p of this.pending.get(entity) ?? []) {
      const l = live?.get(p.cond.id);
      if (live) p.lastStatus = l ? l.status : "absent";
      if (live && condHolds(p.cond, l)) {
        p.resolve();
        continue;
      }
      if (now >= p.deadline) {
        p.reject(
          new CloudError({
            code: "WaitTimeout",
            action: `wait:${entity}`,
            message: `${p.cond.entity} ${p.cond.id} did not reach ${describeCond(p.cond)} in time (last status: ${p.lastStatus}).`,
            retryable: false,
          }),
        );
        continue;
      }
      if (p.nextAt <= now + 5) {
        p.interval = Math.min(p.interval * 2, this.opts.capMs);
        p.nextAt = now + p.interval * (0.9 + Math.random() * 0.2);
      }
      keep.push(p);
    }
    this.pending.set(entity, keep);
    this.arm(entity);
  }
}

export function describeCond(c: ResolvedCond): string {
  if (c.gone) return "deleted";
  const parts = [c.status ? c.status.join("/") : ""];
  if (c.entity === "eni" && c.instanceId !== undefined) parts.push(`on ${c.instanceId || "no instance"}`);
  if (c.entity === "eip" && c.boundTo) parts.push(`bound to ${c.boundTo.privateIp}`);
  return parts.filter(Boolean).join(" ");
}
