// Every page of a Describe* call, concatenated: the one paging loop (NextToken or PageNumber).
import { cloudCall, type CloudAction, type CloudContext, type WireBody, type WireParams } from "./call";
import { str } from "./wire";

/**
 * How the action pages: by NextToken with MaxResults per page, or by PageNumber with PageSize
 * per page. The paging parameters follow `params`, in the order given here.
 */
export type Paging = { by: "NextToken"; MaxResults: number } | { by: "PageNumber"; PageSize: number };

/**
 * Calls `action` until the last page and returns the items `items` reads from each body.
 * PageNumber paging stops at an empty page or once TotalCount items are read, and `totalCount`
 * is the last TotalCount the API reported (the number of items read when it reports none);
 * NextToken paging stops when no NextToken comes back, and `totalCount` is the number read.
 */
export async function describeAll<T>(
  ctx: CloudContext,
  action: CloudAction,
  params: WireParams,
  paging: Paging,
  items: (body: WireBody) => T[],
): Promise<{ items: T[]; totalCount: number }> {
  const out: T[] = [];
  if (paging.by === "NextToken") {
    let next: string | undefined;
    do {
      const body = await cloudCall(ctx, action, { ...params, MaxResults: paging.MaxResults, NextToken: next });
      out.push(...items(body));
      next = str(body.NextToken) || undefined;
    } while (next);
    return { items: out, totalCount: out.length };
  }
  for (let page = 1; ; page++) {
    const body = await cloudCall(ctx, action, { ...params, PageNumber: page, PageSize: paging.PageSize });
    const got = items(body);
    out.push(...got);
    const total = Number(body.TotalCount ?? out.length);
    if (!got.length || out.length >= total) return { items: out, totalCount: total };
  }
}
