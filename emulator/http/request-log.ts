// The in-memory log of API requests that the admin API serves (`/_emulator/requests`).
export type RequestLogEntry = {
  seq: number;
  time: string;
  method: string;
  product: string;
  action: string;
  accessKeyId: string;
  params: Record<string, string>;
  status: number;
  code: string;
  requestId: string;
  durationMs: number;
};

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  /** Keeps counting across `clear()`, so a client polling with `since` never sees a number twice. */
  private seq = 0;

  constructor(private readonly size: number) {}

  add(entry: Omit<RequestLogEntry, "seq">): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
  }

  all(): RequestLogEntry[] {
    return [...this.entries];
  }

  /** Entries after `since` (a `seq`), of one action when given. */
  after(since: number, action: string | null): RequestLogEntry[] {
    return this.entries.filter((r) => r.seq > since && (!action || r.action === action));
  }

  clear(): void {
    this.entries.length = 0;
  }
}
