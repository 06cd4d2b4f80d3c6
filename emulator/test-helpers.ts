// Shared helpers for the emulator test files (not a test file itself).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { ZERO_LATENCIES } from "./engine";
import { ecsClient, vpcClient } from "./sdk";
import {
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  startEmulator,
  type EmulatorHandle,
  type EmulatorOptions,
} from "./server";
import {
  EMPTY_SHA256,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  percentEncode,
  v1Signature,
  v1StringToSign,
  type QueryPairs,
} from "./signature";

export const TOKYO = "ap-northeast-1";
export const DEMO = {
  vpc: "vpc-6we1x9demotokyo0001",
  vswA: "vsw-6we1x9demotokyoa01",
  vswB: "vsw-6we1x9demotokyob01",
  sg: "sg-6we1x9demotokyo00001",
  web1: "i-6we1x9demoweb000001",
  web2: "i-6we1x9demoweb000002",
  primaryEni1: "eni-6we1x9demoprimary01",
  secondaryEni: "eni-6we1x9demosecond001",
  eipOnWeb1: "eip-6we1x9demoprimary01",
  freeEips: ["eip-6we1x9demofree00001", "eip-6we1x9demofree00002", "eip-6we1x9demofree00003"],
  /** The pool for fleets: pool=web (1–5; 1 and 2 also env=staging), pool=batch (6). */
  pool: [1, 2, 3, 4, 5, 6].map((n) => `i-6we1x9demopool0000${n}`),
  poolEnis: [1, 2, 3, 4, 5, 6].map((n) => `eni-6we1x9demopool0000${n}`),
  hzVpc: "vpc-bp1x9demohangzhou01",
  hzVsw: "vsw-bp1x9demohangzhh01",
  hzSg: "sg-bp1x9demohangzhou001",
};

export async function startTestEmulator(opts: EmulatorOptions = {}) {
  const emu = await startEmulator({ latencies: ZERO_LATENCIES, ...opts });
  return { emu, ecs: ecsClient({ endpoint: emu.endpoint }), vpc: vpcClient({ endpoint: emu.endpoint }) };
}
export type TestEmulator = Awaited<ReturnType<typeof startTestEmulator>>;

/**
 * One emulator for the calling test file: started before its tests, closed after them.
 * The returned object is filled in by `beforeAll`, so read its fields inside tests and
 * hooks only. With `resetEachTest` every test starts from the seed, with no faults and
 * no latency.
 */
export function setupTestEmulator({ resetEachTest = false }: { resetEachTest?: boolean } = {}): TestEmulator {
  const t = {} as TestEmulator;
  beforeAll(async () => {
    Object.assign(t, await startTestEmulator());
  });
  afterAll(() => t.emu?.close());
  if (resetEachTest) {
    beforeEach(() => {
      t.emu.reset();
      t.emu.setLatencies(ZERO_LATENCIES);
      t.emu.setFaults({});
    });
  }
  return t;
}

/** Polls `f` until `ok` holds or `ms` have passed; returns the last value either way. */
export async function waitFor<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Await a rejected SDK call and check the error the user would see. */
export async function expectApiError(p: Promise<unknown>, code: string, status?: number) {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeDefined();
  const e = caught as { code?: string; statusCode?: number; data?: Record<string, unknown> };
  expect(e.code).toBe(code);
  if (status !== undefined) expect(e.statusCode).toBe(status);
  expect(e.data?.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  expect(e.data?.HostId).toMatch(/aliyuncs\.com$/);
  expect(e.data?.Recommend).toContain(`q=${code}`);
  return e;
}

export function acsDate(ms = Date.now()) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export type RawAcs3 = {
  action: string;
  version?: string;
  query?: Record<string, string>;
  accessKeyId?: string;
  secret?: string;
  date?: string;
  nonce?: string;
  /** Mutate the query string after signing. */
  tamper?: (qs: string) => string;
};

/** A hand-built ACS3-HMAC-SHA256 request (signature code checked against the SDK's test vectors). */
export async function rawAcs3(emu: EmulatorHandle, r: RawAcs3) {
  const query: QueryPairs = Object.entries(r.query ?? {});
  const headers: Record<string, string> = {
    host: emu.endpoint,
    "x-acs-action": r.action,
    "x-acs-version": r.version ?? "2014-05-26",
    "x-acs-date": r.date ?? acsDate(),
    "x-acs-signature-nonce": r.nonce ?? randomBytes(16).toString("hex"),
    "x-acs-content-sha256": EMPTY_SHA256,
  };
  const signed = Object.keys(headers).sort();
  const sts = acs3StringToSign(
    acs3CanonicalRequest({
      method: "POST",
      path: "/",
      query,
      headers,
      signedHeaders: signed,
      payloadHash: EMPTY_SHA256,
    }),
  );
  const sig = acs3Signature(r.secret ?? DEMO_ACCESS_KEY_SECRET, sts);
  let qs = query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join("&");
  if (r.tamper) qs = r.tamper(qs);
  const res = await fetch(`${emu.url}/?${qs}`, {
    method: "POST",
    headers: {
      ...headers,
      authorization: `ACS3-HMAC-SHA256 Credential=${r.accessKeyId ?? DEMO_ACCESS_KEY_ID},SignedHeaders=${signed.join(";")},Signature=${sig}`,
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A hand-built RPC v1 (HMAC-SHA1) GET request, as aliyun-cli classic sends it. */
export async function rawV1(
  emu: EmulatorHandle,
  r: {
    action: string;
    version?: string;
    params?: Record<string, string>;
    accessKeyId?: string;
    secret?: string;
    timestamp?: string;
    nonce?: string;
  },
) {
  const pairs: QueryPairs = Object.entries({
    Action: r.action,
    Version: r.version ?? "2014-05-26",
    Format: "JSON",
    AccessKeyId: r.accessKeyId ?? DEMO_ACCESS_KEY_ID,
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: r.nonce ?? randomBytes(16).toString("hex"),
    Timestamp: r.timestamp ?? acsDate(),
    ...r.params,
  });
  const sig = v1Signature(r.secret ?? DEMO_ACCESS_KEY_SECRET, v1StringToSign("GET", pairs));
  const qs = [...pairs, ["Signature", sig] as [string, string]]
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join("&");
  const res = await fetch(`${emu.url}/?${qs}`);
  const contentType = res.headers.get("content-type") ?? "";
  const text = await res.text();
  // A `Format=XML` answer is not JSON: read it from `text`.
  const body = (contentType.includes("json") ? JSON.parse(text) : {}) as Record<string, unknown>;
  return { status: res.status, body, text, contentType };
}
