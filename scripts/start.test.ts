// `npm start` refuses at once, with a sentence saying what to do, when it cannot
// serve: the port is taken, or another EIPilot runs on the same data directory
// (a second process on the embedded database's files). It refuses before the
// build and the migrations, and leaves the data directory as it was.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const START = path.join(import.meta.dirname, "start.mjs");

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [START], {
      env: { ...process.env, EMULATOR_LAB: "off", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // Should it go on to build or serve, the test fails on the exit code, not on a hang.
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0);
  await new Promise((r) => s.once("listening", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "eipilot-start-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("npm start refuses what it cannot serve", () => {
  it("names the port that is taken and how to choose another, touching nothing", async () => {
    const busy = net.createServer().listen(0);
    await new Promise((r) => busy.once("listening", r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await start({ PORT: String(port), DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} is already in use`);
      expect(r.stderr).toContain("PORT=<port> npm start");
      expect(r.stdout).not.toContain("building");
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      busy.close();
    }
  });

  it("says so when PORT is not a port number", async () => {
    const r = await start({ PORT: "30OO", DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("port 30OO is not a port number (1–65535)");
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it("will not open a data directory another running EIPilot holds", async () => {
    // A process whose command line names start.mjs stands for the running server.
    const running = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "--", "scripts/start.mjs"], {
      stdio: "ignore",
    });
    try {
      fs.writeFileSync(path.join(dataDir, "eipilot.pid"), `${running.pid}\n`);
      const r = await start({ PORT: String(await freePort()), DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`another EIPilot (pid ${running.pid}) is running with the data directory ${dataDir}`);
      expect(r.stdout).not.toContain("migrations");
      expect(fs.readdirSync(dataDir)).toEqual(["eipilot.pid"]);
      expect(fs.readFileSync(path.join(dataDir, "eipilot.pid"), "utf8").trim()).toBe(String(running.pid));
    } finally {
      running.kill();
    }
  });
});
