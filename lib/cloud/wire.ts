// Readers for response bodies in wire form (PascalCase, lists wrapped as { Instance: [...] }):
// a missing or odd-shaped field reads as empty rather than throwing, because the API leaves
// out what is empty and the SDK's toMap() keeps whatever the server sent.

export type Obj = Record<string, unknown>;

/** `v` when it is a plain object, else {}. */
export const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** `v` when it is an array, else []. */
export const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** `v` as a string; undefined and null read as "". */
export const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/** The list under `wrapper[key]` (`list(body.Instances, "Instance")`), or []. */
export const list = (wrapper: unknown, key: string): Obj[] => arr(obj(wrapper)[key]);

/** The first item of `list(wrapper, key)` as an object, or {}. */
export const first = (wrapper: unknown, key: string): Obj => obj(list(wrapper, key)[0]);
