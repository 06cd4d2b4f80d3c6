// `npm run bench` is a report that takes many minutes, not part of the suite, so
// nothing else notices when a benchmark can no longer even start (it happened:
// bench:deploy lacked the flag that loads the migration engine's WebAssembly,
// bench:audit's react-server condition broke on an import of next-intl). Each
// bench:* script here loads every module its benchmark imports, and the
// migration engine where the benchmark creates databases, with the script's
// own NODE_OPTIONS, without running the benchmark.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pkg from "@/package.json";

const root = path.resolve(import.meta.dirname, "..");
const scripts = Object.entries(pkg.scripts as Record<string, string>).filter(([name]) => name.startsWith("bench:"));

/** `NODE_OPTIONS="…" tsx bench/x.ts` → its options and file; anything else is a script this test does not know how to load. */
function parseScript(command: string) {
  const m = /^(?:NODE_OPTIONS="([^"]*)" )?tsx (bench\/[\w.-]+\.ts)$/.exec(command);
  if (!m) throw new Error(`unexpected bench script: ${command}`);
  return { nodeOptions: m[1] ?? "", file: m[2]! };
}

/** The modules a file imports for their values (type-only imports are erased). */
function valueImports(source: string): string[] {
  return [...source.matchAll(/^import (?!type )[^;]*?from "([^"]+)";/gm)].map((m) => m[1]!);
}

describe("npm run bench", () => {
  it("finds the benchmarks", () => {
    expect(scripts.map(([name]) => name)).toEqual(
      expect.arrayContaining(["bench:audit", "bench:deploy", "bench:emulator", "bench:web", "bench:wizard"]),
    );
  });

  it.each(scripts)(
    "%s loads its modules",
    (name, command) => {
      const { nodeOptions, file } = parseScript(command);
      const source = readFileSync(path.join(root, file), "utf8");
      const imports = valueImports(source);
      expect(imports.length, file).toBeGreaterThan(0);
      // Beside the benchmark, so that its relative imports resolve the same way.
      const probe = path.join(root, path.dirname(file), `.load-probe-${name.replace(":", "-")}.ts`);
      const createsDatabases = /\b(applyMigrations|createTestDb)\(/.test(source);
      const lines = imports.map((spec) => `import ${JSON.stringify(spec)};`);
      // Loaded on first use (lib/db/migrate.ts), so importing the modules alone would not show it missing.
      if (createsDatabases) lines.push(`await import("@prisma/schema-engine-wasm");`);
      writeFileSync(probe, lines.join("\n") + "\n");
      try {
        const res = spawnSync(path.join(root, "node_modules/.bin/tsx"), [probe], {
          cwd: root,
          encoding: "utf8",
          timeout: 90_000,
          env: { ...process.env, NODE_OPTIONS: nodeOptions },
        });
        expect(
          res.stderr
            .split("\n")
            .filter((l) => !/^\s+at /.test(l))
            .join("\n")
            .trim(),
          `${name}: ${command}`,
        ).toBe("");
        expect(res.status, `${name} exited ${res.status}`).toBe(0);
      } finally {
        rmSync(probe, { force: true });
      }
    },
    120_000,
  );
});
