import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("configuration", () => {
  it("derives the app's URL from PORT unless APP_URL is set", () => {
    expect(parseEnv({ NODE_ENV: "production" }).APP_URL).toBe("http://localhost:3000");
    expect(parseEnv({ NODE_ENV: "production", PORT: "3200" }).APP_URL).toBe("http://localhost:3200");
    expect(parseEnv({ NODE_ENV: "production", PORT: "3200", APP_URL: "https://eipilot.example.com" }).APP_URL).toBe(
      "https://eipilot.example.com",
    );
  });

  it("refuses a port that is not one", () => {
    expect(() => parseEnv({ NODE_ENV: "production", PORT: "http" })).toThrow();
    expect(() => parseEnv({ NODE_ENV: "production", PORT: "70000" })).toThrow();
  });
});
