// Messages live in messages/<locale>/<namespace>.json, one file per feature so
// features can be translated (and edited) independently.
import fs from "node:fs";
import path from "node:path";
import type { Locale } from "./locales";

const cache = new Map<Locale, Record<string, unknown>>();

export function loadMessages(
  locale: Locale,
  root = path.join(/*turbopackIgnore: true*/ process.cwd(), "messages"),
): Record<string, unknown> {
  const hit = process.env.NODE_ENV === "production" ? cache.get(locale) : undefined;
  if (hit) return hit;
  const dir = path.join(/*turbopackIgnore: true*/ root, locale);
  const messages: Record<string, unknown> = {};
  for (const file of fs
    .readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    messages[path.basename(file, ".json")] = JSON.parse(
      fs.readFileSync(path.join(/*turbopackIgnore: true*/ dir, file), "utf8"),
    );
  }
  cache.set(locale, messages);
  return messages;
}
