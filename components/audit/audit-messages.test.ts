// Counts the audit and config pages show read as English in the singular too
// ("1 event shown", not "1 events shown"), and as before in Japanese.
import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import { loadMessages } from "@/lib/i18n/messages";

// The loaded messages are untyped: the keys are plain strings here.
type T = (key: string, values?: Record<string, number>) => string;
const tr = (locale: "en" | "ja") => createTranslator({ locale, messages: loadMessages(locale) }) as unknown as T;

describe("counts in audit and config messages", () => {
  it("English says one event, one config", () => {
    const t = tr("en");
    expect(t("audit.shown", { count: 1 })).toBe("1 event shown");
    expect(t("audit.shown", { count: 71 })).toBe("71 events shown");
    expect(t("audit.verify.ok", { count: 1, ms: 3 })).toBe("Chain intact: 1 event verified in 3 ms.");
    expect(t("audit.verify.ok", { count: 73, ms: 58 })).toBe("Chain intact: 73 events verified in 58 ms.");
    expect(t("configs.import.done", { count: 1 })).toBe("Imported 1 config.");
    expect(t("configs.import.done", { count: 2 })).toBe("Imported 2 configs.");
  });

  it("Japanese is unchanged", () => {
    expect(tr("ja")("audit.shown", { count: 1 })).toBe("1 件を表示中");
  });
});

describe("integrity findings", () => {
  const codes = [
    "signatureInvalid",
    "unknownKey",
    "checkpointMissing",
    "linkBroken",
    "eventAltered",
    "eventsDeleted",
    "checkpointOverdue",
    "recordedCheckpointMissing",
  ];
  const values = { checkpoint: 3, seq: 25, head: 22, from: 21, every: 100, keyId: "SHA256:abc", newest: 2 } as never;

  it.each(["en", "ja"] as const)("each finding reads in %s with its numbers, and differs from English", (locale) => {
    const t = tr(locale);
    for (const code of codes) {
      const text = t(`audit.verify.findings.${code}`, values);
      expect(text).not.toContain("audit.verify");
      expect(text).toMatch(/#3|#25|#21|SHA256:abc/);
      if (locale === "ja") expect(text).not.toBe(tr("en")(`audit.verify.findings.${code}`, values));
    }
    expect(t("audit.verify.covered", { count: 2, lastSeq: 200 })).toContain("200");
  });

  it("events after the newest checkpoint are counted, not failed, in both languages", () => {
    expect(tr("en")("audit.verify.uncovered", { count: 1, from: 201, to: 201 })).toBe(
      "One event, #201, is not yet covered by a signed checkpoint: the hash chain links it, and the next checkpoint signs it.",
    );
    expect(tr("en")("audit.verify.uncovered", { count: 7, from: 201, to: 207 })).toBe(
      "7 events, #201–#207, are not yet covered by a signed checkpoint: the hash chain links them, and the next checkpoint signs them.",
    );
    expect(tr("ja")("audit.verify.uncovered", { count: 7, from: 201, to: 207 })).toBe(
      "7 件のイベント (#201–#207) は、まだ署名付きチェックポイントで保護されていません。ハッシュチェーンではつながっており、次のチェックポイントで署名されます。",
    );
  });

  it("English names what happened", () => {
    const t = tr("en");
    expect(t("audit.verify.findings.eventsDeleted", values)).toBe(
      "Checkpoint #3 covers events up to #25, but the trail ends at #22: the newest events were deleted.",
    );
    expect(t("audit.verify.covered", { count: 1, lastSeq: 100 })).toBe(
      "1 signed checkpoint holds; the newest covers events up to #100.",
    );
  });
});
