import { describe, expect, it } from "vitest";
import { currentView } from "./deployment-keys";

const view = (status: string, updatedAt: string) => ({ status, updatedAt });

describe("currentView (what the deployment page shows when it opens)", () => {
  it("shows the run a change just started, not the succeeded view cached from an earlier visit", () => {
    const cached = view("succeeded", "2026-12-08T03:00:00.000Z");
    const rendered = view("running", "2026-12-08T03:02:10.000Z");
    expect(currentView(cached, rendered).status).toBe("running");
  });
  it("keeps a cached view newer than the server's render (polled after the page was rendered)", () => {
    const rendered = view("running", "2026-12-08T03:02:10.000Z");
    const cached = view("succeeded", "2026-12-08T03:02:30.000Z");
    expect(currentView(cached, rendered).status).toBe("succeeded");
  });
  it("without a cached view, the server's", () => {
    expect(currentView(undefined, view("running", "2026-12-08T03:02:10.000Z")).status).toBe("running");
  });
});
