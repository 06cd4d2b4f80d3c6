// Prisma sends startsWith / contains / endsWith as LIKE without escaping LIKE's
// own wildcards, so a user's "%" or "_" would match anything. Text passed
// through likeLiteral matches as typed (backslash is PostgreSQL's LIKE escape).
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}
