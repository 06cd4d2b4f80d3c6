import { describe, expect, it } from "vitest";
import { findUnstorable, plainText, textProblem } from "./text";

describe("textProblem", () => {
  it("a name (line) refuses every C0 control character and DEL; multi-line text keeps tab and line breaks", () => {
    for (let c = 0; c < 0x20; c++)
      expect(textProblem(`a${String.fromCharCode(c)}b`), `U+${c.toString(16)}`).toMatch(
        /^must not contain control characters \(found U\+00[01][0-9A-F]\)$/,
      );
    expect(textProblem("a\u007fb")).toBe("must not contain control characters (found U+007F)");
    expect(textProblem("one\ttwo\nthree\r\n", "multiline")).toBeNull();
    expect(textProblem("one\u000btwo", "multiline")).toBe("must not contain control characters (found U+000B)");
    expect(textProblem("a\u0001b", "storable")).toBeNull();
    expect(textProblem("a\u0000b", "storable")).toBe("must not contain control characters (found U+0000)");
  });

  it("refuses unpaired surrogates under every rule, and keeps paired ones (astral characters)", () => {
    for (const rule of ["line", "multiline", "storable"] as const) {
      expect(textProblem("x\ud800", rule)).toBe("must be valid Unicode text (found an unpaired surrogate, U+D800)");
      expect(textProblem("\udc00x", rule)).toBe("must be valid Unicode text (found an unpaired surrogate, U+DC00)");
      expect(textProblem("\ud800\ud800\udc00", rule)).toMatch(/U\+D800/);
      expect(textProblem("🚀 東京 Ünïcödé", rule)).toBeNull();
    }
  });
});

describe("plainText", () => {
  it("names the field, and trims before checking when asked", () => {
    const name = plainText("configName", { trim: true }).min(1);
    expect(name.parse("  web-1\n")).toBe("web-1");
    expect(name.safeParse("web\u00001").error?.issues[0]?.message).toBe(
      "The config name must not contain control characters (found U+0000).",
    );
    expect(plainText("configName").safeParse("web-1\n").error?.issues[0]?.message).toBe(
      "The config name must not contain control characters (found U+000A).",
    );
  });
});

describe("findUnstorable", () => {
  it("finds NUL or an unpaired surrogate in any value or key, with the path", () => {
    expect(findUnstorable({ a: [1, "ok", { b: "x\u0000" }] })).toEqual({
      path: ["a", 2, "b"],
      problem: "must not contain control characters (found U+0000)",
    });
    expect(findUnstorable({ a: { ["k\ud800"]: 1 } })).toEqual({
      path: ["a"],
      problem: "has a key that must be valid Unicode text (found an unpaired surrogate, U+D800)",
    });
    expect(findUnstorable({ a: "tab\tand\u0001", n: null, b: true, c: 3, d: ["🚀"] })).toBeNull();
  });
});
