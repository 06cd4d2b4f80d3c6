// What a guest-side run (apply.sh / verify.sh / rollback.sh through Cloud Assistant) leaves
// behind, and the per-EIP verdict of verify.sh's summary. Pure: no cloud, no database; the
// client's Guest configuration panel imports these types.
import { parseVerifyOutput } from "./cloud-assistant";

export type GuestAction = "apply" | "verify" | "rollback";

export type GuestEipResult = {
  privateIp: string;
  expectedEip: string | null;
  /** The address the what-is-my-IP service saw for traffic from privateIp (null: not measured or no answer). */
  observed: string | null;
  ok: boolean;
  detail: string;
};

export type GuestRun = {
  action: GuestAction;
  invokeId: string;
  status: string;
  exitCode: number | null;
  errorCode: string;
  /** Output tail (at most 16 KB). */
  output: string;
  scriptVersion: number;
  startedAt: string;
  finishedAt: string;
};

export type GuestChecks = {
  checkedAt: string;
  /** verify.sh verdict: every address configured, routed, and (with an echo URL) egressing as its EIP. */
  ok: boolean;
  echoUrl: string | null;
  results: GuestEipResult[];
  /** Most recent first, at most 10. */
  runs: GuestRun[];
  /** True after a rollback: the guest configuration is removed, results are from before. */
  rolledBack: boolean;
};

/** The guest checks stored in a `checks` JSON value, when there are any. */
export function guestOf(checks: unknown): GuestChecks | null {
  const g = (checks as { guest?: GuestChecks } | null)?.guest;
  return g && Array.isArray(g.results) ? g : null;
}

/** Per-EIP verdicts from verify.sh's summary, against the EIPs expected (private IP → EIP address). */
export function eipResults(
  expected: Map<string, string>,
  output: string,
): { ok: boolean; echo: string | null; results: GuestEipResult[] } {
  const summary = parseVerifyOutput(output);
  if (!summary) {
    return {
      ok: false,
      echo: null,
      results: [...expected].map(([privateIp, eip]) => ({
        privateIp,
        expectedEip: eip,
        observed: null,
        ok: false,
        detail: "verify.sh printed no summary (see the output)",
      })),
    };
  }
  const results = summary.addresses.map((a) => {
    const want = a.expectedEip || expected.get(a.ip) || null;
    const problems = summary.problems.filter((p) => p.includes(a.ip));
    const detail = a.ok
      ? a.egress
        ? `egresses as ${a.egress}`
        : "configured and routed"
      : problems.join("; ") ||
        (a.egress && want && a.egress !== want ? `egresses as ${a.egress}, expected ${want}` : "failed");
    return {
      privateIp: a.ip,
      expectedEip: want,
      observed: a.egress,
      // An address without an EIP (carriesEip false: usually the ENI's primary) is not expected to reach
      // the echo service; verify.sh fails it only if it leaves as one of the EIPs.
      ok: a.ok && (!summary.echoUrl || !a.carriesEip || (!!a.egress && (!want || a.egress === want))),
      detail,
    };
  });
  return { ok: summary.ok, echo: summary.echoUrl, results };
}
