"use client";
// "Guest configuration": applies, verifies and rolls back the guest-OS bundle through Cloud
// Assistant when the instance's agent is online; otherwise says to copy/download the bundle.
// Self-contained: <GuestPanel teamId deploymentId canApply /> on the deployment page.
import { useState, useTransition } from "react";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { invocationText } from "@/components/deploy/eip-detail";
import { toast } from "sonner";
import { CheckCircle2, CircleAlert, Loader2, Play, RotateCcw, ShieldCheck, TerminalSquare } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { GuestRun } from "@/lib/guest/guest-checks";
import {
  guestApplyAction,
  guestRollbackAction,
  guestStateAction,
  guestVerifyAction,
} from "@/lib/actions/guest.actions";

const TEXT = {
  en: {
    title: "Guest configuration",
    online: "Cloud Assistant online",
    offline: "Cloud Assistant offline",
    checking: "Checking the Cloud Assistant agent…",
    introOnline:
      "EIPilot runs the bundle on the instance through Cloud Assistant (no SSH): apply.sh, then verify.sh asks a what-is-my-IP service from each private IP.",
    introOffline:
      "The Cloud Assistant agent is not online on this instance, so EIPilot cannot run the bundle itself. Copy or download the bundle below and run apply.sh, then verify.sh, as root on the instance.",
    noScript: "The bundle is generated when the deployment succeeds.",
    apply: "Apply through Cloud Assistant",
    verify: "Verify",
    rollback: "Roll back",
    confirmRollback: "Confirm roll back",
    running: "Running on the instance…",
    privateIp: "Private IP",
    expected: "Expected EIP",
    observed: "Observed",
    result: "Result",
    pass: "Pass",
    fail: "Fail",
    notMeasured: "not measured",
    noAnswer: "no answer",
    rolledBack: "Rolled back: the guest configuration was removed. Results below are from before.",
    lastRun: "Last run",
    exit: "exit",
    echo: "what-is-my-IP",
    noEcho: "No what-is-my-IP URL configured (EIPILOT_ECHO_URL): verify checks addresses and routes only.",
    applied: "Applied and verified",
    verified: "Every EIP verified",
    failed: "Some checks failed — see the results",
    rolledBackOk: "Rolled back",
    bundle: "bundle",
  },
  ja: {
    title: "ゲスト OS の設定",
    online: "クラウドアシスタント: オンライン",
    offline: "クラウドアシスタント: オフライン",
    checking: "クラウドアシスタントの状態を確認しています…",
    introOnline:
      "EIPilot はクラウドアシスタント経由で (SSH なしで) インスタンス上のバンドルを実行します: apply.sh の後、verify.sh が各プライベート IP から IP 確認サービスに問い合わせます。",
    introOffline:
      "このインスタンスではクラウドアシスタントのエージェントがオンラインではないため、EIPilot はバンドルを実行できません。下のバンドルをコピーまたはダウンロードし、インスタンス上で root として apply.sh、続いて verify.sh を実行してください。",
    noScript: "バンドルはデプロイが成功すると生成されます。",
    apply: "クラウドアシスタントで適用",
    verify: "検証",
    rollback: "ロールバック",
    confirmRollback: "ロールバックを確定",
    running: "インスタンスで実行中…",
    privateIp: "プライベート IP",
    expected: "期待する EIP",
    observed: "観測されたアドレス",
    result: "結果",
    pass: "合格",
    fail: "不合格",
    notMeasured: "未測定",
    noAnswer: "応答なし",
    rolledBack: "ロールバック済み: ゲスト設定は削除されました。以下の結果はそれ以前のものです。",
    lastRun: "直近の実行",
    exit: "終了コード",
    echo: "IP 確認サービス",
    noEcho: "IP 確認サービスの URL (EIPILOT_ECHO_URL) が未設定です。verify はアドレスとルートのみを確認します。",
    applied: "適用と検証が完了しました",
    verified: "すべての EIP を確認しました",
    failed: "一部のチェックが失敗しました — 結果を確認してください",
    rolledBackOk: "ロールバックしました",
    bundle: "バンドル",
  },
} as const;

export const guestKeys = {
  one: (team: string, id: string) => ["guest", team, id] as const,
};

/** `onChanged`: after each run, so the page's other views of the guest (Results per EIP, teardown) update. */
export function GuestPanel({
  teamId,
  deploymentId,
  canApply,
  onChanged,
}: {
  teamId: string;
  deploymentId: string;
  canApply: boolean;
  onChanged?: () => unknown;
}) {
  const locale = useLocale() === "ja" ? "ja" : "en";
  const t = TEXT[locale];
  const q = useQuery({
    queryKey: guestKeys.one(teamId, deploymentId),
    queryFn: async () => {
      const r = await guestStateAction({ teamId, id: deploymentId });
      if (!r.ok) throw new Error(r.error);
      return r.data;
    },
    // Each look is an audited DescribeCloudAssistantStatus: no background polling.
    refetchOnWindowFocus: false,
    staleTime: 60_000,
  });
  const state = q.data ?? null;
  const loadError = q.error ? q.error.message : null;
  const [lastRuns, setLastRuns] = useState<GuestRun[]>([]);
  const [confirm, setConfirm] = useState(false);
  const [pending, start] = useTransition();

  const run = (fn: typeof guestApplyAction, okText: string) =>
    start(async () => {
      setConfirm(false);
      const r = await fn({ teamId, id: deploymentId });
      if (!r.ok) toast.error(`${r.error}${r.requestId ? ` (RequestId ${r.requestId})` : ""}`);
      else {
        setLastRuns(r.data.runs);
        if (r.data.ok) toast.success(okText);
        else toast.error(t.failed);
      }
      await Promise.all([q.refetch(), onChanged?.()]);
    });

  const guest = state?.guest ?? null;
  const online = state?.mode === "cloud-assistant";
  const shownRuns = lastRuns.length ? lastRuns : (guest?.runs.slice(0, 1) ?? []);

  return (
    <Card className="p-0" data-testid="guest-panel">
      <GuestHeader t={t} state={state} loadError={loadError} online={online} />

      <div className="space-y-3 px-4 py-3 text-sm">
        {loadError && <p className="text-danger">{loadError}</p>}
        {state && <GuestNotes t={t} state={state} online={online} />}
        {state && online && state.script && canApply && (
          <GuestActions
            t={t}
            pending={pending}
            busy={state.busy}
            confirm={confirm}
            onApply={() => run(guestApplyAction, t.applied)}
            onVerify={() => run(guestVerifyAction, t.verified)}
            onRollback={() => setConfirm(true)}
            onConfirmRollback={() => run(guestRollbackAction, t.rolledBackOk)}
          />
        )}
        {pending && (
          <p className="inline-flex items-center gap-2 text-muted-fg" role="status">
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden />
            {t.running}
          </p>
        )}
        {guest?.rolledBack && (
          <p className="text-warning" data-testid="guest-rolled-back">
            {t.rolledBack}
          </p>
        )}
      </div>

      {guest && guest.results.length > 0 && <GuestResults t={t} guest={guest} />}

      {shownRuns.length > 0 && <GuestRunOutput t={t} runs={shownRuns} />}
    </Card>
  );
}

type Text = (typeof TEXT)[keyof typeof TEXT];
type GuestState = NonNullable<Extract<Awaited<ReturnType<typeof guestStateAction>>, { ok: true }>["data"]>;
type Guest = NonNullable<GuestState["guest"]>;

/** Apply, verify, and roll back behind a second click. */
function GuestActions({
  t,
  pending,
  busy,
  confirm,
  onApply,
  onVerify,
  onRollback,
  onConfirmRollback,
}: {
  t: Text;
  pending: boolean;
  busy: boolean;
  confirm: boolean;
  onApply: () => void;
  onVerify: () => void;
  onRollback: () => void;
  onConfirmRollback: () => void;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      <Button size="sm" disabled={pending || busy} onClick={onApply} data-testid="guest-apply">
        {pending ? <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> : <Play className="h-4 w-4" aria-hidden />}
        {t.apply}
      </Button>
      <Button size="sm" variant="secondary" disabled={pending || busy} onClick={onVerify} data-testid="guest-verify">
        <ShieldCheck className="h-4 w-4" aria-hidden />
        {t.verify}
      </Button>
      {!confirm ? (
        <Button size="sm" variant="ghost" disabled={pending || busy} onClick={onRollback} data-testid="guest-rollback">
          <RotateCcw className="h-4 w-4" aria-hidden />
          {t.rollback}
        </Button>
      ) : (
        <Button
          size="sm"
          variant="danger"
          disabled={pending}
          onClick={onConfirmRollback}
          data-testid="guest-rollback-confirm"
        >
          <RotateCcw className="h-4 w-4" aria-hidden />
          {t.confirmRollback}
        </Button>
      )}
    </div>
  );
}

function GuestHeader({
  t,
  state,
  loadError,
  online,
}: {
  t: Text;
  state: GuestState | null;
  loadError: string | null;
  online: boolean;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-border px-4 py-3">
      <h2 className="font-semibold">{t.title}</h2>
      {!state && !loadError && (
        <span className="inline-flex items-center gap-1 text-xs text-muted-fg">
          <Loader2 className="h-3 w-3 animate-spin" aria-hidden />
          {t.checking}
        </span>
      )}
      {state && (
        <Badge tone={online ? "success" : "warning"} data-testid="agent-status" data-online={online ? "true" : "false"}>
          {online ? t.online : t.offline}
        </Badge>
      )}
      {state?.instanceId && <span className="font-mono text-xs text-muted-fg">{state.instanceId}</span>}
      {state?.script && (
        <span className="text-xs text-muted-fg">
          {t.bundle} v{state.script.version} · {state.script.os}
        </span>
      )}
    </div>
  );
}

/** What EIPilot can do here (agent online or not), and the what-is-my-IP service verify will ask. */
function GuestNotes({ t, state, online }: { t: Text; state: GuestState; online: boolean }) {
  return (
    <>
      <p className="text-muted-fg">{online ? t.introOnline : t.introOffline}</p>
      {online && !state.echoUrl && <p className="text-xs text-warning">{t.noEcho}</p>}
      {online && state.echoUrl && (
        <p className="text-xs text-muted-fg">
          {t.echo}: <span className="font-mono">{state.echoUrl}</span>
        </p>
      )}
      {!state.script && <p className="text-muted-fg">{t.noScript}</p>}
    </>
  );
}

function GuestResults({ t, guest }: { t: Text; guest: Guest }) {
  return (
    <div className="overflow-x-auto border-t border-border">
      <table className="w-full text-sm" data-testid="guest-results">
        <thead className="text-left text-xs text-muted-fg">
          <tr>
            <th scope="col" className="px-4 py-2">
              {t.privateIp}
            </th>
            <th scope="col" className="px-2 py-2">
              {t.expected}
            </th>
            <th scope="col" className="px-2 py-2">
              {t.observed}
            </th>
            <th scope="col" className="px-2 py-2">
              {t.result}
            </th>
          </tr>
        </thead>
        <tbody>
          {guest.results.map((r) => (
            <tr
              key={r.privateIp}
              className={cn("border-t border-border", guest.rolledBack && "opacity-60")}
              data-testid="guest-result"
              data-ip={r.privateIp}
              data-ok={r.ok ? "true" : "false"}
            >
              <td className="px-4 py-2 font-mono">{r.privateIp}</td>
              <td className="px-2 py-2 font-mono">{r.expectedEip ?? "—"}</td>
              <td className="px-2 py-2 font-mono" data-testid="guest-observed">
                {r.observed ?? (guest.echoUrl ? t.noAnswer : t.notMeasured)}
              </td>
              <td className="px-2 py-2">
                {r.ok ? (
                  <span className="inline-flex items-center gap-1 text-success">
                    <CheckCircle2 className="h-4 w-4" aria-hidden />
                    {t.pass}
                  </span>
                ) : (
                  <span className="inline-flex items-center gap-1 text-danger">
                    <CircleAlert className="h-4 w-4" aria-hidden />
                    {t.fail}: {r.detail}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The script output of the runs; a failed run starts unfolded. */
function GuestRunOutput({ t, runs }: { t: Text; runs: GuestRun[] }) {
  const ti = useTranslations("deployment.eips");
  return (
    <div className="space-y-2 border-t border-border px-4 py-3" data-testid="guest-output">
      {runs.map((r) => (
        <details key={r.invokeId} open={r.exitCode !== 0}>
          <summary className="flex cursor-pointer items-center gap-2 text-xs">
            <TerminalSquare className="h-4 w-4" aria-hidden />
            <span className="font-medium">{r.action}.sh</span>
            <Badge
              tone={
                r.status === "Success"
                  ? "success"
                  : r.status === "Running" || r.status === "Pending"
                    ? "info"
                    : "danger"
              }
            >
              {invocationText(r.status, ti as never)}
            </Badge>
            <span className="text-muted-fg">
              {t.exit} {r.exitCode ?? "—"} · <span className="font-mono">{r.invokeId}</span>
            </span>
          </summary>
          <pre className="mt-2 max-h-72 overflow-auto rounded bg-muted p-2 font-mono text-xs whitespace-pre-wrap">
            {r.output || "(no output)"}
          </pre>
        </details>
      ))}
    </div>
  );
}
