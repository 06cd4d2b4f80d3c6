// The admin API under /_emulator/ (health, reset, state dump, settle, faults, latencies,
// quotas, policies, request log, drift, lab status), for tests and the operator. It answers
// only loopback clients that name a loopback Host, and refuses state changes sent by a web page.
import type { IncomingMessage } from "node:http";
import type { DriftOp } from "../drift";
import type { Engine, Latencies } from "../engine";
import { ApiError } from "../errors";
import type { FaultSpecInput, Faults } from "../faults";
import type { LabWorld } from "../lab/lab-world";
import type { World } from "../model";
import { readBody, send, type RequestHandler } from "./io";
import type { RequestLog } from "./request-log";

/** What the admin API reads and drives; the same operations as the programmatic handle. */
export type AdminContext = {
  engine: Engine;
  faults: Faults;
  lab: LabWorld | null;
  log: RequestLog;
  /** The world changed (persistence). */
  changed: () => void;
  reset(): void;
  settle(): number;
  state(): World;
  setFaults(spec: FaultSpecInput): void;
  setLatencies(l: Partial<Latencies>): void;
  drift(op: DriftOp): void;
};

type RouteInput = { url: URL; json: () => Promise<unknown> };
/** Answers 200 with what it returns; throws to answer an error. */
type Route = (c: AdminContext, input: RouteInput) => unknown;

/** `METHOD route` → handler. */
const ROUTES: Record<string, Route> = {
  "GET health": () => ({ ok: true }),
  "POST reset": (c) => {
    c.reset();
    return { ok: true };
  },
  "GET state": (c) => c.state(),
  "GET lab": (c) => labStatus(c.lab),
  "POST settle": (c) => ({ applied: c.settle() }),
  "GET faults": (c) => c.faults.spec,
  "PUT faults": async (c, i) => {
    c.setFaults((await i.json()) as FaultSpecInput);
    return c.faults.spec;
  },
  "GET latencies": (c) => c.engine.latencies,
  "PUT latencies": async (c, i) => {
    c.setLatencies((await i.json()) as Partial<Latencies>);
    return c.engine.latencies;
  },
  "GET quotas": (c) => c.engine.world.quotas,
  "PUT quotas": async (c, i) => {
    Object.assign(c.engine.world.quotas, await i.json());
    c.changed();
    return c.engine.world.quotas;
  },
  "GET policies": (c) => c.engine.world.policies,
  "PUT policies": async (c, i) => {
    Object.assign(c.engine.world.policies, await i.json());
    c.changed();
    return c.engine.world.policies;
  },
  "GET requests": (c, { url }) =>
    c.log.after(Number(url.searchParams.get("since") ?? 0), url.searchParams.get("action")),
  "DELETE requests": (c) => {
    c.log.clear();
    return { ok: true };
  },
  "POST drift": async (c, i) => {
    c.drift((await i.json()) as DriftOp);
    return { ok: true };
  },
};

async function labStatus(lab: LabWorld | null): Promise<unknown> {
  if (!lab) return { enabled: false, echoUrl: null };
  await lab.idle();
  return { enabled: true, ...lab.status(), namespaces: lab.namespaces(), lastError: lab.lastError?.message ?? null };
}

export function adminHandler(ctx: AdminContext): RequestHandler {
  return async (req, res, url) => {
    const method = req.method ?? "GET";
    const route = url.pathname.replace(/^\/_emulator\/?/, "").replace(/\/$/, "");
    const json = async () => {
      const b = (await readBody(req)).toString("utf8");
      return b ? (JSON.parse(b) as unknown) : {};
    };
    try {
      const key = `${method} ${route}`;
      const run = Object.hasOwn(ROUTES, key) ? ROUTES[key] : undefined;
      if (!run) return send(res, 404, { error: `no admin route ${method} /_emulator/${route}` });
      return send(res, 200, await run(ctx, { url, json }));
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 400;
      return send(res, status, {
        error: e instanceof Error ? e.message : String(e),
        code: e instanceof ApiError ? e.code : undefined,
      });
    }
  };
}

const isLoopback = (addr: string | undefined) =>
  !!addr &&
  (addr === "::1" || addr.startsWith("127.") || addr === "::ffff:127.0.0.1" || addr.startsWith("::ffff:127."));

/** 127.0.0.1, localhost or [::1], with or without a port: the names a local client reaches us by. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

/**
 * Why an admin request is refused (answered 403), or null. `ownOrigins`: the emulator's own
 * page origins, the only ones allowed to change its state from a browser.
 */
export function adminRefusal(req: IncomingMessage, ownOrigins: () => string[]): string | null {
  if (!isLoopback(req.socket.remoteAddress)) return "admin endpoints are loopback-only";
  // DNS rebinding: a page of attacker.example whose name now resolves to 127.0.0.1 may read
  // the state dump and the request log as its own origin (no Origin header on such a GET), but
  // its requests still name attacker.example in Host. Reads and writes alike.
  const host = req.headers.host ?? "";
  if (!LOOPBACK_HOST.test(host))
    return `admin endpoints answer only a loopback Host (not ${JSON.stringify(host.slice(0, 100))})`;
  // A web page open in a browser on this machine is on loopback too, and may send a blind
  // POST (reset, faults) here; browsers name that page in Origin. Scripts and the app send none.
  const origin = req.headers.origin;
  if (origin !== undefined && (req.method ?? "GET") !== "GET" && !ownOrigins().includes(origin))
    return `admin endpoints refuse requests sent by a web page (Origin ${origin})`;
  return null;
}
