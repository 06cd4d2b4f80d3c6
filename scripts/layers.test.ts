// The layer check (npm run check:layers, .dependency-cruiser.cjs) really refuses
// what docs/architecture.md forbids: the test writes files with forbidden imports
// into the tree, runs the check once on all of them, and removes them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

const FORBIDDEN = [
  [
    "the base layer importing a domain",
    "lib/server/layer-probe.ts",
    'import "@/lib/deploy/planner";',
    "lib/server layer",
  ],
  [
    "the guest layer importing deploy records",
    "lib/guest/layer-probe.ts",
    'import "@/lib/deploy/model";',
    "lib/guest layer",
  ],
  [
    "a component reaching the database",
    "components/layer-probe.ts",
    'import "@/lib/db/client";',
    "components never reach",
  ],
  [
    "the emulator importing the app",
    "emulator/layer-probe.ts",
    'import "../lib/os/bundle";',
    "the emulator is its own",
  ],
  ["lib importing a page", "lib/os/layer-probe.ts", 'import "@/app/layout";', "lib never imports app"],
] as const;
const ALLOWED = ["lib/deploy/layer-probe.ts", 'import "@/lib/os/bundle";'] as const;

let output = "";
let code: number | null = null;

beforeAll(() => {
  const probes = [...FORBIDDEN.map(([, file, source]) => [file, source] as const), ALLOWED];
  for (const [file, source] of probes) fs.writeFileSync(path.join(ROOT, file), source + "\n");
  try {
    const r = spawnSync(
      path.join(ROOT, "node_modules/.bin/depcruise"),
      ["--config", ".dependency-cruiser.cjs", "--output-type", "err", "--max-depth", "1", ...probes.map(([f]) => f)],
      { cwd: ROOT, encoding: "utf8" },
    );
    output = r.stdout + r.stderr;
    code = r.status;
  } finally {
    for (const [file] of probes) fs.rmSync(path.join(ROOT, file), { force: true });
  }
});
afterAll(() => {
  for (const [, file] of FORBIDDEN) fs.rmSync(path.join(ROOT, file), { force: true });
});

describe("npm run check:layers", () => {
  it("exits non-zero when a forbidden import is added", () => expect(code).not.toBe(0));

  it.each(FORBIDDEN)("names %s", (_what, file, _source, rule) => {
    const line = output.split("\n").find((l) => l.includes(`${file} →`));
    expect(line, output).toBeDefined();
    expect(line).toContain(rule);
  });

  it("passes an import the table allows", () => {
    expect(output).not.toContain(`${ALLOWED[0]} →`);
  });
});
