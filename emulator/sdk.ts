// Test helpers: official SDK clients pointed at an emulator (used by tests and the bench).
import EcsModule, * as $Ecs from "@alicloud/ecs20140526";
import VpcModule, * as $Vpc from "@alicloud/vpc20160428";
import * as $OpenApi from "@alicloud/openapi-core";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "./server";

// The packages are CommonJS with `exports.default = Client`; under ESM interop the
// default import may be the module object itself.
type EcsClient = InstanceType<typeof EcsModule>;
type VpcClient = InstanceType<typeof VpcModule>;
const unwrap = <T>(m: unknown): T =>
  (m as { default?: T }).default && typeof (m as { default?: unknown }).default === "function"
    ? (m as { default: T }).default
    : (m as T);
const EcsCtor = unwrap<typeof EcsModule>(EcsModule);
const VpcCtor = unwrap<typeof VpcModule>(VpcModule);

export type SdkOptions = { endpoint: string; regionId?: string; accessKeyId?: string; accessKeySecret?: string };

function config(o: SdkOptions) {
  return new $OpenApi.$OpenApiUtil.Config({
    accessKeyId: o.accessKeyId ?? DEMO_ACCESS_KEY_ID,
    accessKeySecret: o.accessKeySecret ?? DEMO_ACCESS_KEY_SECRET,
    regionId: o.regionId ?? "ap-northeast-1",
    endpoint: o.endpoint,
    protocol: "http",
  });
}

export function ecsClient(o: SdkOptions): EcsClient {
  return new EcsCtor(config(o));
}
export function vpcClient(o: SdkOptions): VpcClient {
  return new VpcCtor(config(o));
}

export { $Ecs, $Vpc };
