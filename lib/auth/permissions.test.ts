import { describe, expect, it } from "vitest";
import { CAN, can, ROLES } from "./permissions";

describe("permission table", () => {
  it("gives each role exactly its documented powers", () => {
    const powers = (role: string) =>
      Object.keys(CAN)
        .filter((c) => can(role, c as keyof typeof CAN))
        .sort();
    expect(powers("viewer")).toEqual([
      "account.manage",
      "apiTokens.create",
      "audit.read",
      "cloudAccounts.read",
      "configs.read",
      "deployments.read",
      "team.leave",
    ]);
    expect(powers("operator")).toEqual([...powers("viewer"), "deployments.apply"].sort());
    expect(powers("admin")).toEqual(
      [
        ...powers("operator"),
        "apiTokens.manage",
        "cloudAccounts.manage",
        "configs.manage",
        "members.manage",
        "notifications.manage",
        "shareLinks.manage",
        "team.security",
      ].sort(),
    );
    // The owner may do all an admin may, except leave (ownership must be transferred first).
    expect(powers("owner")).toEqual(
      [...powers("admin").filter((c) => c !== "team.leave"), "members.sessions", "team.delete", "team.transfer"].sort(),
    );
  });

  it("denies unknown roles everything", () => {
    for (const capability of Object.keys(CAN)) expect(can("member", capability as keyof typeof CAN)).toBe(false);
    expect(ROLES).toHaveLength(4);
  });
});
