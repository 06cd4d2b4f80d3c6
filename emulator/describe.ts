// What the Describe* handlers of both products share: names in the requested language,
// the creation-time filter and the two pagination schemes.
import type { Body } from "./engine";
import { err, invalid } from "./errors";
import type { Params } from "./params";

// ---------- names ----------
/** A region's or zone's name in the language AcceptLanguage asks for: zh-CN (the API's default), en-US or ja. */
export function localNameFor(p: Params, rec: { localName: string; localNameEn: string; localNameJa?: string }): string {
  const lang = (p.str("AcceptLanguage") ?? "zh-CN").toLowerCase();
  if (lang.startsWith("en")) return rec.localNameEn;
  if (lang.startsWith("ja")) return rec.localNameJa ?? rec.localNameEn;
  return rec.localName;
}

// ---------- filters ----------
/**
 * The `Filter.N` parameter of DescribeInstances / DescribeEipAddresses: the only key is
 * `CreationStartTime`, its value a UTC time `yyyy-MM-ddTHH:mmZ`; it keeps the resources
 * created at or after that time.
 */
export function creationFilter(p: Params): (creationTime: string) => boolean {
  let since = -Infinity;
  for (const f of p.objList("Filter")) {
    if (f.Key !== "CreationStartTime")
      throw invalid("Filter.N.Key", `"${f.Key ?? ""}" is not a filter key; the only one is CreationStartTime.`);
    const v = f.Value ?? "";
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z$/.test(v) || Number.isNaN(Date.parse(v)))
      throw invalid("Filter.N.Value", `"${v}" is not a UTC time like 2024-01-31T09:30Z.`);
    since = Math.max(since, Date.parse(v));
  }
  return (creationTime) => Date.parse(creationTime) >= since;
}

// ---------- pagination ----------
export type Page<T> = { items: T[]; extra: Body };
/**
 * A page of a list. The paging parameters are checked when the pager is made: a Describe
 * handler makes it with its other parameter checks, before it reads the world (§5.1).
 */
export type Pager = <T>(all: T[]) => Page<T>;

/** PageNumber/PageSize pagination (VPC Describe*, ECS DescribeInstanceStatus, DescribeSecurityGroups). */
export function pageByNumber(p: Params, maxSize: number, defaultSize = 10): Pager {
  const pageNumber = p.int("PageNumber", { min: 1 }) ?? 1;
  const pageSize = p.int("PageSize", { min: 1, max: maxSize }) ?? defaultSize;
  const start = (pageNumber - 1) * pageSize;
  return (all) => ({
    items: all.slice(start, start + pageSize),
    extra: { TotalCount: all.length, PageNumber: pageNumber, PageSize: pageSize },
  });
}

function encodeToken(offset: number): string {
  return Buffer.from(`eipilot:${offset}`).toString("base64url");
}
function decodeToken(token: string): number {
  const m = /^eipilot:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  if (!m) throw err(400, "InvalidParameter", `The specified NextToken "${token}" is not valid.`);
  return Number(m[1]);
}

/**
 * NextToken/MaxResults pagination with the deprecated PageNumber/PageSize as a fallback
 * (NextToken/MaxResults win when both are given). MaxResults below `floor` count as `floor`;
 * above `max` they are refused, or count as `max` where the API documents that (`capAtMax`:
 * DescribeInstances, DescribeNetworkInterfaces).
 */
export function pageByToken(
  p: Params,
  opts: { max: number; floor?: number; pageSizeMax?: number; capAtMax?: boolean },
): Pager {
  const token = p.str("NextToken");
  const maxRaw = p.int("MaxResults", { min: 0 });
  if (token !== undefined || maxRaw !== undefined || (!p.has("PageNumber") && !p.has("PageSize"))) {
    let size = maxRaw ?? 10;
    if (size > opts.max) {
      if (!opts.capAtMax) throw invalid("MaxResults", `Valid range: 1 to ${opts.max}.`);
      size = opts.max;
    }
    if (size < (opts.floor ?? 1)) size = opts.floor ?? 1;
    const start = token ? decodeToken(token) : 0;
    return (all) => {
      const next = start + size < all.length ? encodeToken(start + size) : "";
      return {
        items: all.slice(start, start + size),
        extra: { NextToken: next, TotalCount: all.length, PageSize: size, PageNumber: Math.floor(start / size) + 1 },
      };
    };
  }
  const byNumber = pageByNumber(p, opts.pageSizeMax ?? opts.max);
  return (all) => {
    const page = byNumber(all);
    return { items: page.items, extra: { ...page.extra, NextToken: "" } };
  };
}
