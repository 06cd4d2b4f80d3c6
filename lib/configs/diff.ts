// A readable diff between two revisions: every leaf that differs, by path
// ("eips[2].privateIp", "privateIps.count"), with the old and new value. Pure.
export type DiffEntry = { path: string; kind: "added" | "removed" | "changed"; before?: unknown; after?: unknown };

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [k, v] of entries.sort(([a], [b]) => a.localeCompare(b))) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

export function diffSpecs(before: unknown, after: unknown): DiffEntry[] {
  const a = flatten(before, "", new Map());
  const b = flatten(after, "", new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  const out: DiffEntry[] = [];
  for (const path of paths) {
    const inA = a.has(path);
    const inB = b.has(path);
    if (inA && !inB) out.push({ path, kind: "removed", before: a.get(path) });
    else if (!inA && inB) out.push({ path, kind: "added", after: b.get(path) });
    else if (JSON.stringify(a.get(path)) !== JSON.stringify(b.get(path)))
      out.push({ path, kind: "changed", before: a.get(path), after: b.get(path) });
  }
  return out.sort((x, y) => naturalPathCompare(x.path, y.path));
}

/** "eips[10]" after "eips[9]". */
function naturalPathCompare(x: string, y: string): number {
  return x.localeCompare(y, "en", { numeric: true });
}

export function formatValue(v: unknown): string {
  if (v === undefined) return "—";
  return typeof v === "string" ? v : JSON.stringify(v);
}
