// SDK client factory: one ECS and one VPC client per (credentials, endpoint, region).
// Credentials are always explicit — never the @alicloud/credentials default chain,
// which may query the ECS metadata service — and under NODE_ENV=test only a
// loopback endpoint is accepted, so tests can never reach the real cloud.
import * as EcsModule from "@alicloud/ecs20140526";
import * as VpcModule from "@alicloud/vpc20160428";
import { $OpenApiUtil } from "@alicloud/openapi-core";

export type CloudCredentials = {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** "127.0.0.1:PORT" (the emulator) → http; any other host → https. Absent = Alibaba Cloud's regional endpoint. */
  endpoint?: string;
  /**
   * How the account's calls are paced (lib/cloud/rate-limit.ts): the key its callers share and its rate.
   * Absent: keyed by this AccessKey id and endpoint, at EIPILOT_CLOUD_MAX_RPS.
   */
  rateLimit?: { key: string; maxRequestsPerSecond: number | null };
};

export type Product = "ecs" | "vpc";

// The SDK packages are CommonJS with `exports.default = Client`; depending on the
// loader the default import is the class itself or the module namespace.
type SdkClientCtor = new (config: $OpenApiUtil.Config) => SdkClient;
export type SdkClient = Record<string, unknown>;
function ctorOf(mod: unknown): SdkClientCtor {
  let m: unknown = mod;
  // namespace → module.exports → exports.default (the class), whichever the loader gives.
  for (let i = 0; i < 3 && typeof m !== "function"; i++) m = (m as { default?: unknown }).default;
  if (typeof m !== "function") throw new Error("cannot load the Alibaba Cloud SDK client class");
  return m as SdkClientCtor;
}
export const EcsClient = ctorOf(EcsModule);
export const VpcClient = ctorOf(VpcModule);
export { EcsModule, VpcModule };

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function endpointHost(endpoint: string): string {
  const e = endpoint.replace(/^https?:\/\//, "");
  if (e.startsWith("[")) return e.slice(0, e.indexOf("]") + 1);
  return e.split(":")[0] ?? e;
}

export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  return !!endpoint && LOOPBACK_HOSTS.has(endpointHost(endpoint));
}

/** Throws when the endpoint is not allowed in this process (non-loopback under NODE_ENV=test). */
export function assertEndpointAllowed(endpoint: string | undefined): void {
  if (process.env.NODE_ENV === "test" && !isLoopbackEndpoint(endpoint)) {
    throw new Error(
      `refusing cloud endpoint ${endpoint ?? "(Alibaba Cloud default)"} under NODE_ENV=test: tests must target the local emulator (127.0.0.1:PORT)`,
    );
  }
}

function buildConfig(creds: CloudCredentials, regionId: string): $OpenApiUtil.Config {
  assertEndpointAllowed(creds.endpoint);
  const endpoint = creds.endpoint?.replace(/^https?:\/\//, "");
  return new $OpenApiUtil.Config({
    // Explicit AccessKey (or STS) credentials: the SDK then never consults the default chain.
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    securityToken: creds.securityToken,
    type: creds.securityToken ? "sts" : "access_key",
    regionId,
    endpoint,
    protocol: endpoint && isLoopbackEndpoint(endpoint) ? "http" : "https",
    readTimeout: 20_000,
    connectTimeout: 5_000,
  });
}

const cache = new Map<string, SdkClient>();

/** The SDK client for a product in a region (cached; a client is stateless apart from its config). */
export function sdkClient(product: Product, creds: CloudCredentials, regionId: string): SdkClient {
  const key = [
    product,
    creds.accessKeyId,
    creds.securityToken ?? "",
    creds.endpoint ?? "",
    regionId,
    hashSecret(creds.accessKeySecret),
  ].join("|");
  let c = cache.get(key);
  if (!c) {
    const Ctor = product === "ecs" ? EcsClient : VpcClient;
    c = new Ctor(buildConfig(creds, regionId));
    if (cache.size > 500) cache.clear();
    cache.set(key, c);
  }
  return c;
}

function hashSecret(s: string): string {
  // Not for security — only so that a rotated secret gets a fresh client.
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return String(h);
}
