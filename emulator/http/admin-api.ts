// The admin API under /_emulator/ (health, reset, state dump, settle, faults, latencies,
// quotas, policies, request log, drift, lab status), for tests and the operator. It answers
// only loopback clients that name a loopback Host, and refuses state changes sent by a web page.
import type { IncomingMessage } from "node:http";
import type { DriftOp } from "../drift";
import type { Latencies } from "../engine";
import { ApiError } from "../errors";
import type { FaultSpecInput } from "../faults";
import type { LabWorld } from "../lab/lab-world";
import type { AccountWorld, Credential, Worlds } from "../worlds";
import { readBody, send, type RequestHandler } from "./io";
import type { RequestLog } from "./request-log";

/** What the admin API reads and drives; the same operations as the programmatic handle. */
export type AdminContext = {
  worlds: Worlds;
  log: RequestLog;
  /** A world changed (persistence). */
  changed: () => void;
};

type RouteInput = { url: URL; json: () => Promise<unknown> };
/** Answers 200 with what it returns; throws to answer an error. */
type Route = (c: AdminContext, input: RouteInput) => unknown;

/** `?world=<AccessKeyId>`: that account's world (404 when none has it); without it, the built-in world. */
function one(c: AdminContext, url: URL): AccountWorld {
  const key = url.searchParams.get("world");
  return key === null ? c.worlds.builtIn : c.worlds.find(key);
}
/** `?world=<AccessKeyId>`: that account's world; without it, every world. */
function some(c: AdminContext, url: URL): AccountWorld[] {
  return url.searchParams.get("world") === null ? c.worlds.list() : [one(c, url)];
}

function worldInfo(w: AccountWorld) {
  return {
    ownerId: w.ownerId,
    builtIn: w.builtIn,
    createdAt: w.createdAt || null,
    accessKeyIds: [...w.keys.keys()],
    lab: w.lab ? w.lab.prefix : null,
  };
}

/** `METHOD route` → handler. */
const ROUTES: Record<string, Route> = {
  "GET health": () => ({ ok: true }),
  "GET worlds": (c) => c.worlds.list().map(worldInfo),
  "POST worlds": async (c, i) => {
    const body = (await i.json()) as Partial<Credential>;
    return c.worlds.create(typeof body === "object" && body !== null ? body : {});
  },
  "POST reset": (c, { url }) => {
    some(c, url).forEach((w) => w.reset());
    return { ok: true };
  },
  "GET state": (c, { url }) => one(c, url).state(),
  "GET lab": async (c, { url }) => {
    const w = one(c, url);
    return labStatus(w.lab ?? (w.startLab ? await w.startLab() : null));
  },
  "POST settle": (c, { url }) => ({ applied: some(c, url).reduce((n, w) => n + w.settle(), 0) }),
  "GET faults": (c, { url }) => one(c, url).faults.spec,
  "PUT faults": async (c, i) => {
    const spec = (await i.json()) as FaultSpecInput;
    some(c, i.url).forEach((w) => w.setFaults(spec));
    return one(c, i.url).faults.spec;
  },
  "GET latencies": (c, { url }) => one(c, url).engine.latencies,
  "PUT latencies": async (c, i) => {
    const l = (await i.json()) as Partial<Latencies>;
    some(c, i.url).forEach((w) => w.setLatencies(l));
    return one(c, i.url).engine.latencies;
  },
  "GET quotas": (c, { url }) => one(c, url).engine.world.quotas,
  "PUT quotas": async (c, i) => {
    const q = (await i.json()) as object;
    some(c, i.url).forEach((w) => Object.assign(w.engine.world.quotas, q));
    c.changed();
    return one(c, i.url).engine.world.quotas;
  },
  "GET policies": (c, { url }) => one(c, url).engine.world.policies,
  "PUT policies": async (c, i) => {
    const p = (await i.json()) as object;
    some(c, i.url).forEach((w) => Object.assign(w.engine.world.policies, p));
    c.changed();
    return one(c, i.url).engine.world.policies;
  },
  "GET requests": (c, { url }) => {
    const entries = c.log.after(Number(url.searchParams.get("since") ?? 0), url.searchParams.get("action"));
    if (url.searchParams.get("world") === null) return entries;
    const keys = one(c, url).keys;
    return entries.filter((e) => keys.has(e.accessKeyId));
  },
  "DELETE requests": (c) => {
    c.log.clear();
    return { ok: true };
  },
  "POST drift": async (c, i) => {
    one(c, i.url).drift((await i.json()) as DriftOp);
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
      const answer = await run(ctx, { url, json });
      // A new world is 201 Created; the same pair again (already there) is 200.
      const created = key === "POST worlds" && (answer as { created?: boolean }).created === true;
      return send(res, created ? 201 : 200, answer);
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
