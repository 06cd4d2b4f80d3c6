// Resource tags (`Tag.N.Key` / `Tag.N.Value`) on instances, ENIs and EIPs: validation as the
// API documents it, and the Tag.N filter of the Describe calls.
import { err } from "./errors";
import type { TagRec } from "./model";
import type { Params } from "./params";

const URL_IN = /https?:\/\//;

/** The `Tag.N` parameter of a create call: up to 20 tags, keys unique, non-empty, ≤128 chars. */
export function tagsParam(p: Params): TagRec[] {
  const raw = p.objList("Tag");
  if (raw.length > 20) throw err(403, "QuotaExceed.Tags", "At most 20 tags can be added to a resource.");
  const seen = new Set<string>();
  return raw.map((t) => {
    const key = t.Key ?? "";
    const value = t.Value ?? "";
    if (!key || key.length > 128 || /^(aliyun|acs:)/i.test(key) || URL_IN.test(key))
      throw err(
        400,
        "InvalidTagKey.Malformed",
        `The tag key "${key}" is not valid: 1 to 128 characters, not starting with aliyun or acs:, without http:// or https://.`,
      );
    if (value.length > 128 || URL_IN.test(value))
      throw err(
        400,
        "InvalidTagValue.Malformed",
        `The tag value "${value}" is not valid: up to 128 characters, without http:// or https://.`,
      );
    if (seen.has(key)) throw err(400, "Duplicate.TagKey", `The tag key "${key}" is given more than once.`);
    seen.add(key);
    return { key, value };
  });
}

/** The `Tag.N` filter of a Describe call: every given key must be on the resource (with the value, when one is given). */
export function tagFilter(p: Params): (tags: TagRec[] | undefined) => boolean {
  const want = p.objList("Tag").filter((t) => t.Key);
  return (tags) =>
    want.every((w) => (tags ?? []).some((t) => t.key === w.Key && (w.Value === undefined || t.value === w.Value)));
}
