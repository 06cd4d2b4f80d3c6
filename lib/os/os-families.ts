// The guest OS families EIPilot generates configuration for. No imports: the
// wizard's client bundle uses this list without pulling in a schema library.
export const OS_FAMILIES = ["alinux2", "centos7", "alinux3", "rhel9", "ubuntu", "debian", "generic"] as const;
export type OsFamily = (typeof OS_FAMILIES)[number];
