// The emulator as a program: `startEmulator()` composes the engine (the world and its
// transitions), lab mode, faults, persistence and the HTTP front end (http/: signature
// checks, RPC dispatch, admin API) and returns the programmatic handle.
import { existsSync, readFileSync } from "node:fs";
import { applyDrift, type DriftOp } from "./drift";
import { Engine, DEMO_LATENCIES, type CommandRunner, type Latencies } from "./engine";
import { Faults, type FaultSpecInput } from "./faults";
import { adminHandler, type AdminContext } from "./http/admin-api";
import { apiHandler } from "./http/api-dispatch";
import { listenHttp } from "./http/http-server";
import { RequestLog, type RequestLogEntry } from "./http/request-log";
import { SignatureCheck } from "./http/signature-check";
import { LabWorld } from "./lab/lab-world";
import { LAB_MODE_TOOLS, labUnavailable } from "./lab/netns";
import type { World } from "./model";
import { DEFAULT_SEED, type Seed } from "./seed";
import { StateFile } from "./state-file";

// Part of this module's public API since before the split into http/.
export { ECS_VERSION, VPC_VERSION } from "./http/api-dispatch";
export type { DriftOp } from "./drift";
export type { RequestLogEntry } from "./http/request-log";

export const DEMO_ACCESS_KEY_ID = "LTAI5tEIPilotDemoKey01";
export const DEMO_ACCESS_KEY_SECRET = "EIPilotDemoSecretNotForProduction01";

export type Credential = { accessKeyId: string; accessKeySecret: string };

export type EmulatorOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed object or path to a seed JSON file; default: the demo world. */
  seed?: Seed | string;
  /** Persist the world to this file (loaded at start if it exists). */
  statePath?: string;
  /** Fault spec object, JSON string or path to a JSON file. */
  faults?: FaultSpecInput | string;
  latencies?: Partial<Latencies>;
  /** Extra AccessKey pairs; the demo pair is always accepted unless `demoCredentials: false`. */
  credentials?: Credential[];
  demoCredentials?: boolean;
  /** Lab-mode hook: executes Cloud Assistant scripts. Without it, agents are "not running". */
  runner?: CommandRunner | null;
  /**
   * Lab mode (Linux + root): back every instance with network namespaces wired like the VPC
   * and run Cloud Assistant scripts inside them (see emulator/lab/). Throws when it cannot.
   */
  lab?: boolean;
  /** Log lines of lab mode (default: none). */
  labLog?: (msg: string) => void;
  /** Size of the in-memory request log (default 2000). */
  requestLogSize?: number;
  now?: () => number;
};

export type EmulatorHandle = {
  url: string;
  port: number;
  /** "127.0.0.1:PORT" — what the SDK Config's `endpoint` takes. */
  endpoint: string;
  engine: Engine;
  faults: Faults;
  /** The namespace lab in lab mode, else null. */
  lab: LabWorld | null;
  close(): Promise<void>;
  reset(): void;
  setFaults(spec: FaultSpecInput): void;
  setLatencies(l: Partial<Latencies>): void;
  /** Complete every pending (or stuck) transition now. */
  settle(): number;
  requests(): RequestLogEntry[];
  state(): World;
  /** Change the world behind the client's back (drift), see README. */
  drift(op: DriftOp): void;
};

/** JSON text or a JSON file; errors name what was being read (`what`: "seed", "faults", "state"). */
function readJsonArg<T>(v: T | string | undefined, what: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") return v;
  const t = v.trim();
  const inline = t.startsWith("{") || t.startsWith("[");
  try {
    return JSON.parse(inline ? t : readFileSync(t, "utf8")) as T;
  } catch (e) {
    throw new Error(`${what} ${inline ? "JSON" : `file ${t}`}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The engine on the seed's world, or on the saved world when the state file exists. */
function createEngine(options: EmulatorOptions, now: () => number): Engine {
  const seed = readJsonArg<Seed>(options.seed, "seed") ?? DEFAULT_SEED;
  let world: World | undefined;
  if (options.statePath && existsSync(options.statePath)) world = readJsonArg<World>(options.statePath, "state");
  return new Engine(seed, {
    latencies: { ...DEMO_LATENCIES, ...options.latencies },
    runner: options.runner ?? null,
    now,
    world,
  });
}

/** Lab mode: the namespace lab runs the engine's Cloud Assistant scripts and mirrors its world. */
async function startLab(engine: Engine, labLog: EmulatorOptions["labLog"]): Promise<LabWorld> {
  const why = labUnavailable(LAB_MODE_TOOLS);
  if (why) throw new Error(`lab mode unavailable: ${why}`);
  const lab = new LabWorld(engine, labLog);
  engine.runner = lab;
  engine.observers.add(lab);
  try {
    await lab.start();
  } catch (e) {
    await lab.close();
    throw e;
  }
  return lab;
}

/** AccessKeyId → AccessKeySecret: the demo pair (unless turned off) and the configured ones. */
function credentialMap(options: EmulatorOptions): Map<string, string> {
  const creds = new Map<string, string>();
  if (options.demoCredentials !== false) creds.set(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET);
  for (const c of options.credentials ?? []) creds.set(c.accessKeyId, c.accessKeySecret);
  return creds;
}

/** The operations the admin API and the programmatic handle share. */
function createControls(
  parts: Pick<AdminContext, "engine" | "faults" | "lab" | "log" | "changed">,
  signatures: SignatureCheck,
): AdminContext {
  const { engine, faults, changed } = parts;
  return {
    ...parts,
    reset() {
      engine.reset();
      signatures.clearNonces();
      engine.emit({ type: "world", reason: "reset" });
      changed();
    },
    setFaults(spec) {
      faults.set(spec);
    },
    setLatencies(l) {
      Object.assign(engine.latencies, l);
    },
    settle() {
      return engine.tick(true);
    },
    state() {
      engine.tick();
      return structuredClone(engine.world);
    },
    drift(d) {
      applyDrift(engine, d);
      changed();
    },
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const now = options.now ?? Date.now;
  const engine = createEngine(options, now);
  const lab = options.lab ? await startLab(engine, options.labLog) : null;
  const faults = new Faults(readJsonArg<FaultSpecInput>(options.faults, "faults") ?? {});
  engine.transitionHook = (kind) => faults.transition(kind);

  const stateFile = new StateFile(options.statePath, engine);
  const changed = stateFile.changed;
  engine.onChange = changed;
  // Wake up when a transition is due so that persisted state and runner deliveries stay current.
  const ticker = setInterval(() => engine.tick(), 250);
  ticker.unref();
  const signatures = new SignatureCheck(credentialMap(options), now);
  const log = new RequestLog(options.requestLogSize ?? 2000);

  const controls = createControls({ engine, faults, lab, log, changed }, signatures);
  const http = await listenHttp(
    { api: apiHandler({ engine, faults, signatures, log, now, changed }), admin: adminHandler(controls) },
    options.port ?? 0,
  );

  const handle: EmulatorHandle = {
    url: `http://127.0.0.1:${http.port}`,
    port: http.port,
    endpoint: `127.0.0.1:${http.port}`,
    engine,
    faults,
    lab,
    async close() {
      clearInterval(ticker);
      signatures.close();
      stateFile.saveNow();
      await http.close();
      await lab?.close();
    },
    reset: controls.reset,
    setFaults: controls.setFaults,
    setLatencies: controls.setLatencies,
    settle: controls.settle,
    requests: () => log.all(),
    state: controls.state,
    drift: controls.drift,
  };
  stateFile.saveNow();
  return handle;
}
