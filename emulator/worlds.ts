// Accounts: the emulator holds one world per Alibaba Cloud account, as the real service keeps
// accounts apart. A request acts on the world of the AccessKey pair that signed it; Describe* of
// one account never shows another's resources, and another account's id is simply unknown there.
//
// The built-in world (the seed or the --state file; the demo pair and the --access-key-id pairs
// act on it) is the one the emulator always had. Account worlds are created at run time
// (`POST /_emulator/worlds`, `handle.worlds.create()`), each with its own AccessKey pair and owner
// id, built from the same seed: the same starting resources (ids included — a template every
// demo account starts from), its own resources from then on, and ids drawn at run time from its
// own generator so that two accounts never hand out the same new id.
import { randomInt } from "node:crypto";
import { applyDrift, type DriftOp } from "./drift";
import { DEMO_LATENCIES, Engine, type CommandRunner, type Latencies } from "./engine";
import { ApiError } from "./errors";
import { Faults, type FaultSpecInput } from "./faults";
import type { LabWorld } from "./lab/lab-world";
import type { World } from "./model";
import type { Seed } from "./seed";

export type Credential = { accessKeyId: string; accessKeySecret: string };

/** One account's world and what drives it; the operations the admin API and the handle share. */
export type AccountWorld = {
  ownerId: string;
  /** The world the emulator always had (seed / --state; the demo pair). */
  builtIn: boolean;
  createdAt: string;
  /** AccessKeyId → AccessKeySecret of the pairs that act on this world. */
  keys: Map<string, string>;
  engine: Engine;
  faults: Faults;
  /** The namespace lab once it runs (lab mode), else null. */
  lab: LabWorld | null;
  /**
   * Lab mode, account worlds: starts this world's lab (once). An account world's namespaces and
   * echo service are made when first needed — its first Cloud Assistant script, or `GET lab` —
   * not when the world is created: most demo teams never run a script, and each lab costs a
   * process and a few namespaces. The lab wires the world as it is then.
   */
  startLab: (() => Promise<LabWorld>) | null;
  reset(): void;
  settle(): number;
  state(): World;
  setFaults(spec: FaultSpecInput): void;
  setLatencies(l: Partial<Latencies>): void;
  drift(op: DriftOp): void;
};

/** What `POST /_emulator/worlds` answers. */
export type WorldCreated = Credential & { ownerId: string; created: boolean };

/** The --state file: every world with its pairs. A file holding a bare World (the old format) is the built-in world. */
export type StateV2 = {
  format: typeof STATE_FORMAT;
  builtIn: World;
  accounts: Array<{ ownerId: string; createdAt: string; keys: Credential[]; world: World }>;
};
export const STATE_FORMAT = "eipilot-emulator-state/2";

export function isStateV2(v: unknown): v is StateV2 {
  return typeof v === "object" && v !== null && (v as { format?: unknown }).format === STATE_FORMAT;
}

const ACCESS_KEY_ID = /^[A-Za-z0-9]{12,64}$/;
const ACCESS_KEY_SECRET = /^[A-Za-z0-9+/=._-]{16,128}$/;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const randomChars = (n: number, alphabet = BASE62) =>
  Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");

/** A fresh pair shaped like Alibaba Cloud's (24-character LTAI5t… id, 30-character secret). */
export function newKeyPair(): Credential {
  return { accessKeyId: `LTAI5t${randomChars(18)}`, accessKeySecret: randomChars(30) };
}

type Parts = {
  seed: Seed;
  now: () => number;
  runner: CommandRunner | null;
  /** Lab mode: wires a new world's instances to namespaces (null without lab mode). */
  startLab: ((engine: Engine) => Promise<LabWorld>) | null;
  /** Any world changed (persistence). */
  changed: () => void;
  /** A world was reset (the signature check forgets its nonces). */
  onReset: () => void;
};

export class Worlds {
  readonly builtIn: AccountWorld;
  private readonly byKey = new Map<string, AccountWorld>();

  constructor(
    private readonly parts: Parts,
    builtIn: { engine: Engine; faults: Faults; lab: LabWorld | null; keys: Credential[] },
    /** AccessKeyId → secret of every pair of every world: what the signature check accepts (filled in here). */
    readonly credentials = new Map<string, string>(),
  ) {
    this.builtIn = this.wrap({ ...builtIn, ownerId: builtIn.engine.world.ownerId, builtIn: true, createdAt: "" });
    for (const k of builtIn.keys) this.addKey(this.builtIn, k);
  }

  list(): AccountWorld[] {
    return [...new Set([this.builtIn, ...this.byKey.values()])];
  }

  /** The world a pair acts on (the signature check has already accepted the pair). */
  of(accessKeyId: string): AccountWorld {
    return this.byKey.get(accessKeyId) ?? this.builtIn;
  }

  /** `?world=<AccessKeyId>` of the admin API: that pair's world, or 404. */
  find(accessKeyId: string): AccountWorld {
    const w = this.byKey.get(accessKeyId);
    if (!w) throw new ApiError(404, "World.NotFound", `no world has the AccessKeyId ${accessKeyId}`);
    return w;
  }

  /**
   * A new account world seeded like the built-in one, for the given pair or a fresh one.
   * Idempotent: the same pair again answers the existing world (`created: false`), so a client
   * may register its pairs every time it connects (the emulator may have restarted without --state).
   */
  create(input: Partial<Credential> = {}): WorldCreated {
    const pair = checkPair(input);
    return this.existing(pair) ?? this.build(pair);
  }

  /** Restores the account worlds of a --state file. */
  restore(accounts: StateV2["accounts"]): void {
    for (const a of accounts) {
      const w = this.open(a.ownerId, a.createdAt, a.world);
      for (const k of a.keys) this.addKey(w, k);
    }
  }

  snapshot(): StateV2 {
    const accounts = this.list()
      .filter((w) => !w.builtIn)
      .map((w) => ({
        ownerId: w.ownerId,
        createdAt: w.createdAt,
        keys: [...w.keys].map(([accessKeyId, accessKeySecret]) => ({ accessKeyId, accessKeySecret })),
        world: w.engine.world,
      }));
    return { format: STATE_FORMAT, builtIn: this.builtIn.engine.world, accounts };
  }

  private existing(pair: Credential): WorldCreated | null {
    if (!this.credentials.has(pair.accessKeyId)) return null;
    const w = this.byKey.get(pair.accessKeyId);
    if (!w || w.builtIn)
      throw new ApiError(409, "AccessKeyId.InUse", `${pair.accessKeyId} already acts on the built-in world`);
    if (w.keys.get(pair.accessKeyId) !== pair.accessKeySecret)
      throw new ApiError(409, "AccessKeyId.InUse", `${pair.accessKeyId} is registered with another secret`);
    return { ...pair, ownerId: w.ownerId, created: false };
  }

  private build(pair: Credential): WorldCreated {
    const taken = new Set(this.list().map((w) => w.ownerId));
    let ownerId: string;
    do ownerId = `${randomInt(1, 10)}${randomChars(15, "0123456789")}`;
    while (taken.has(ownerId));
    const w = this.open(ownerId, new Date(this.parts.now()).toISOString(), undefined);
    this.addKey(w, pair);
    this.parts.changed();
    return { ...pair, ownerId, created: true };
  }

  /** An account world on `world` (restored) or fresh from the seed; it starts with the built-in world's settings. */
  private open(ownerId: string, createdAt: string, world: World | undefined): AccountWorld {
    const { seed, now, runner, startLab, changed } = this.parts;
    const engine = new Engine(
      { ...seed, ownerId },
      { latencies: { ...DEMO_LATENCIES, ...this.builtIn.engine.latencies }, runner, now, world, idSeed: ownerId },
    );
    const faults = new Faults(this.builtIn.faults.spec);
    engine.transitionHook = (kind) => faults.transition(kind);
    engine.onChange = changed;
    const w = this.wrap({ engine, faults, lab: null, ownerId, builtIn: false, createdAt });
    if (startLab) {
      // Until the lab runs, a stand-in runner: agents count as online, and the first script starts the lab.
      const standIn: CommandRunner = { run: async (req) => (await w.startLab!()).run(req) };
      let starting: Promise<LabWorld> | null = null;
      w.startLab = () =>
        (starting ??= startLab(engine).then(
          (lab) => (w.lab = lab),
          (e: unknown) => {
            starting = null;
            engine.runner = standIn;
            throw e;
          },
        ));
      engine.runner = standIn;
    }
    return w;
  }

  private addKey(w: AccountWorld, k: Credential): void {
    w.keys.set(k.accessKeyId, k.accessKeySecret);
    this.credentials.set(k.accessKeyId, k.accessKeySecret);
    this.byKey.set(k.accessKeyId, w);
  }

  private wrap(
    base: Pick<AccountWorld, "engine" | "faults" | "lab" | "ownerId" | "builtIn" | "createdAt">,
  ): AccountWorld {
    const { engine, faults } = base;
    const { changed, onReset } = this.parts;
    return {
      ...base,
      startLab: null,
      keys: new Map(),
      reset() {
        engine.reset();
        onReset();
        engine.emit({ type: "world", reason: "reset" });
        changed();
      },
      settle: () => engine.tick(true),
      state() {
        engine.tick();
        return structuredClone(engine.world);
      },
      setFaults: (spec) => faults.set(spec),
      setLatencies: (l) => void Object.assign(engine.latencies, l),
      drift(op) {
        applyDrift(engine, op);
        changed();
      },
    };
  }
}

function checkPair(input: Partial<Credential>): Credential {
  const { accessKeyId, accessKeySecret } = input;
  if (accessKeyId === undefined && accessKeySecret === undefined) return newKeyPair();
  if (typeof accessKeyId !== "string" || typeof accessKeySecret !== "string")
    throw new ApiError(400, "InvalidParameter", "accessKeyId and accessKeySecret go together");
  if (!ACCESS_KEY_ID.test(accessKeyId))
    throw new ApiError(400, "InvalidParameter", "accessKeyId: 12 to 64 letters and digits");
  if (!ACCESS_KEY_SECRET.test(accessKeySecret))
    throw new ApiError(400, "InvalidParameter", "accessKeySecret: 16 to 128 letters, digits or + / = . _ -");
  return { accessKeyId, accessKeySecret };
}
