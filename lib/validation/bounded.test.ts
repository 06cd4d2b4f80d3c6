// Issue 17 #6: no text field is unbounded. Every zod schema exported by a `*.schema.ts` file (server
// actions' inputs, the HTTP API's requests, config files, deployment specs, cloud accounts, webhooks…) is
// walked down to its strings: each string, record key included, must have a length limit, and a value one
// character over it must be refused with a message that says so, in English and in Japanese. A new field
// without `.max()` fails here, naming its path.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { safeParseIn } from "./messages";

vi.mock("server-only", () => ({}));

type Def = { type: string } & Record<string, unknown>;
type Leaf = { where: string; schema: z.ZodType; max: number | null };

const root = path.resolve(__dirname, "../..");

function filesEndingIn(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : filesEndingIn(full, suffix);
    return name.endsWith(suffix) ? [full] : [];
  });
}
const schemaFiles = (dir: string) => filesEndingIn(dir, ".schema.ts");

/** The HTTP API's answers are the server's own output, not input: `*Schema` and `*Answer` in lib/api's schema files. */
const isAnswer = (file: string, name: string) =>
  file.includes("lib/api/") && (name.endsWith("Schema") || name.endsWith("Answer"));

function maxLength(schema: z.ZodType): number | null {
  const checks = ((schema._zod.def as { checks?: { _zod: { def: { check: string; maximum?: number } } }[] }).checks ??
    []) as { _zod: { def: { check: string; maximum?: number } } }[];
  const maxima = checks.filter((c) => c._zod.def.check === "max_length").map((c) => c._zod.def.maximum!);
  return maxima.length ? Math.min(...maxima) : null;
}

/** Every string a value of `schema` can hold, with where it sits ("createConfigInput.tags[]"). */
function strings(schema: z.ZodType, where: string, seen = new Set<object>()): Leaf[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Def;
  const walk = (s: unknown, w: string) => strings(s as z.ZodType, w, seen);
  switch (def.type) {
    case "string":
      return [{ where, schema, max: maxLength(schema) }];
    case "object":
      return [
        ...Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => walk(v, `${where}.${k}`)),
        ...(def.catchall ? walk(def.catchall, `${where}.*`) : []),
      ];
    case "array":
      return walk(def.element, `${where}[]`);
    case "record":
      return [...walk(def.keyType, `${where}{key}`), ...walk(def.valueType, `${where}{value}`)];
    case "union":
      return (def.options as unknown[]).flatMap((o, i) => walk(o, `${where}|${i}`));
    case "intersection":
      return [...walk(def.left, where), ...walk(def.right, where)];
    case "tuple":
      return [
        ...(def.items as unknown[]).flatMap((o, i) => walk(o, `${where}[${i}]`)),
        ...(def.rest ? walk(def.rest, `${where}[]`) : []),
      ];
    case "pipe":
      return [...walk(def.in, where), ...walk(def.out, where)];
    case "lazy":
      return walk((def.getter as () => unknown)(), where);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return walk(def.innerType, where);
    default:
      // number, boolean, enum, literal, date, unknown (parsed again, by a schema of its own, in the service)…
      return [];
  }
}

const exported = await Promise.all(
  schemaFiles(path.join(root, "lib")).map(async (file) => {
    const mod = (await import(file)) as Record<string, unknown>;
    const rel = path.relative(root, file);
    return Object.entries(mod)
      .filter(([name, v]) => typeof v === "object" && v !== null && "_zod" in v && !isAnswer(file, name))
      .map(([name, v]) => ({ name: `${rel}:${name}`, schema: v as z.ZodType }));
  }),
).then((lists) => lists.flat());
const leaves = exported.flatMap(({ name, schema }) => strings(schema, name));

describe("every text field of every input schema", () => {
  it("finds the schemas and their strings (the walk itself works)", () => {
    const names = exported.map((e) => e.name);
    for (const known of [
      "lib/actions/api-tokens.schema.ts:createApiTokenInput",
      "lib/api/api.schema.ts:deploymentCreateInput",
      "lib/configs/config.schema.ts:configNameSchema",
      "lib/cloud/cloud-account.schema.ts:cloudAccountInput",
      "lib/notify/webhook.schema.ts:webhookInputSchema",
    ])
      expect(names).toContain(known);
    expect(names).not.toContain("lib/api/api.schema.ts:problemSchema");
    expect(leaves.map((l) => l.where)).toEqual(
      expect.arrayContaining([
        "lib/actions/api-tokens.schema.ts:createApiTokenInput.name",
        "lib/cloud/cloud-account.schema.ts:cloudAccountInput|2.roleArn",
        "lib/actions/configs.schema.ts:createConfigInput.tags[]",
      ]),
    );
    expect(leaves.length).toBeGreaterThan(100);
  });

  it("includes every server action's input and every API route's body (none is declared where this walk cannot see it)", () => {
    const walked = new Set(exported.map((e) => e.name.split(":")[1]));
    const unseen: string[] = [];
    for (const file of filesEndingIn(path.join(root, "lib/actions"), ".actions.ts")) {
      const source = readFileSync(file, "utf8");
      const actions = source.match(/teamAction\(/g)?.length ?? 0;
      const inputs = [...source.matchAll(/\binput: (\w+)\s*[,}]/g)].map((m) => m[1]!);
      expect(inputs.length, `${file}: every teamAction names its input schema`).toBe(actions);
      unseen.push(...inputs.filter((i) => !walked.has(i)).map((i) => `${path.relative(root, file)}: ${i}`));
    }
    for (const file of filesEndingIn(path.join(root, "app/api/v1"), "route.ts")) {
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/ctx\.input\(([^)]*)\)/g))
        if (!/^\w+$/.test(m[1]!) || !walked.has(m[1]!)) unseen.push(`${path.relative(root, file)}: ${m[1]}`);
    }
    expect(unseen).toEqual([]);
  });

  it("has a length limit", () => {
    expect(leaves.filter((l) => l.max === null).map((l) => l.where)).toEqual([]);
  });

  it("refuses one character over it, saying so in English and in Japanese", () => {
    const wrong: string[] = [];
    for (const leaf of leaves.filter((l) => l.max !== null)) {
      const over = "a".repeat(leaf.max! + 1);
      const messages = (["en", "ja"] as const).map((locale) => {
        const r = safeParseIn(locale, leaf.schema, over);
        return r.success ? null : (r.error.issues.find((i) => i.code === "too_big")?.message ?? null);
      });
      const [en = null, ja = null] = messages;
      const ok =
        en !== null &&
        ja !== null &&
        !/^Too big/.test(en) &&
        /[\u3040-\u30ff\u4e00-\u9fff]/.test(ja) &&
        (en === `At most ${leaf.max} characters (this one has ${leaf.max! + 1}).` ||
          en.includes(String(leaf.max)) ||
          /bytes|characters/.test(en));
      if (!ok) wrong.push(`${leaf.where}: ${JSON.stringify(messages)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("the default message, in both languages", () => {
    const leaf = leaves.find((l) => l.where === "lib/actions/configs.schema.ts:createConfigInput.tags[]")!;
    const over = "t".repeat(leaf.max! + 1);
    expect(safeParseIn("en", leaf.schema, over).error?.issues[0]?.message).toBe(
      `At most ${leaf.max} characters (this one has ${leaf.max! + 1}).`,
    );
    expect(safeParseIn("ja", leaf.schema, over).error?.issues[0]?.message).toBe(
      `${leaf.max} 文字以内にしてください (${leaf.max! + 1} 文字あります)。`,
    );
  });
});
