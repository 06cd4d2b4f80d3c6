// The OpenAPI document is valid OpenAPI 3.1 (checked by @apidevtools/swagger-parser) and describes
// every route file under app/api/v1 with every method it exports, and nothing that does not exist.
import { describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";

vi.mock("server-only", () => ({}));

const ROOT = path.resolve(import.meta.dirname, "../..");
const V1 = path.join(ROOT, "app/api/v1");

function routeFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) routeFiles(full, out);
    else if (e.name === "route.ts") out.push(full);
  }
  return out;
}

/** app/api/v1/deployments/[id]/plan/route.ts → /api/v1/deployments/{id}/plan */
const openApiPath = (file: string) =>
  "/" +
  path
    .relative(path.join(ROOT, "app"), path.dirname(file))
    .split(path.sep)
    .map((s) => s.replace(/^\[(.+)\]$/, "{$1}"))
    .join("/");

const methodsOf = (file: string) =>
  [...fs.readFileSync(file, "utf8").matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)]
    .map((m) => m[1]!.toLowerCase())
    .sort();

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const { openApiDocument } = await import("./openapi");
    const doc = openApiDocument("http://localhost:3000");
    expect(doc.openapi).toBe("3.1.0");
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    // The validator does check: a response without its description is refused.
    const broken = structuredClone(doc) as {
      paths: Record<string, Record<string, { responses: Record<string, object> }>>;
    };
    broken.paths["/api/v1/deployments"]!.get!.responses["200"] = { content: {} };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("describes every route file under app/api/v1 and every method it exports, and nothing else", async () => {
    const { openApiDocument } = await import("./openapi");
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const onDisk: Record<string, string[]> = {};
    for (const f of routeFiles(V1)) onDisk[openApiPath(f)] = methodsOf(f);
    expect(Object.keys(onDisk).length).toBeGreaterThanOrEqual(14);
    for (const [p, methods] of Object.entries(onDisk)) {
      expect(paths[p], `${p} is not in the OpenAPI document`).toBeDefined();
      expect(Object.keys(paths[p]!).sort(), p).toEqual(methods);
    }
    expect(Object.keys(paths).sort()).toEqual(Object.keys(onDisk).sort());
  });

  it("generates the spec schemas from the zod schemas (v2 with enis, v1 with eni)", async () => {
    const { openApiDocument } = await import("./openapi");
    const schemas = (openApiDocument().components as { schemas: Record<string, { properties?: object }> }).schemas;
    expect(Object.keys(schemas.SpecV2!.properties!)).toContain("enis");
    expect(Object.keys(schemas.SpecV1!.properties!)).toContain("eni");
    expect(JSON.stringify(schemas.Deployment)).toContain("tearing_down");
  });

  it("describes fleets: create (spec or config, ids or tag, rollout), the fleet with its members, and each operation", async () => {
    const { openApiDocument } = await import("./openapi");
    const doc = openApiDocument() as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const { schemas } = doc.components;
    expect(Object.keys(schemas.FleetCreate!.properties!)).toEqual(
      expect.arrayContaining(["name", "cloudAccountId", "regionId", "spec", "configId", "instances", "rollout"]),
    );
    expect(JSON.stringify(schemas.FleetCreate!.properties!.instances)).toContain("tag");
    expect(Object.keys(schemas.Fleet!.properties!)).toEqual(
      expect.arrayContaining(["members", "totals", "pauseReason"]),
    );
    expect(JSON.stringify(schemas.Fleet)).toContain("deploymentId");
    for (const verb of ["plan", "apply", "pause", "resume", "abort", "retry-failed", "teardown", "refresh", "repair"])
      expect(doc.paths[`/api/v1/fleets/{id}/${verb}`]?.post, verb).toBeDefined();
    expect(doc.paths["/api/v1/fleets/{id}/spec"]?.put).toBeDefined();
  });
});
