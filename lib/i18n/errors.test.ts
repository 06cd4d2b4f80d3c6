import { describe, expect, it } from "vitest";
// The ICU parser next-intl formats with (through intl-messageformat).
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import en from "@/messages/en/errors.json";
import ja from "@/messages/ja/errors.json";
import { msg, statusWord, type ErrorKey } from "./errors";

function leaves(obj: object, prefix = ""): [string, string][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`),
  );
}

/** The ICU arguments a message takes, with their kind ("argument", "plural", …). */
function params(message: string): string[] {
  const out = new Set<string>();
  const walk = (els: MessageFormatElement[]) => {
    for (const el of els) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      if (el.type === TYPE.tag) {
        out.add(`<${el.value}>`);
        walk(el.children);
        continue;
      }
      out.add(`${el.value}:${TYPE[el.type]}`);
      if (el.type === TYPE.select || el.type === TYPE.plural) for (const o of Object.values(el.options)) walk(o.value);
    }
  };
  walk(parse(message));
  return [...out].sort();
}

describe("errors catalog", () => {
  const enLeaves = new Map(leaves(en));
  const jaLeaves = new Map(leaves(ja));

  it("has every message in English and Japanese, with the same ICU arguments", () => {
    expect([...jaLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
    for (const [key, english] of enLeaves) {
      const japanese = jaLeaves.get(key)!;
      expect(japanese.trim(), key).not.toBe("");
      expect(params(japanese), key).toEqual(params(english));
    }
  });

  it("renders every message in both languages with its arguments filled in", () => {
    for (const [key, english] of enLeaves) {
      const values = Object.fromEntries(params(english).map((p) => [p.split(":")[0]!, "X1"]));
      for (const locale of ["en", "ja"] as const) {
        const text = msg(key as ErrorKey, values)(locale);
        expect(text, `${locale} ${key}`).not.toContain(`${key}`);
        expect(text, `${locale} ${key}`).not.toMatch(/[{}]/);
      }
    }
  });

  it("writes a message in the reader's language, numbers as they are, nested values in the same language", () => {
    const conflict = msg("configs.nothingChanged", { revision: 1234 });
    expect(conflict("en")).toBe("Nothing changed since revision 1234: edit the spec first.");
    expect(conflict("ja")).toBe("リビジョン 1234 から何も変わっていません。先に構成を編集してください。");
    const refused = msg("auth.roleCannot", { role: msg("roles.viewer") });
    expect(refused("en")).toBe("Your role (viewer) cannot do this.");
    expect(refused("ja")).toBe("あなたのロール (閲覧者) ではこの操作はできません。");
    expect(statusWord("tearing_down")("ja")).toBe("削除中");
  });
});
