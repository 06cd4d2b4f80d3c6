// Zod messages in the reader's language (lib/validation sits above lib/i18n: it
// writes its messages with msg()).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { safeParseIn, zmsg } from "./messages";

describe("zod messages", () => {
  const schema = z.object({
    ip: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, zmsg("spec.ipv4")),
    name: z.string().min(1),
  });

  it("are English unless a parse asks for another language", () => {
    const bad = { ip: "x", name: "" };
    expect(schema.safeParse(bad).error?.issues.map((i) => i.message)).toEqual([
      "must be an IPv4 address",
      "Too small: expected string to have >=1 characters",
    ]);
    expect(safeParseIn("en", schema, bad).error?.issues.map((i) => i.message)).toEqual([
      "must be an IPv4 address",
      "Too small: expected string to have >=1 characters",
    ]);
    const ja = safeParseIn("ja", schema, bad).error?.issues.map((i) => i.message);
    expect(ja?.[0]).toBe("IPv4 アドレスを指定してください");
    expect(ja?.[1]).toMatch(/1文字以上/);
    // The language does not stick to later parses.
    expect(schema.safeParse(bad).error?.issues[0]?.message).toBe("must be an IPv4 address");
  });
});
