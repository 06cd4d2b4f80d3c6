// Child processes of this process, read from /proc (Linux): used to see the
// audit export's own processes (lib/audit/export.process.mjs) in tests and the benchmark.
import { readdirSync, readFileSync } from "node:fs";

/** The /proc/<pid>/status text of each live (not zombie) child of this process whose command line names `script`. */
export function childProcessStatuses(script: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid || /^State:\s+Z/m.test(status)) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(script)) found.push(status);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
