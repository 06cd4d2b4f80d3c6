// The messages EIPilot writes itself on a config revision (saved from a deployment, duplicated, imported).
// They are stored in one form (English, as rows written before this existed already are) and shown in the
// reader's language: a Japanese team reads 「デプロイ … から保存」, not "Saved from deployment …".
// A message the user typed is shown as typed.

/** The stored form of each default message; the only place that writes them. */
export const defaultRevisionMessage = {
  savedFromDeployment: (deploymentId: string) => `Saved from deployment ${deploymentId}`,
  duplicatedFrom: (name: string, revision: number) => `Duplicated from ${name} revision ${revision}`,
  importedRevision: (revision: number) => `Imported revision ${revision}`,
};

export type DefaultMessageKey = keyof typeof defaultRevisionMessage;
type Text = (key: DefaultMessageKey, values: Record<string, string | number>) => string;

const PATTERNS: Array<[DefaultMessageKey, RegExp, (m: RegExpExecArray) => Record<string, string | number>]> = [
  ["savedFromDeployment", /^Saved from deployment (\S+)$/, (m) => ({ deploymentId: m[1]! })],
  ["duplicatedFrom", /^Duplicated from (.+) revision (\d+)$/s, (m) => ({ name: m[1]!, revision: Number(m[2]) })],
  ["importedRevision", /^Imported revision (\d+)$/, (m) => ({ revision: Number(m[1]) })],
];

/** A revision's message in the reader's language when EIPilot wrote it, else as stored. */
export function revisionMessageText(message: string, t: Text): string {
  for (const [key, re, values] of PATTERNS) {
    const m = re.exec(message);
    if (m) return t(key, values(m));
  }
  return message;
}
