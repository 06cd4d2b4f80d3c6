// `npm start`: build if needed, apply migrations, start the emulator in demo
// mode, then serve the production build on http://localhost:3000.
// Demo mode = no real Alibaba Cloud credentials configured (see README).
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const port = env.PORT ?? "3000";
const dataDir = path.resolve(env.DATA_DIR ?? "data");
const cloudMode =
  env.EIPILOT_MODE === "cloud" || (env.EIPILOT_MODE !== "demo" && Boolean(env.ALIBABA_CLOUD_ACCESS_KEY_ID));
// Only the embedded database and the demo emulator keep state in DATA_DIR: replicas on PostgreSQL in cloud mode may share it.
const embeddedState = !cloudMode || !/^postgres(ql)?:\/\//.test(env.DATABASE_URL?.trim() ?? "");
const log = (msg) => console.log(`[eipilot] ${msg}`);
const children = [];

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  const stat = fs.statSync(dir);
  if (!stat.isDirectory()) return stat.mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "generated", "data"].includes(entry.name) || entry.name.endsWith(".test.ts"))
      continue;
    newest = Math.max(newest, newestMtime(path.join(dir, entry.name)));
  }
  return newest;
}

function needsBuild() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = [
    "app",
    "components",
    "lib",
    "messages",
    "proxy.ts",
    "next.config.js",
    "package-lock.json",
    "instrumentation.ts",
  ];
  return sources.some((s) => newestMtime(path.join(root, s)) > built);
}

/** Runs a step (build, migrations) as a child that a shutdown stops too; exits with its code when it fails. */
function run(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
    children.push(child);
    child.on("exit", (code, signal) => {
      children.splice(children.indexOf(child), 1);
      if (stopping) return;
      if (code !== 0) {
        console.error(`[eipilot] ${cmd} ${args.join(" ")} failed (exit ${code ?? signal})`);
        process.exit(code ?? 1);
      }
      resolve();
    });
  });
}

/** Why the port cannot be listened on (null: it can); Next would only find out after the build and the migrations. */
function portProblem(p) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (e) =>
      resolve(
        e.code === "EADDRINUSE"
          ? "is already in use; stop what listens there, or choose another port"
          : `cannot be listened on (${e.code})`,
      ),
    );
    probe.listen(Number(p), () => probe.close(() => resolve(null)));
  });
}

/**
 * One server per data directory: the embedded database (PGlite) and the
 * emulator's state file belong to one process at a time, and a second
 * `npm start` on the same directory would open them as well. A lock file holds
 * the owner's pid; one left by a process that is gone is taken over.
 */
function lockDataDir() {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = path.join(dataDir, "eipilot.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      process.on("exit", () => {
        try {
          if (fs.readFileSync(lock, "utf8").trim() === String(process.pid)) fs.rmSync(lock);
        } catch {
          // already gone (the directory was removed under us)
        }
      });
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(lock, "utf8").trim());
      if (owner && isOtherEipilot(owner)) {
        console.error(
          `[eipilot] another EIPilot (pid ${owner}) is running with the data directory ${dataDir}; stop it first, or give this one its own: DATA_DIR=<dir> npm start`,
        );
        process.exit(1);
      }
      fs.rmSync(lock, { force: true }); // stale: its process is gone
    }
  }
  console.error(`[eipilot] could not take ${lock}: another EIPilot is starting with the same data directory`);
  process.exit(1);
}

/**
 * Whether `pid` is another EIPilot's `npm start`. A lock left by a killed server may name a pid
 * that now belongs to this process or to something else (a restarted container counts from 1 again).
 */
function isOtherEipilot(pid) {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== "EPERM") return false; // gone (EPERM: exists, owned by someone else)
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("start.mjs");
  } catch {
    return true; // no /proc (not Linux): a living pid is taken at its word
  }
}

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down…`);
  for (const child of children) child.kill("SIGTERM");
  // The lab removes its network namespaces on SIGTERM: give the children time, then go.
  const deadline = setTimeout(() => process.exit(0), 8000);
  deadline.unref();
  const waitForChildren = setInterval(() => {
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(0);
  }, 100);
  waitForChildren.unref();
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
// `npm start` passes SIGINT on to this process but not SIGTERM: npm exits and
// leaves its script behind (with the server, the emulator and the lab's
// namespaces). Run by npm, this process therefore also stops when npm is gone.
if (process.env.npm_lifecycle_event === "start") {
  const npmPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== npmPid) shutdown("npm exited");
  }, 500).unref();
}

// Refuse before the build and the migrations, which take minutes and touch the data directory.
const problem =
  /^\d{1,5}$/.test(port) && Number(port) < 65536 ? await portProblem(port) : "is not a port number (1–65535)";
if (problem) {
  console.error(`[eipilot] port ${port} ${problem}: PORT=<port> npm start`);
  process.exit(1);
}
if (embeddedState) lockDataDir();

const nodeBin = process.execPath;
const tsx = ["--import", "tsx"];

if (needsBuild()) {
  log("building the production bundle (first start or sources changed)…");
  await run(nodeBin, [path.join(root, "node_modules/next/dist/bin/next"), "build"]);
}

log("applying database migrations…");
await run(nodeBin, ["--experimental-wasm-modules", "--no-warnings", ...tsx, "lib/db/migrate-cli.ts", "apply"]);

async function startEmulator() {
  const args = [
    ...tsx,
    "emulator/cli.ts",
    "--port",
    env.EMULATOR_PORT ?? "0",
    "--state",
    path.join(dataDir, "emulator-state.json"),
  ];
  // Lab mode (instances backed by network namespaces, Cloud Assistant runs for real) when it can.
  const labOff =
    env.EMULATOR_LAB === "off"
      ? "EMULATOR_LAB=off"
      : process.platform !== "linux"
        ? "needs Linux"
        : process.getuid?.() !== 0
          ? "needs root (ip netns); run npm start as root to get it"
          : !fs.existsSync("emulator/lab")
            ? "emulator/lab is missing"
            : null;
  if (labOff)
    log(
      `emulator lab mode: off (${labOff}); Cloud Assistant agents are reported offline, guest bundles are applied by hand`,
    );
  else args.push("--lab");
  const child = spawn(nodeBin, args, { stdio: ["ignore", "pipe", "inherit"], env });
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("emulator did not start within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`emulator exited with code ${code}`)));
    lines.on("line", (line) => {
      console.log(`[emulator] ${line}`);
      const lab = line.match(/^lab mode: (on|off) \((.*)\)$/);
      if (lab) {
        const url = lab[2].match(/what-is-my-IP service at (http:\/\/\S+)/);
        if (url) echoUrl = url[1];
        log(
          lab[1] === "on"
            ? `emulator lab mode: on — instances are network namespaces, Cloud Assistant runs scripts in them; what-is-my-IP at ${echoUrl}`
            : `emulator lab mode: off (${lab[2]})`,
        );
      }
      const m = line.match(/listening on http:\/\/(127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

let emulatorEndpoint;
let echoUrl;
if (cloudMode) {
  log("Alibaba Cloud credentials configured: real cloud mode, no emulator.");
} else {
  emulatorEndpoint = await startEmulator();
  log(`demo mode: Alibaba Cloud emulator at http://${emulatorEndpoint}`);
  fs.writeFileSync(path.join(dataDir, "emulator-endpoint"), emulatorEndpoint + "\n"); // read by e2e tests (fault injection)
}

// scripts/server.mjs rather than `next start`: the client address comes from the socket (see there).
const next = spawn(nodeBin, [path.join(root, "scripts/server.mjs")], {
  stdio: "inherit",
  env: {
    ...env,
    PORT: port,
    NODE_ENV: "production",
    ...(emulatorEndpoint ? { EMULATOR_ENDPOINT: emulatorEndpoint } : {}),
    ...(echoUrl ? { EMULATOR_ECHO_URL: echoUrl } : {}),
  },
});
children.push(next);
log(`serving on http://localhost:${port}`);

next.on("exit", (code) => {
  for (const child of children) if (child !== next) child.kill("SIGTERM");
  process.exit(stopping ? 0 : (code ?? 1));
});
