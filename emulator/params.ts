// Typed access to flattened RPC parameters (§1.3): scalars, `Name.N` lists,
// `Name.N.Field` object lists and JSON-string parameters.
import { createHash } from "node:crypto";
import { ApiError, invalid, missing } from "./errors";

/**
 * Parameters that carry a secret (RunInstances' Password, an STS SecurityToken…): never
 * written to the request log or the world's state as sent.
 */
export const isSecretParam = (name: string) => /(^|\.)password$|secret|securitytoken$|bearertoken$/i.test(name);

/** What the request log shows instead of a secret. */
export const REDACTED = "******";

export class Params {
  constructor(readonly map: Map<string, string>) {}

  static from(pairs: Array<[string, string]>): Params {
    const m = new Map<string, string>();
    for (const [k, v] of pairs) m.set(k, v);
    return new Params(m);
  }

  has(name: string): boolean {
    return this.map.has(name) && this.map.get(name) !== "";
  }

  str(name: string): string | undefined {
    const v = this.map.get(name);
    return v === undefined || v === "" ? undefined : v;
  }

  req(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw missing(name);
    return v;
  }

  int(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw invalid(name, `Expected an integer, got "${v}".`);
    const n = Number(v);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max))
      throw invalid(name, `Valid range: ${opts.min ?? "-∞"} to ${opts.max ?? "∞"}.`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw invalid(name, `Expected true or false.`);
  }

  oneOf<T extends string>(name: string, values: readonly T[], dflt?: T): T | undefined {
    const v = this.str(name);
    if (v === undefined) return dflt;
    const hit = values.find((x) => x.toLowerCase() === v.toLowerCase());
    if (!hit) throw invalid(name, `Valid values: ${values.join(", ")}.`);
    return hit;
  }

  /** `Name.1`, `Name.2`, … sorted numerically (also accepts a bare `Name`). */
  list(name: string): string[] {
    const items: Array<[number, string]> = [];
    const prefix = name + ".";
    for (const [k, v] of this.map) {
      if (k.startsWith(prefix)) {
        const rest = k.slice(prefix.length);
        if (/^\d+$/.test(rest)) items.push([Number(rest), v]);
      }
    }
    if (items.length === 0) {
      const bare = this.str(name);
      return bare === undefined ? [] : [bare];
    }
    return items
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v)
      .filter((v) => v !== "");
  }

  /** `Tag.1.Key=…&Tag.1.Value=…` → [{Key, Value}] */
  objList(name: string): Array<Record<string, string>> {
    const byIndex = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.(.+)$`);
    for (const [k, v] of this.map) {
      const m = re.exec(k);
      if (!m) continue;
      const idx = Number(m[1]);
      const o = byIndex.get(idx) ?? {};
      o[m[2]!] = v;
      byIndex.set(idx, o);
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  }

  /** JSON-string array parameter, e.g. DescribeInstances `InstanceIds=["i-1","i-2"]`. */
  jsonList(name: string): string[] | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new ApiError(400, "InvalidParameter", `The specified parameter "${name}" is not a valid JSON array.`);
    }
    if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== "string"))
      throw new ApiError(400, "InvalidParameter", `The specified parameter "${name}" must be a JSON array of strings.`);
    return parsed as string[];
  }

  /**
   * Stable fingerprint of the request for ClientToken idempotency. It is kept in the world
   * (state dump, state file), so a secret appears in it only as a digest salted with `salt`
   * (the token's key): a repeat with another password still differs.
   */
  fingerprint(salt = ""): string {
    return JSON.stringify(
      [...this.map.entries()]
        .filter(([k]) => k !== "ClientToken")
        .map(([k, v]) => [k, isSecretParam(k) ? digest(salt, v) : v])
        .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0)),
    );
  }

  /** The parameters as the request log shows them: secrets replaced. */
  redacted(): Record<string, string> {
    return Object.fromEntries([...this.map].map(([k, v]) => [k, isSecretParam(k) ? REDACTED : v]));
  }
}

const digest = (salt: string, value: string) =>
  "sha256:" + createHash("sha256").update(`${salt}\n${value}`).digest("hex");
