import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tarArchive } from "./tar";

describe("tarArchive", () => {
  it("writes an archive tar(1) extracts with contents and modes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tar-"));
    const long = `${"d".repeat(60)}/${"e".repeat(60)}/file.conf`;
    const tar = tarArchive([
      { path: "b/apply.sh", content: "#!/bin/sh\necho 日本\n", mode: "0755" },
      { path: `b/${long}`, content: "x".repeat(700), mode: "0644" },
    ]);
    expect(tar.length % 512).toBe(0);
    fs.writeFileSync(path.join(dir, "b.tar"), tar);
    execFileSync("tar", ["-xf", "b.tar"], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, "b/apply.sh"), "utf8")).toBe("#!/bin/sh\necho 日本\n");
    expect(fs.statSync(path.join(dir, "b/apply.sh")).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(dir, "b", long), "utf8")).toHaveLength(700);
  });
});
