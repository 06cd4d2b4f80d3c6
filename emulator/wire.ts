// What the ECS and VPC action tables share: the handler signature and the SDK's list wrapping.
import type { Body, Engine } from "./engine";
import type { Params } from "./params";

/** One API action: checks its parameters, reads or changes the world, returns the response body. */
export type Handler = (e: Engine, p: Params) => Body;

/** A list as the RPC JSON wraps it: `{ Region: [...] }` inside `Regions`. */
export const wrap = <K extends string>(key: K, arr: unknown[]) => ({ [key]: arr }) as Record<K, unknown[]>;
