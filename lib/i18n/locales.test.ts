import { describe, expect, it } from "vitest";
import { pickLocale } from "./locales";
import { loadMessages } from "./messages";

const en = loadMessages("en");
const ja = loadMessages("ja");

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj)
    .flatMap(([k, v]) => (typeof v === "object" && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
    .sort();
}

describe("locales", () => {
  it("picks Japanese for a Japanese browser and English otherwise", () => {
    expect(pickLocale("ja-JP,ja;q=0.9,en;q=0.8")).toBe("ja");
    expect(pickLocale("fr-FR,en;q=0.5,ja;q=0.9")).toBe("ja");
    expect(pickLocale("de-DE")).toBe("en");
    expect(pickLocale(null)).toBe("en");
  });

  it("translates every English string into Japanese", () => {
    expect(keys(ja)).toEqual(keys(en));
    for (const key of keys(ja)) {
      const value = key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], ja);
      expect(String(value).trim(), key).not.toBe("");
    }
  });
});
