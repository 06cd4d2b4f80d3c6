// npm run emulator -- --port <P> [--seed f] [--state f] [--faults json|file] [--latencies json|file|zero]
//                     [--access-key-id id --access-key-secret s]
import { parseArgs } from "node:util";
import { ZERO_LATENCIES, type Latencies } from "./engine";
import { startEmulator } from "./server";
import { readFileSync } from "node:fs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    seed: { type: "string" },
    state: { type: "string" },
    faults: { type: "string" },
    latencies: { type: "string" },
    "access-key-id": { type: "string" },
    "access-key-secret": { type: "string" },
    "no-demo-credentials": { type: "boolean", default: false },
  },
  strict: true,
});

function latencies(v: string | undefined): Partial<Latencies> | undefined {
  if (!v) return undefined;
  if (v === "zero" || v === "0") return ZERO_LATENCIES;
  const t = v.trim();
  return JSON.parse(t.startsWith("{") ? t : readFileSync(t, "utf8")) as Partial<Latencies>;
}

if (!!values["access-key-id"] !== !!values["access-key-secret"]) {
  console.error("--access-key-id and --access-key-secret go together");
  process.exit(2);
}

const emu = await startEmulator({
  port: Number(values.port),
  seed: values.seed,
  statePath: values.state,
  faults: values.faults,
  latencies: latencies(values.latencies),
  credentials: values["access-key-id"] ? [{ accessKeyId: values["access-key-id"], accessKeySecret: values["access-key-secret"]! }] : [],
  demoCredentials: !values["no-demo-credentials"],
});
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
