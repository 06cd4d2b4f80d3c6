// How deep a value nests, measured without recursion: a hostile argument thousands of levels deep would
// overflow the stack of anything recursive (zod, the text checks), a bare 500 instead of "invalid input".

/** The deepest nesting any input may have: far beyond what any form sends, far below what overflows. */
export const MAX_INPUT_DEPTH = 64;

/** True when `value` has arrays or objects nested more than `max` levels deep. */
export function nestedDeeperThan(value: unknown, max: number = MAX_INPUT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    if (depth >= max) return true;
    seen.add(v);
    for (const child of Object.values(v))
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return false;
}
