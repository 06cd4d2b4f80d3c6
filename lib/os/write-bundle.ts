import { createHash } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { BundleFile } from "./bundle";

// Writes a bundle into a directory (the CLI's --out): every file, or — when anything is in the
// way — nothing at all, with an error that names the path and the reason.

export class BundleWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleWriteError";
  }
}

/** "permission denied" out of Node's "EACCES: permission denied, mkdir '/x'". */
export function ioReason(e: unknown): string {
  const msg = (e as Error).message;
  return /^[A-Z]+: ([^,]+),/.exec(msg)?.[1] ?? msg;
}

function kindOf(p: string): "missing" | "dir" | "other" {
  try {
    return statSync(p).isDirectory() ? "dir" : "other";
  } catch {
    try {
      lstatSync(p); // a dangling symlink is in the way too
      return "other";
    } catch {
      return "missing";
    }
  }
}

/** Refuses before anything is written: `out` or a path inside it that cannot take the bundle. */
function checkTargets(out: string, files: BundleFile[]) {
  const dirs = new Set<string>();
  for (const f of files) {
    for (let d = path.dirname(f.path); d !== "."; d = path.dirname(d)) dirs.add(d);
  }
  for (const d of dirs) {
    if (kindOf(path.join(out, d)) === "other")
      throw new BundleWriteError(`${path.join(out, d)} exists and is not a directory`);
  }
  for (const f of files) {
    if (kindOf(path.join(out, f.path)) === "dir")
      throw new BundleWriteError(`${path.join(out, f.path)} is a directory`);
  }
}

/**
 * mkdir -p that records what it created (for the undo) and fails instead of looping: Node 20's
 * recursive mkdirSync spins forever on a path it cannot create under /proc.
 */
function makeDirs(dir: string, created: string[]) {
  const missing: string[] = [];
  let d = dir;
  for (let k = kindOf(d); k !== "dir"; k = kindOf(d)) {
    if (k === "other") throw new BundleWriteError(`${d} exists and is not a directory`);
    missing.unshift(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      throw new BundleWriteError(`cannot create directory ${m}: ${ioReason(e)}`);
    }
    created.push(m);
  }
}

/**
 * Files of an earlier bundle in `root` (listed in its SHA256SUMS) that are still as that bundle
 * wrote them: the ones a new bundle may remove. Anything edited or foreign is kept.
 */
function earlierBundleFiles(root: string): string[] {
  let sums: string;
  try {
    sums = readFileSync(path.join(root, "SHA256SUMS"), "utf8");
  } catch {
    return [];
  }
  const own: string[] = [];
  for (const line of sums.split("\n")) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!m || path.isAbsolute(m[2]!) || path.normalize(m[2]!).split(path.sep).includes("..")) continue;
    try {
      if (
        createHash("sha256")
          .update(readFileSync(path.join(root, m[2]!)))
          .digest("hex") === m[1]
      )
        own.push(m[2]!);
    } catch {
      // gone or unreadable: nothing to remove
    }
  }
  return ["SHA256SUMS", ...own];
}

/**
 * Writes `files` under `out` (created if missing) with their modes; all of them or none. A
 * bundle written there before is replaced: its unchanged files the new one lacks are removed.
 */
export function writeBundleDir(out: string, files: BundleFile[]): void {
  const root = path.resolve(out);
  const created: string[] = [];
  const moved: string[] = [];
  let earlier: string[] = [];
  let staging: string | undefined;
  try {
    if (kindOf(root) === "other") throw new BundleWriteError(`${out} exists and is not a directory`);
    checkTargets(root, files);
    earlier = earlierBundleFiles(root);
    makeDirs(root, created);
    try {
      staging = mkdtempSync(path.join(root, ".routes-"));
    } catch (e) {
      throw new BundleWriteError(`cannot write in ${out}: ${ioReason(e)}`);
    }
    // Everything is written next to its destination first, so a failure leaves `out` as it was.
    for (const f of files) {
      const tmp = path.join(staging, f.path);
      try {
        mkdirSync(path.dirname(tmp), { recursive: true });
        writeFileSync(tmp, f.content, { mode: parseInt(f.mode, 8) });
        chmodSync(tmp, parseInt(f.mode, 8)); // the umask must not weaken or widen the mode
      } catch (e) {
        throw new BundleWriteError(`cannot write ${path.join(out, f.path)}: ${ioReason(e)}`);
      }
    }
    for (const f of files) {
      const dst = path.join(root, f.path);
      try {
        makeDirs(path.dirname(dst), created);
        const existed = kindOf(dst) !== "missing";
        renameSync(path.join(staging, f.path), dst);
        if (!existed) moved.push(dst);
      } catch (e) {
        throw e instanceof BundleWriteError ? e : new BundleWriteError(`cannot write ${dst}: ${ioReason(e)}`);
      }
    }
  } catch (e) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    staging = undefined;
    for (const m of moved) rmSync(m, { force: true });
    for (const d of created.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // not empty (someone else wrote there) or already gone: leave it
      }
    }
    throw e;
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
  // The new bundle is complete: drop what only the earlier one had (e.g. another distro's files).
  const now = new Set(files.map((f) => f.path));
  for (const p of earlier.filter((e) => !now.has(e))) {
    rmSync(path.join(root, p), { force: true });
    for (let d = path.dirname(p); d !== "."; d = path.dirname(d)) {
      try {
        rmdirSync(path.join(root, d));
      } catch {
        break; // not empty: it holds something else
      }
    }
  }
}
