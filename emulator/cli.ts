// npm run emulator -- --port <P> [--seed f] [--state f] [--faults json|file] [--latencies json|file|zero]
//                     [--access-key-id id --access-key-secret s] [--lab]
import { parseArgs } from "node:util";
import { ZERO_LATENCIES, type Latencies } from "./engine";
import { startEmulator } from "./server";
import { LAB_MODE_TOOLS, labUnavailable } from "./lab/netns";
import { readFileSync } from "node:fs";

const USAGE =
  "usage: npm run emulator -- --port <P> [--seed <file>] [--state <file>] [--faults <json|file>] [--latencies <json|file|zero>]\n" +
  "                           [--access-key-id <id> --access-key-secret <secret>] [--no-demo-credentials] [--lab]";

/** Bad input: one clear line (no stack trace) and exit code 2, like other command-line tools. */
function usageError(msg: string): never {
  console.error(`emulator: ${msg}\n${USAGE}`);
  process.exit(2);
}

const OPTIONS = {
  port: { type: "string", default: "0" },
  seed: { type: "string" },
  state: { type: "string" },
  faults: { type: "string" },
  latencies: { type: "string" },
  "access-key-id": { type: "string" },
  "access-key-secret": { type: "string" },
  "no-demo-credentials": { type: "boolean", default: false },
  lab: { type: "boolean", default: false },
} as const;

function parse() {
  try {
    return parseArgs({ options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    return usageError(e instanceof Error ? e.message : String(e));
  }
}

const { values } = parse();

function latencies(v: string | undefined): Partial<Latencies> | undefined {
  if (!v) return undefined;
  if (v === "zero" || v === "0") return ZERO_LATENCIES;
  const t = v.trim();
  try {
    return JSON.parse(t.startsWith("{") ? t : readFileSync(t, "utf8")) as Partial<Latencies>;
  } catch (e) {
    return usageError(`--latencies: ${e instanceof Error ? e.message : String(e)}`);
  }
}

if (!!values["access-key-id"] !== !!values["access-key-secret"])
  usageError("--access-key-id and --access-key-secret go together");
if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535)
  usageError(`--port must be a number from 0 to 65535 (0 picks a free port), not "${values.port}"`);

// Lab mode is best effort on the command line: say clearly why it is off and carry on.
let lab = values.lab;
if (lab) {
  const why = labUnavailable(LAB_MODE_TOOLS);
  if (why) {
    console.log(`lab mode: off (${why})`);
    lab = false;
  }
}

// A seed or state file that cannot be read, a port in use…: say what, without a stack trace.
const emu = await startEmulator({
  lab,
  labLog: (msg) => console.log(`lab: ${msg}`),
  port: Number(values.port),
  seed: values.seed,
  statePath: values.state,
  faults: values.faults,
  latencies: latencies(values.latencies),
  credentials: values["access-key-id"]
    ? [{ accessKeyId: values["access-key-id"], accessKeySecret: values["access-key-secret"]! }]
    : [],
  demoCredentials: !values["no-demo-credentials"],
}).catch((e: unknown) => {
  console.error(`emulator: cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
if (emu.lab)
  console.log(
    `lab mode: on (instances are network namespaces ${emu.lab.prefix}-*; what-is-my-IP service at ${emu.lab.echoUrl})`,
  );
console.log(`listening on ${emu.url}`);

let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  await emu.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// Whatever happens, leave no namespaces behind (a crash is also cleaned at the next start).
process.on("exit", () => emu.lab?.closeSync());
process.on("uncaughtException", (e) => {
  console.error("[emulator] fatal", e);
  process.exit(1);
});
