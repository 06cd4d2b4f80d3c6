// HTTP front end: RPC protocol (ACS3 + v1 signatures), error shapes, faults,
// request log, admin endpoints, persistence. `startEmulator()` is the programmatic API.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError } from "./errors";
import { ecsActions } from "./ecs";
import { Engine, DEMO_LATENCIES, type Body, type CommandRunner, type Latencies } from "./engine";
import { Faults, type FaultSpecInput } from "./faults";
import type { World } from "./model";
import { Params } from "./params";
import { DEFAULT_SEED, type Seed } from "./seed";
import {
  EMPTY_SHA256,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  constantTimeEqual,
  parseAuthorization,
  parseQuery,
  sha256Hex,
  v1Signature,
  v1StringToSign,
  type QueryPairs,
} from "./signature";
import { vpcActions } from "./vpc";
import { LabWorld } from "./lab/lab-world";
import { labUnavailable } from "./lab/netns";

export const DEMO_ACCESS_KEY_ID = "LTAI5tEIPilotDemoKey01";
export const DEMO_ACCESS_KEY_SECRET = "EIPilotDemoSecretNotForProduction01";

export const ECS_VERSION = "2014-05-26";
export const VPC_VERSION = "2016-04-28";

const PRODUCTS: Record<string, { name: "Ecs" | "Vpc"; host: string; actions: typeof ecsActions }> = {
  [ECS_VERSION]: { name: "Ecs", host: "ecs.aliyuncs.com", actions: ecsActions },
  [VPC_VERSION]: { name: "Vpc", host: "vpc.aliyuncs.com", actions: vpcActions },
};

/** Actions that never change the world (no persistence, allowed during transitions). */
const READ_ONLY = /^Describe/;
const CLOCK_SKEW_MS = 15 * 60 * 1000;

export type Credential = { accessKeyId: string; accessKeySecret: string };

export type EmulatorOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed object or path to a seed JSON file; default: the demo world. */
  seed?: Seed | string;
  /** Persist the world to this file (loaded at start if it exists). */
  statePath?: string;
  /** Fault spec object, JSON string or path to a JSON file. */
  faults?: FaultSpecInput | string;
  latencies?: Partial<Latencies>;
  /** Extra AccessKey pairs; the demo pair is always accepted unless `demoCredentials: false`. */
  credentials?: Credential[];
  demoCredentials?: boolean;
  /** Lab-mode hook: executes Cloud Assistant scripts. Without it, agents are "not running". */
  runner?: CommandRunner | null;
  /**
   * Lab mode (Linux + root): back every instance with network namespaces wired like the VPC
   * and run Cloud Assistant scripts inside them (see emulator/lab/). Throws when it cannot.
   */
  lab?: boolean;
  /** Log lines of lab mode (default: none). */
  labLog?: (msg: string) => void;
  /** Size of the in-memory request log (default 2000). */
  requestLogSize?: number;
  now?: () => number;
};

export type RequestLogEntry = {
  seq: number;
  time: string;
  method: string;
  product: string;
  action: string;
  accessKeyId: string;
  params: Record<string, string>;
  status: number;
  code: string;
  requestId: string;
  durationMs: number;
};

export type EmulatorHandle = {
  url: string;
  port: number;
  /** "127.0.0.1:PORT" — what the SDK Config's `endpoint` takes. */
  endpoint: string;
  engine: Engine;
  faults: Faults;
  /** The namespace lab in lab mode, else null. */
  lab: LabWorld | null;
  close(): Promise<void>;
  reset(): void;
  setFaults(spec: FaultSpecInput): void;
  setLatencies(l: Partial<Latencies>): void;
  /** Complete every pending (or stuck) transition now. */
  settle(): number;
  requests(): RequestLogEntry[];
  state(): World;
  /** Change the world behind the client's back (drift), see README. */
  drift(op: DriftOp): void;
};

export type DriftOp =
  | { op: "unassignPrivateIp"; networkInterfaceId: string; privateIpAddress: string }
  | { op: "assignPrivateIp"; networkInterfaceId: string; privateIpAddress: string }
  | { op: "unassociateEip"; allocationId: string }
  | { op: "detachEni"; networkInterfaceId: string }
  | { op: "setInstanceStatus"; instanceId: string; status: "Running" | "Stopped" }
  | { op: "setCloudAssistant"; instanceId: string; online: boolean }
  | { op: "deleteEni"; networkInterfaceId: string }
  | { op: "releaseEip"; allocationId: string };

/** JSON text or a JSON file; errors name what was being read (`what`: "seed", "faults", "state"). */
function readJsonArg<T>(v: T | string | undefined, what: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") return v;
  const t = v.trim();
  const inline = t.startsWith("{") || t.startsWith("[");
  try {
    return JSON.parse(inline ? t : readFileSync(t, "utf8")) as T;
  } catch (e) {
    throw new Error(`${what} ${inline ? "JSON" : `file ${t}`}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const isLoopback = (addr: string | undefined) =>
  !!addr &&
  (addr === "::1" || addr.startsWith("127.") || addr === "::ffff:127.0.0.1" || addr.startsWith("::ffff:127."));

function send(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json;charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const seed = readJsonArg<Seed>(options.seed, "seed") ?? DEFAULT_SEED;
  const now = options.now ?? Date.now;
  let world: World | undefined;
  if (options.statePath && existsSync(options.statePath)) world = readJsonArg<World>(options.statePath, "state");
  const engine = new Engine(seed, {
    latencies: { ...DEMO_LATENCIES, ...options.latencies },
    runner: options.runner ?? null,
    now,
    world,
  });
  let lab: LabWorld | null = null;
  if (options.lab) {
    const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
    if (why) throw new Error(`lab mode unavailable: ${why}`);
    lab = new LabWorld(engine, options.labLog);
    engine.runner = lab;
    engine.observers.add(lab);
    try {
      await lab.start();
    } catch (e) {
      await lab.close();
      throw e;
    }
  }
  const faults = new Faults(readJsonArg<FaultSpecInput>(options.faults, "faults") ?? {});
  engine.transitionHook = (kind) => faults.transition(kind);

  const creds = new Map<string, string>();
  if (options.demoCredentials !== false) creds.set(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET);
  for (const c of options.credentials ?? []) creds.set(c.accessKeyId, c.accessKeySecret);

  // ---- persistence ----
  let saveTimer: NodeJS.Timeout | null = null;
  const saveNow = () => {
    if (!options.statePath) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const tmp = `${options.statePath}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(engine.world));
    renameSync(tmp, options.statePath);
  };
  const changed = () => {
    if (!options.statePath || saveTimer) return;
    saveTimer = setTimeout(saveNow, 50);
  };
  engine.onChange = changed;
  // Wake up when a transition is due so that persisted state and runner deliveries stay current.
  const ticker = setInterval(() => engine.tick(), 250);
  ticker.unref();

  // ---- replay protection ----
  const nonces = new Map<string, number>();
  const nonceSweep = setInterval(() => {
    const t = now();
    for (const [k, exp] of nonces) if (exp < t) nonces.delete(k);
  }, 60_000);
  nonceSweep.unref();

  // ---- request log ----
  const logSize = options.requestLogSize ?? 2000;
  const log: RequestLogEntry[] = [];
  let seq = 0;

  type Auth = { accessKeyId: string; action: string; version: string; params: QueryPairs };

  function authenticate(req: IncomingMessage, method: string, path: string, query: QueryPairs, body: Buffer): Auth {
    const h = req.headers;
    const authz = h["authorization"];
    const formParams: QueryPairs = (h["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ? parseQuery(body.toString("utf8"))
      : [];
    if (typeof authz === "string" && authz.startsWith("ACS3-")) {
      const parsed = parseAuthorization(authz);
      if (!parsed)
        throw new ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.");
      if (parsed.algorithm !== "ACS3-HMAC-SHA256")
        throw new ApiError(400, "IncompleteSignature", `The signature algorithm ${parsed.algorithm} is not supported.`);
      const secret = creds.get(parsed.credential);
      if (secret === undefined)
        throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
      const action = String(h["x-acs-action"] ?? "");
      const version = String(h["x-acs-version"] ?? "");
      const date = String(h["x-acs-date"] ?? "");
      const nonce = String(h["x-acs-signature-nonce"] ?? "");
      for (const name of Object.keys(h)) {
        if (name.startsWith("x-acs-") && !parsed.signedHeaders.includes(name))
          throw new ApiError(
            400,
            "IncompleteSignature",
            `The header ${name} must be signed (listed in SignedHeaders).`,
          );
      }
      if (!parsed.signedHeaders.includes("host"))
        throw new ApiError(400, "IncompleteSignature", "The host header must be signed.");
      const payloadHash = body.length ? sha256Hex(body) : EMPTY_SHA256;
      const claimed = String(h["x-acs-content-sha256"] ?? "");
      const canonical = acs3CanonicalRequest({
        method,
        path,
        query,
        headers: h,
        signedHeaders: parsed.signedHeaders,
        payloadHash,
      });
      const sts = acs3StringToSign(canonical);
      const expected = acs3Signature(secret, sts);
      if (claimed !== payloadHash || !constantTimeEqual(expected, parsed.signature))
        throw new ApiError(
          400,
          "SignatureDoesNotMatch",
          `Specified signature does not match our calculation. server StringToSign is [${sts}]`,
        );
      checkTimeAndNonce(parsed.credential, date, nonce, "InvalidTimeStamp.Expired");
      return { accessKeyId: parsed.credential, action, version, params: [...query, ...formParams] };
    }
    // RPC v1 (HMAC-SHA1) — parameters in the query string and/or a form body
    const all: QueryPairs = [...query, ...formParams];
    const get = (k: string) => all.find(([n]) => n === k)?.[1];
    const akId = get("AccessKeyId");
    const signature = get("Signature");
    if (!akId) throw new ApiError(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
    if (!signature) throw new ApiError(400, "MissingSignature", "Signature is mandatory for this action.");
    const secret = creds.get(akId);
    if (secret === undefined)
      throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    const sm = get("SignatureMethod");
    if (sm && sm !== "HMAC-SHA1")
      throw new ApiError(400, "InvalidSignatureMethod", `Specified signature method ${sm} is not valid.`);
    const sts = v1StringToSign(method, all);
    if (!constantTimeEqual(v1Signature(secret, sts), signature))
      throw new ApiError(
        400,
        "SignatureDoesNotMatch",
        `Specified signature is not matched with our calculation. server string to sign is:${sts}`,
      );
    const ts = get("Timestamp");
    if (!ts) throw new ApiError(400, "MissingTimestamp", "Timestamp is mandatory for this action.");
    checkTimeAndNonce(akId, ts, get("SignatureNonce") ?? "", "InvalidTimeStamp.Expired");
    const rest = all.filter(
      ([k]) =>
        ![
          "Signature",
          "AccessKeyId",
          "SignatureMethod",
          "SignatureVersion",
          "SignatureNonce",
          "Timestamp",
          "Format",
          "Action",
          "Version",
          "SignatureType",
        ].includes(k),
    );
    return { accessKeyId: akId, action: get("Action") ?? "", version: get("Version") ?? "", params: rest };
  }

  function checkTimeAndNonce(akId: string, date: string, nonce: string, expiredCode: string) {
    const t = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(date) ? Date.parse(date) : NaN;
    if (Number.isNaN(t))
      throw new ApiError(
        400,
        "IllegalTimestamp",
        `The input parameter "Timestamp" that is mandatory for processing this request is not supplied or is malformed (${date}).`,
      );
    if (Math.abs(now() - t) > CLOCK_SKEW_MS)
      throw new ApiError(400, expiredCode, `Specified time stamp or date value is expired (${date}).`);
    if (!nonce) throw new ApiError(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.");
    const key = `${akId}\n${nonce}`;
    if (nonces.has(key)) throw new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    nonces.set(key, now() + 2 * CLOCK_SKEW_MS);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const started = performance.now();
    const requestId = randomUUID().toUpperCase();
    const method = (req.method ?? "GET").toUpperCase();
    let product = "";
    let action = "";
    let akId = "";
    let params: Params | null = null;
    const finish = (status: number, code: string, body: Body) => {
      const host =
        PRODUCTS[req.headers["x-acs-version"] as string]?.host ??
        (product === "Vpc" ? "vpc.aliyuncs.com" : "ecs.aliyuncs.com");
      const payload = code
        ? {
            RequestId: requestId,
            HostId: host,
            Code: code,
            Message: body.Message,
            Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=${product || "Ecs"}&requestId=${requestId}`,
          }
        : { RequestId: requestId, ...body };
      send(res, status, payload, code.startsWith("Throttling") ? { "x-acs-retry-after": "1000" } : {});
      log.push({
        seq: ++seq,
        time: new Date(now()).toISOString(),
        method,
        product,
        action,
        accessKeyId: akId,
        params: params ? Object.fromEntries(params.map) : {},
        status,
        code,
        requestId,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
      if (log.length > logSize) log.splice(0, log.length - logSize);
    };
    try {
      const body = await readBody(req);
      const query = parseQuery(url.search);
      const auth = authenticate(req, method, url.pathname, query, body);
      akId = auth.accessKeyId;
      action = auth.action;
      if (!auth.version)
        throw new ApiError(
          400,
          "MissingParameter",
          'The input parameter "Version" that is mandatory for processing this request is not supplied.',
        );
      const prod = PRODUCTS[auth.version];
      if (!prod)
        throw new ApiError(400, "InvalidVersion", `Specified parameter Version "${auth.version}" is not valid.`);
      product = prod.name;
      if (!action)
        throw new ApiError(
          400,
          "MissingParameter",
          'The input parameter "Action" that is mandatory for processing this request is not supplied.',
        );
      const handler = Object.hasOwn(prod.actions, action) ? prod.actions[action] : undefined;
      if (!handler)
        throw new ApiError(
          404,
          "InvalidAction.NotFound",
          "Specified api is not found, please check your url and method.",
        );
      const p = (params = Params.from(auth.params));
      if (faults.rateLimited(now()))
        throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
      const injected = faults.injectedError(action);
      const delay = faults.extraLatencyMs();
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (injected) throw new ApiError(injected.status, injected.code, injected.message);
      engine.tick();
      const result = engine.handle(() => handler(engine, p));
      if (!READ_ONLY.test(action)) changed();
      finish(200, "", result);
    } catch (e) {
      if (e instanceof ApiError) finish(e.status, e.code, { Message: e.message });
      else {
        console.error("[emulator] internal error", e);
        finish(500, "InternalError", {
          Message: "The request processing has failed due to some unknown error, exception or failure.",
        });
      }
    }
  }

  function drift(d: DriftOp): void {
    engine.tick();
    const w = engine.world;
    const need = <T>(v: T | undefined, what: string): T => {
      if (v === undefined) throw new ApiError(404, "NotFound", `${what} not found`);
      return v;
    };
    switch (d.op) {
      case "unassignPrivateIp": {
        const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
        for (const eip of engine.eipsOnEni(eni))
          if (eip.binding!.privateIpAddress === d.privateIpAddress) engine.unbind(eip);
        eni.secondaryIps = eni.secondaryIps.filter((ip) => ip !== d.privateIpAddress);
        break;
      }
      case "assignPrivateIp": {
        const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
        const problem = engine.checkIp(eni.vSwitchId, d.privateIpAddress);
        if (problem) throw problem;
        eni.secondaryIps.push(d.privateIpAddress);
        break;
      }
      case "unassociateEip": {
        const eip = need(w.eips[d.allocationId], d.allocationId);
        engine.cancelTasks(eip.allocationId);
        engine.unbind(eip);
        break;
      }
      case "releaseEip": {
        need(w.eips[d.allocationId], d.allocationId);
        engine.cancelTasks(d.allocationId);
        delete w.eips[d.allocationId];
        break;
      }
      case "detachEni": {
        const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
        if (eni.type === "Primary") throw new ApiError(400, "InvalidOperation", "primary ENI");
        engine.cancelTasks(eni.networkInterfaceId);
        Object.assign(eni, { status: "Available", instanceId: "", deviceIndex: 0 });
        break;
      }
      case "deleteEni": {
        const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
        for (const eip of engine.eipsOnEni(eni)) engine.unbind(eip);
        engine.cancelTasks(eni.networkInterfaceId);
        delete w.enis[eni.networkInterfaceId];
        break;
      }
      case "setInstanceStatus": {
        const i = need(w.instances[d.instanceId], d.instanceId);
        engine.cancelTasks(i.instanceId);
        i.status = d.status;
        break;
      }
      case "setCloudAssistant": {
        need(w.instances[d.instanceId], d.instanceId).cloudAssistant = d.online;
        break;
      }
      default: {
        const never: never = d;
        throw new ApiError(400, "InvalidParameter", `unknown drift op ${JSON.stringify(never)}`);
      }
    }
    engine.emit({ type: "world", reason: `drift:${d.op}` });
    changed();
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? "GET";
    const route = url.pathname.replace(/^\/_emulator\/?/, "").replace(/\/$/, "");
    const bodyJson = async () => {
      const b = (await readBody(req)).toString("utf8");
      return b ? (JSON.parse(b) as unknown) : {};
    };
    try {
      if (route === "health" && method === "GET") return send(res, 200, { ok: true });
      if (route === "reset" && method === "POST") {
        handle.reset();
        return send(res, 200, { ok: true });
      }
      if (route === "state" && method === "GET") return send(res, 200, handle.state());
      if (route === "lab" && method === "GET") {
        if (!lab) return send(res, 200, { enabled: false, echoUrl: null });
        await lab.idle();
        return send(res, 200, {
          enabled: true,
          ...lab.status(),
          namespaces: lab.namespaces(),
          lastError: lab.lastError?.message ?? null,
        });
      }
      if (route === "settle" && method === "POST") return send(res, 200, { applied: handle.settle() });
      if (route === "faults" && method === "GET") return send(res, 200, faults.spec);
      if (route === "faults" && method === "PUT") {
        handle.setFaults((await bodyJson()) as FaultSpecInput);
        return send(res, 200, faults.spec);
      }
      if (route === "latencies" && method === "GET") return send(res, 200, engine.latencies);
      if (route === "latencies" && method === "PUT") {
        handle.setLatencies((await bodyJson()) as Partial<Latencies>);
        return send(res, 200, engine.latencies);
      }
      if (route === "quotas" && method === "GET") return send(res, 200, engine.world.quotas);
      if (route === "quotas" && method === "PUT") {
        Object.assign(engine.world.quotas, await bodyJson());
        changed();
        return send(res, 200, engine.world.quotas);
      }
      if (route === "policies" && method === "GET") return send(res, 200, engine.world.policies);
      if (route === "policies" && method === "PUT") {
        Object.assign(engine.world.policies, await bodyJson());
        changed();
        return send(res, 200, engine.world.policies);
      }
      if (route === "requests" && method === "GET") {
        const since = Number(url.searchParams.get("since") ?? 0);
        const action = url.searchParams.get("action");
        return send(
          res,
          200,
          log.filter((r) => r.seq > since && (!action || r.action === action)),
        );
      }
      if (route === "requests" && method === "DELETE") {
        log.length = 0;
        return send(res, 200, { ok: true });
      }
      if (route === "drift" && method === "POST") {
        drift((await bodyJson()) as DriftOp);
        return send(res, 200, { ok: true });
      }
      return send(res, 404, { error: `no admin route ${method} /_emulator/${route}` });
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 400;
      return send(res, status, {
        error: e instanceof Error ? e.message : String(e),
        code: e instanceof ApiError ? e.code : undefined,
      });
    }
  }

  /** The emulator's own page origins: the only ones allowed to change its state from a browser. */
  const ownOrigins = () => {
    const { port } = server.address() as AddressInfo;
    return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/_emulator")) {
      if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: "admin endpoints are loopback-only" });
      // A web page open in a browser on this machine is on loopback too, and may send a blind
      // POST (reset, faults) here; browsers name that page in Origin. Scripts and the app send none.
      const origin = req.headers.origin;
      if (origin !== undefined && (req.method ?? "GET") !== "GET" && !ownOrigins().includes(origin)) {
        return send(res, 403, { error: `admin endpoints refuse requests sent by a web page (Origin ${origin})` });
      }
      void handleAdmin(req, res, url);
      return;
    }
    void handleApi(req, res, url);
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const handle: EmulatorHandle = {
    url: `http://127.0.0.1:${port}`,
    port,
    endpoint: `127.0.0.1:${port}`,
    engine,
    faults,
    lab,
    async close() {
      clearInterval(ticker);
      clearInterval(nonceSweep);
      saveNow();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await lab?.close();
    },
    reset() {
      engine.reset();
      nonces.clear();
      engine.emit({ type: "world", reason: "reset" });
      changed();
    },
    setFaults(spec) {
      faults.set(spec);
    },
    setLatencies(l) {
      Object.assign(engine.latencies, l);
    },
    settle() {
      return engine.tick(true);
    },
    requests: () => [...log],
    state() {
      engine.tick();
      return structuredClone(engine.world);
    },
    drift,
  };
  saveNow();
  return handle;
}
