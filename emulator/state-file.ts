// Persistence of the worlds to a JSON file (`--state`): written atomically, shortly after each
// change (changes in a burst share one write) and at close.
import { renameSync, writeFileSync } from "node:fs";

/** Wait before a write, so that a burst of changes is written once. */
const SAVE_DELAY_MS = 50;

export class StateFile {
  private timer: NodeJS.Timeout | null = null;

  /** Without a path nothing is ever written; `snapshot` undefined: nothing to write yet. */
  constructor(
    private readonly path: string | undefined,
    private readonly snapshot: () => unknown,
  ) {}

  /** The world changed: write it soon. */
  readonly changed = (): void => {
    if (!this.path || this.timer) return;
    this.timer = setTimeout(this.saveNow, SAVE_DELAY_MS);
  };

  readonly saveNow = (): void => {
    if (!this.path) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const data = this.snapshot();
    if (data === undefined) return;
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.path);
  };
}
