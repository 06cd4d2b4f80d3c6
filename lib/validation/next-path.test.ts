import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath: ?next= after sign-in only leads within the app", () => {
  it.each([
    "/",
    "/deployments/abc?tab=plan#steps",
    "/invite/inv_123",
    "/audit?q=eip-1%20x",
    "/configs/%E6%A7%8B%E6%88%90",
  ])("keeps the app's own path %s", (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    ["a backslash after the slash", "/\\evil.example"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["an encoded backslash, lower case", "/%5cevil.example"],
    ["an encoded slash", "/%2F/evil.example"],
    ["two encoded slashes", "/%2F%2Fevil.example"],
    ["a double-encoded slash", "/%252F%252Fevil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["a tab between the slashes", "/\t/evil.example"],
    ["a line feed between the slashes", "/\n/evil.example"],
    ["an encoded tab", "/%09/evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["an encoded javascript: URL", "javascript%3Aalert(1)"],
    ["an absolute URL", "https://evil.example/"],
    ["a scheme without slashes", "https:evil.example"],
    ["a relative path", "deployments"],
    ["an empty value", ""],
  ])("refuses %s", (_what, path) => {
    expect(safeNextPath(path)).toBe("/");
  });

  it("refuses no value and a value too long to be a link of ours", () => {
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath("/" + "a".repeat(3000))).toBe("/");
  });
});
