// The emulator as a program: `startEmulator()` composes the engine (the world and its
// transitions), lab mode, faults, persistence and the HTTP front end (http/: signature
// checks, RPC dispatch, admin API) and returns the programmatic handle.
import { existsSync, readFileSync } from "node:fs";
import type { DriftOp } from "./drift";
import { Engine, DEMO_LATENCIES, type CommandRunner, type Latencies } from "./engine";
import { Faults, type FaultSpecInput } from "./faults";
import { adminHandler } from "./http/admin-api";
import { apiHandler } from "./http/api-dispatch";
import { listenHttp } from "./http/http-server";
import { RequestLog, type RequestLogEntry } from "./http/request-log";
import { SignatureCheck } from "./http/signature-check";
import { LabWorld } from "./lab/lab-world";
import { LAB_MODE_TOOLS, labUnavailable } from "./lab/netns";
import type { World } from "./model";
import { DEFAULT_SEED, type Seed } from "./seed";
import { StateFile } from "./state-file";
import { isStateV2, Worlds, type Credential, type StateV2 } from "./worlds";

// Part of this module's public API since before the split into http/.
export { ECS_VERSION, VPC_VERSION } from "./http/api-dispatch";
export type { DriftOp } from "./drift";
export type { RequestLogEntry } from "./http/request-log";

export const DEMO_ACCESS_KEY_ID = "LTAI5tEIPilotDemoKey01";
export const DEMO_ACCESS_KEY_SECRET = "EIPilotDemoSecretNotForProduction01";

export type { Credential, AccountWorld, WorldCreated } from "./worlds";

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
  /**
   * Every account's world. `engine`, `faults`, `lab`, `state()` and `drift()` are the built-in
   * world's; `worlds.create()` adds an account world, `worlds.find(accessKeyId)` drives one.
   */
  worlds: Worlds;
  close(): Promise<void>;
  /** Every world back to the seed. */
  reset(): void;
  /** Faults and latencies of every world. */
  setFaults(spec: FaultSpecInput): void;
  setLatencies(l: Partial<Latencies>): void;
  /** Complete every pending (or stuck) transition of every world now. */
  settle(): number;
  requests(): RequestLogEntry[];
  /** The built-in world. */
  state(): World;
  /** Change the built-in world behind the client's back (drift), see README. */
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

/** The seed, and the built-in world's engine on it or on the saved world; the saved account worlds. */
function createEngine(
  options: EmulatorOptions,
  now: () => number,
): { seed: Seed; engine: Engine; accounts: StateV2["accounts"] } {
  const seed = readJsonArg<Seed>(options.seed, "seed") ?? DEFAULT_SEED;
  let world: World | undefined;
  let accounts: StateV2["accounts"] = [];
  if (options.statePath && existsSync(options.statePath)) {
    const saved = readJsonArg<World | StateV2>(options.statePath, "state");
    // A file written before account worlds existed holds the built-in world alone.
    if (isStateV2(saved)) ({ builtIn: world, accounts } = saved);
    else world = saved;
  }
  const engine = new Engine(seed, {
    latencies: { ...DEMO_LATENCIES, ...options.latencies },
    runner: options.runner ?? null,
    now,
    world,
  });
  return { seed, engine, accounts };
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

/** The built-in world's pairs: the demo pair (unless turned off) and the configured ones. */
function builtInKeys(options: EmulatorOptions): Credential[] {
  const keys: Credential[] = [];
  if (options.demoCredentials !== false)
    keys.push({ accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET });
  return [...keys, ...(options.credentials ?? [])];
}

/** Writes without `?world=` (reset, settle, faults, latencies) go to every world, as `npm start`'s tests expect. */
function everyWorld(worlds: Worlds) {
  return {
    reset: () => worlds.list().forEach((w) => w.reset()),
    settle: () => worlds.list().reduce((n, w) => n + w.settle(), 0),
    setFaults: (spec: FaultSpecInput) => worlds.list().forEach((w) => w.setFaults(spec)),
    setLatencies: (l: Partial<Latencies>) => worlds.list().forEach((w) => w.setLatencies(l)),
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const now = options.now ?? Date.now;
  const { seed, engine, accounts } = createEngine(options, now);
  const lab = options.lab ? await startLab(engine, options.labLog) : null;
  const faults = new Faults(readJsonArg<FaultSpecInput>(options.faults, "faults") ?? {});
  engine.transitionHook = (kind) => faults.transition(kind);

  // Every world in one file (nothing to write until the worlds exist).
  const ref: { worlds?: Worlds } = {};
  const stateFile = new StateFile(options.statePath, () => ref.worlds?.snapshot());
  const changed = stateFile.changed;
  engine.onChange = changed;
  const credentials = new Map<string, string>();
  const signatures = new SignatureCheck(credentials, now);
  const worlds = (ref.worlds = new Worlds(
    {
      seed,
      now,
      runner: options.runner ?? null,
      // An account world's lab lines name its account.
      startLab: lab ? (e) => startLab(e, (msg) => options.labLog?.(`account ${e.world.ownerId}: ${msg}`)) : null,
      changed,
      onReset: () => signatures.clearNonces(),
    },
    { engine, faults, lab, keys: builtInKeys(options) },
    credentials,
  ));
  worlds.restore(accounts);
  // Wake up when a transition is due so that persisted state and runner deliveries stay current.
  const ticker = setInterval(() => worlds.list().forEach((w) => w.engine.tick()), 250);
  ticker.unref();
  const log = new RequestLog(options.requestLogSize ?? 2000);

  const all = everyWorld(worlds);
  const http = await listenHttp(
    {
      api: apiHandler({ worlds, signatures, log, now, changed }),
      admin: adminHandler({ worlds, log, changed }),
    },
    options.port ?? 0,
  );

  const handle: EmulatorHandle = {
    url: `http://127.0.0.1:${http.port}`,
    port: http.port,
    endpoint: `127.0.0.1:${http.port}`,
    engine,
    faults,
    lab,
    worlds,
    async close() {
      clearInterval(ticker);
      signatures.close();
      stateFile.saveNow();
      await http.close();
      await Promise.all(worlds.list().map((w) => w.lab?.close()));
    },
    ...all,
    requests: () => log.all(),
    state: () => worlds.builtIn.state(),
    drift: (op) => worlds.builtIn.drift(op),
  };
  stateFile.saveNow();
  return handle;
}
