// Who may do what, in one table. Every server action, page and route handler
// checks a capability from here against the membership read from the database.
export const ROLES = ["owner", "admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const CAN = {
  "deployments.read": ["owner", "admin", "operator", "viewer"],
  "deployments.apply": ["owner", "admin", "operator"],
  "configs.read": ["owner", "admin", "operator", "viewer"],
  "configs.manage": ["owner", "admin"],
  "audit.read": ["owner", "admin", "operator", "viewer"],
  // Any member may make an API token for themselves, with a role no higher than their own (lib/auth/api-tokens.ts).
  "apiTokens.create": ["owner", "admin", "operator", "viewer"],
  // Revoke another member's token.
  "apiTokens.manage": ["owner", "admin"],
  "cloudAccounts.read": ["owner", "admin", "operator", "viewer"],
  "cloudAccounts.manage": ["owner", "admin"],
  "members.manage": ["owner", "admin"],
  "shareLinks.manage": ["owner", "admin"],
  // Team webhooks and the scheduled drift check (settings → team).
  "notifications.manage": ["owner", "admin"],
  // The owner cannot leave: ownership goes to another member first.
  "team.leave": ["admin", "operator", "viewer"],
  "team.delete": ["owner"],
  "team.transfer": ["owner"],
  "team.security": ["owner", "admin"],
  // One's own account (sign-in sessions, two-factor sign-in): everyone, whatever the team asks of them.
  "account.manage": ["owner", "admin", "operator", "viewer"],
  // Signing a member out everywhere (a lost laptop, a leaver): the owner.
  "members.sessions": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAN;

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: string, capability: Capability): boolean {
  return isRole(role) && (CAN[capability] as readonly Role[]).includes(role);
}

/** Roles a team's "owners and admins must use two-factor sign-in" setting applies to. */
export const TWO_FACTOR_ROLES: readonly Role[] = ["owner", "admin"];

/**
 * Whether a capability changes something (what the two-factor requirement guards). Reads stay open, and so
 * does one's own account: that is where the second factor is turned on.
 */
export function isChange(capability: Capability): boolean {
  return !capability.endsWith(".read") && capability !== "account.manage";
}
