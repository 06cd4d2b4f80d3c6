// The RPC API: authenticates a request, finds its product (by version) and action, applies
// injected faults, runs the ECS or VPC handler on the engine, answers in the cloud's JSON
// (or, for `Format=XML`, XML) shapes and records the exchange in the request log.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ecsActions } from "../ecs";
import type { Body, Engine } from "../engine";
import { ApiError } from "../errors";
import type { Faults } from "../faults";
import { Params } from "../params";
import { parseQuery, type QueryPairs } from "../signature";
import type { Handler } from "../wire";
import { vpcActions } from "../vpc";
import { readBody, send, sendText, type RequestHandler } from "./io";
import type { RequestLog } from "./request-log";
import type { Authenticated, SignatureCheck } from "./signature-check";
import { XML_CONTENT_TYPE, wantsXml, xmlDocument } from "./xml";

export const ECS_VERSION = "2014-05-26";
export const VPC_VERSION = "2016-04-28";

type Product = { name: "Ecs" | "Vpc"; host: string; actions: Record<string, Handler> };

const PRODUCTS: Record<string, Product> = {
  [ECS_VERSION]: { name: "Ecs", host: "ecs.aliyuncs.com", actions: ecsActions },
  [VPC_VERSION]: { name: "Vpc", host: "vpc.aliyuncs.com", actions: vpcActions },
};

/** Actions that never change the world (no persistence, allowed during transitions). */
const READ_ONLY = /^Describe/;

export type ApiContext = {
  /** The account whose pair signed a request: its world and its faults. */
  worlds: { of(accessKeyId: string): { engine: Engine; faults: Faults } };
  signatures: SignatureCheck;
  log: RequestLog;
  now: () => number;
  /** The world changed (persistence). */
  changed: () => void;
};

/** What is known about one exchange so far: filled in as the request passes each check. */
type Exchange = {
  started: number;
  requestId: string;
  method: string;
  product: string;
  action: string;
  akId: string;
  params: Params | null;
  /** The client asked `Format=XML` (query or form body); every answer, errors too, is XML then. */
  xml: boolean;
};

export function apiHandler(ctx: ApiContext): RequestHandler {
  return async (req, res, url) => {
    const x: Exchange = {
      started: performance.now(),
      requestId: randomUUID().toUpperCase(),
      method: (req.method ?? "GET").toUpperCase(),
      product: "",
      action: "",
      akId: "",
      params: null,
      xml: false,
    };
    try {
      const body = await readBody(req);
      const query = parseQuery(url.search);
      x.xml = wantsXml(formatParam(req, query, body));
      const auth = ctx.signatures.authenticate({
        method: x.method,
        path: url.pathname,
        headers: req.headers,
        query,
        body,
      });
      finish(ctx, req, res, x, 200, "", await dispatch(ctx, x, auth));
    } catch (e) {
      if (e instanceof ApiError) finish(ctx, req, res, x, e.status, e.code, { Message: e.message });
      else {
        console.error("[emulator] internal error", e);
        finish(ctx, req, res, x, 500, "InternalError", {
          Message: "The request processing has failed due to some unknown error, exception or failure.",
        });
      }
    }
  };
}

/** The `Format` common parameter, from the query string or a form body. */
function formatParam(req: IncomingMessage, query: QueryPairs, body: Buffer): string | undefined {
  const form = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
    ? parseQuery(body.toString("utf8"))
    : [];
  return [...query, ...form].find(([k]) => k === "Format")?.[1];
}

/** Runs an authenticated request's action; its order of checks is the cloud's (version, action, faults). */
async function dispatch(ctx: ApiContext, x: Exchange, auth: Authenticated): Promise<Body> {
  x.akId = auth.accessKeyId;
  x.action = auth.action;
  const action = auth.action;
  if (!auth.version)
    throw new ApiError(
      400,
      "MissingParameter",
      'The input parameter "Version" that is mandatory for processing this request is not supplied.',
    );
  const prod = PRODUCTS[auth.version];
  if (!prod) throw new ApiError(400, "InvalidVersion", `Specified parameter Version "${auth.version}" is not valid.`);
  x.product = prod.name;
  if (!action)
    throw new ApiError(
      400,
      "MissingParameter",
      'The input parameter "Action" that is mandatory for processing this request is not supplied.',
    );
  const handler = Object.hasOwn(prod.actions, action) ? prod.actions[action] : undefined;
  if (!handler)
    throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
  const p = (x.params = Params.from(auth.params));
  // The signing pair's account: another account's resources do not exist here.
  const { engine, faults } = ctx.worlds.of(auth.accessKeyId);
  await applyFaults(faults, ctx.now, action, p.map.values());
  engine.tick();
  const conflict = faults.conflictError(action, () => engine.targetBusy(p));
  if (conflict) throw new ApiError(conflict.status, conflict.code, conflict.message);
  const result = engine.handle(() => handler(engine, p));
  if (!READ_ONLY.test(action)) ctx.changed();
  return result;
}

/** Throttling, then an injected error and extra latency (the error comes after the delay). */
async function applyFaults(faults: Faults, now: () => number, action: string, values: Iterable<string>): Promise<void> {
  if (faults.rateLimited(now()))
    throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
  const injected = faults.injectedError(action, values);
  const delay = faults.extraLatencyMs();
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  if (injected) throw new ApiError(injected.status, injected.code, injected.message);
}

/** Answers in the cloud's shape (`code` set: an error) and logs the exchange. */
function finish(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  x: Exchange,
  status: number,
  code: string,
  body: Body,
): void {
  const host =
    PRODUCTS[req.headers["x-acs-version"] as string]?.host ??
    (x.product === "Vpc" ? "vpc.aliyuncs.com" : "ecs.aliyuncs.com");
  const payload = code
    ? {
        RequestId: x.requestId,
        HostId: host,
        Code: code,
        Message: body.Message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=${x.product || "Ecs"}&requestId=${x.requestId}`,
      }
    : { RequestId: x.requestId, ...body };
  const headers: Record<string, string> = code.startsWith("Throttling") ? { "x-acs-retry-after": "1000" } : {};
  if (x.xml)
    sendText(res, status, XML_CONTENT_TYPE, xmlDocument(code ? "Error" : `${x.action}Response`, payload), headers);
  else send(res, status, payload, headers);
  ctx.log.add({
    time: new Date(ctx.now()).toISOString(),
    method: x.method,
    product: x.product,
    action: x.action,
    accessKeyId: x.akId,
    params: x.params ? x.params.redacted() : {},
    status,
    code,
    requestId: x.requestId,
    durationMs: Math.round((performance.now() - x.started) * 100) / 100,
  });
}
