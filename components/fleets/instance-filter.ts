// The fleet instance picker's filters (pure): text on id/name, zone, status and one tag key/value,
// and "select by tag". Kept apart from the component so the rules are tested without a browser.
import type { InstanceDto } from "@/lib/deploy/inventory.service";

export type PickerInstance = Pick<InstanceDto, "instanceId" | "name" | "zoneId" | "status" | "tags">;

export type PickerFilter = {
  /** Part of the instance id or name, any case. */
  q: string;
  /** "" = every zone. */
  zone: string;
  /** "" = every status. */
  status: string;
  /** "" = no tag filter. */
  tagKey: string;
  /** "" = any value of tagKey. */
  tagValue: string;
};

export const NO_FILTER: PickerFilter = { q: "", zone: "", status: "", tagKey: "", tagValue: "" };

/** Whether the instance carries the tag `key` (with `value`, unless value is ""). */
export function hasTag(i: PickerInstance, key: string, value: string): boolean {
  return i.tags.some((t) => t.key === key && (value === "" || t.value === value));
}

export function filterInstances<T extends PickerInstance>(list: T[], f: PickerFilter): T[] {
  const q = f.q.trim().toLowerCase();
  return list.filter(
    (i) =>
      (!q || i.instanceId.toLowerCase().includes(q) || i.name.toLowerCase().includes(q)) &&
      (!f.zone || i.zoneId === f.zone) &&
      (!f.status || i.status === f.status) &&
      (!f.tagKey || hasTag(i, f.tagKey, f.tagValue)),
  );
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b));

/** The choices of the zone, status and tag-key filters: what the listed instances have. */
export function filterChoices(list: PickerInstance[]) {
  return {
    zones: sorted(list.map((i) => i.zoneId)),
    statuses: sorted(list.map((i) => i.status)),
    tagKeys: sorted(list.flatMap((i) => i.tags.map((t) => t.key))),
  };
}

/** The values tag `key` takes on the listed instances. */
export function tagValues(list: PickerInstance[], key: string): string[] {
  return sorted(list.flatMap((i) => i.tags.filter((t) => t.key === key).map((t) => t.value)));
}

/** The selection plus every instance tagged key (= value), in the list's order; nothing when no key is given. */
export function selectByTag(list: PickerInstance[], selected: string[], key: string, value: string): string[] {
  if (!key) return selected;
  const add = list.filter((i) => hasTag(i, key, value)).map((i) => i.instanceId);
  return [...selected, ...add.filter((id) => !selected.includes(id))];
}

/** Toggles every shown instance: all of them selected → unselects them, else selects the missing ones. */
export function toggleShown(shown: PickerInstance[], selected: string[]): string[] {
  const ids = shown.map((i) => i.instanceId);
  if (ids.length > 0 && ids.every((id) => selected.includes(id))) return selected.filter((id) => !ids.includes(id));
  return [...selected, ...ids.filter((id) => !selected.includes(id))];
}
