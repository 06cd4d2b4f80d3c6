"use client";
// The controls of a config's page (duplicate, archive, new revision, share links, bundle download); they call
// the server actions of lib/actions/configs.actions.ts.
import { useState, useTransition } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import {
  addRevisionAction,
  createShareLinkAction,
  duplicateConfigAction,
  revokeShareLinkAction,
  setArchivedAction,
} from "@/lib/actions/configs.actions";
import { SHARE_MAX_HOURS } from "@/lib/configs/config.schema";
import { guestFactsProblems, shareHoursProblem, type GuestFactsInput } from "@/lib/configs/form-checks";
import { PREFIX_MAX, PREFIX_MIN } from "@/lib/os/spec.schema";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { ConfirmButton } from "@/components/teams/confirm-button";

export function ConfigButtons({ teamId, id, archived }: { teamId: string; id: string; archived: boolean }) {
  const t = useTranslations("configs.actions");
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await duplicateConfigAction({ teamId, id });
            if (!r.ok) return void toast.error(r.error);
            toast.success(t("duplicated"));
            router.push(`/configs/${r.data.id}`);
          })
        }
      >
        {t("duplicate")}
      </Button>
      <Button
        variant="secondary"
        size="sm"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await setArchivedAction({ teamId, id, archived: !archived });
            if (!r.ok) return void toast.error(r.error);
            toast.success(archived ? t("restoredDone") : t("archivedDone"));
            router.refresh();
          })
        }
      >
        {archived ? t("restore") : t("archive")}
      </Button>
    </>
  );
}

export function NewRevisionForm({
  teamId,
  id,
  latest,
  spec,
}: {
  teamId: string;
  id: string;
  latest: number;
  spec: unknown;
}) {
  const t = useTranslations("configs.detail");
  const router = useRouter();
  const [text, setText] = useState(() => JSON.stringify(spec, null, 2));
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          return setError(t("invalidJson", { message: err instanceof Error ? err.message : String(err) }));
        }
        start(async () => {
          const r = await addRevisionAction({ teamId, id, spec: parsed, message, expectedRevision: latest });
          if (!r.ok) return setError(r.error);
          setError(undefined);
          setMessage("");
          toast.success(t("saved", { n: r.data.revision }));
          router.refresh();
        });
      }}
    >
      <Field id="rev-spec" label={t("specJson")} error={error}>
        <textarea
          id="rev-spec"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={14}
          spellCheck={false}
          className="w-full rounded-md border border-border bg-card p-2 font-mono text-xs"
          aria-invalid={!!error}
        />
      </Field>
      <Field id="rev-message" label={t("message")}>
        <Input id="rev-message" value={message} maxLength={500} onChange={(e) => setMessage(e.target.value)} />
      </Field>
      <Button type="submit" size="sm" disabled={pending}>
        {t("saveRevision")}
      </Button>
    </form>
  );
}

const SHARE_TOAST = "share-link";

type Link = {
  id: string;
  revision: number | null;
  expiresAt: string;
  revokedAt: string | null;
  expired: boolean;
  token: string | null;
};

export function ShareLinks({
  teamId,
  id,
  links,
  revisions,
}: {
  teamId: string;
  id: string;
  links: Link[];
  revisions: number[];
}) {
  const t = useTranslations("configs.share");
  const td = useTranslations("configs.detail");
  const tf = useTranslations("configs.formErrors");
  const router = useRouter();
  const [hours, setHours] = useState("72");
  const [hoursError, setHoursError] = useState<string>();
  const [revision, setRevision] = useState<string>("");
  const [pending, start] = useTransition();
  const url = (token: string) => `${typeof window === "undefined" ? "" : window.location.origin}/share/${token}`;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{t("title")}</h2>
      <p className="mb-3 text-xs text-muted-fg">{t("intro")}</p>
      <div className="mb-3 grid grid-cols-2 gap-2">
        <Field id="share-hours" label={t("hours")} error={hoursError}>
          <Input
            id="share-hours"
            type="number"
            inputMode="numeric"
            min={1}
            max={SHARE_MAX_HOURS}
            step={1}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            aria-invalid={hoursError ? true : undefined}
            aria-describedby={hoursError ? "share-hours-error" : undefined}
          />
        </Field>
        <Field id="share-rev" label={td("revisions")}>
          <Select id="share-rev" value={revision} onChange={(e) => setRevision(e.target.value)}>
            <option value="">{t("revisionLatest")}</option>
            {revisions.map((n) => (
              <option key={n} value={n}>
                {td("revision", { n })}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Button
        size="sm"
        disabled={pending}
        onClick={() => {
          const problem = shareHoursProblem(hours);
          setHoursError(problem ? tf(problem.key, problem.values) : undefined);
          if (problem) return void toast.dismiss(SHARE_TOAST);
          start(async () => {
            const r = await createShareLinkAction({
              teamId,
              id,
              expiresInHours: Number(hours),
              revision: revision ? Number(revision) : null,
            });
            // One toast id: a later success replaces an earlier error instead of stacking under it.
            if (!r.ok) return void toast.error(r.error, { id: SHARE_TOAST });
            await navigator.clipboard?.writeText(url(r.data.token)).catch(() => {});
            toast.success(t("created"), { id: SHARE_TOAST });
            router.refresh();
          });
        }}
      >
        {t("create")}
      </Button>
      <ul className="mt-4 space-y-2 text-sm" data-testid="share-links">
        {links.length === 0 && <li className="text-muted-fg">{t("none")}</li>}
        {links.map((l) => (
          <ShareLinkItem key={l.id} teamId={teamId} configId={id} link={l} url={url} />
        ))}
      </ul>
    </Card>
  );
}

/** One share link: its state (revoked, expired, or when it expires), its revision, revoke, and its URL. */
function ShareLinkItem({
  teamId,
  configId: id,
  link: l,
  url,
}: {
  teamId: string;
  configId: string;
  link: Link;
  url: (token: string) => string;
}) {
  const t = useTranslations("configs.share");
  const td = useTranslations("configs.detail");
  const format = useFormatter();
  const router = useRouter();
  const expired = l.expired;
  return (
    <li className="rounded-md border border-border p-2">
      <div className="flex flex-wrap items-center gap-2">
        {l.revokedAt ? (
          <Badge tone="danger">{t("revoked")}</Badge>
        ) : expired ? (
          <Badge tone="warning">{t("expired")}</Badge>
        ) : (
          <Badge tone="success" title={l.expiresAt}>
            {t("expires", { time: format.relativeTime(new Date(l.expiresAt)) })}
          </Badge>
        )}
        <span className="text-xs text-muted-fg">
          {l.revision ? td("revision", { n: l.revision }) : t("revisionLatest")}
        </span>
        {!l.revokedAt && (
          <span className="ml-auto">
            <ConfirmButton
              trigger={t("revoke")}
              triggerVariant="ghost"
              title={t("revokeTitle")}
              body={t("revokeBody")}
              confirm={t("revokeConfirm")}
              onConfirm={async () => {
                const r = await revokeShareLinkAction({ teamId, linkId: l.id, configId: id });
                if (!r.ok) return r.error;
                toast.success(t("revokedToast"));
                router.refresh();
                return null;
              }}
            />
          </span>
        )}
      </div>
      {l.token && !expired && (
        <input
          readOnly
          aria-label={t("url")}
          value={url(l.token)}
          className="mt-1 w-full rounded border border-border bg-muted px-2 py-1 font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </li>
  );
}

/** The export route's query for a bundle of `revision` with the guest's facts as typed (trimmed). */
function bundleQuery(teamId: string, revision: number, values: GuestFactsInput, secondaryCount: number) {
  const q = new URLSearchParams({
    teamId,
    format: "bundle",
    revision: String(revision),
    mac: values.mac.trim(),
    primaryIp: values.primaryIp.trim(),
    prefixLength: values.prefixLength.trim(),
    gateway: values.gateway.trim(),
  });
  if (secondaryCount > 0) q.set("secondaryIps", values.secondaryIps);
  return q;
}

/** Fetches `url` and saves its answer as a download; the route's reason when it refuses (null: saved). */
async function saveDownload(url: string): Promise<string | null> {
  const res = await fetch(url).catch(() => null);
  if (!res?.ok) {
    const body = (await res?.json().catch(() => null)) as { error?: string } | null;
    return body?.error ?? res?.statusText ?? "network error";
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "bundle.tar.gz";
  const href = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return null;
}

/**
 * The guest bundle of a config: the facts are checked here, next to their
 * fields; only valid ones are sent, and the file arrives as a download (an
 * error of the route is shown inline too, never as the route's JSON page).
 */
export function BundleForm({
  teamId,
  id,
  revision,
  secondaryCount,
}: {
  teamId: string;
  id: string;
  revision: number;
  secondaryCount: number;
}) {
  const t = useTranslations("configs.exports");
  const tf = useTranslations("configs.formErrors");
  const [values, setValues] = useState<GuestFactsInput>({
    mac: "",
    primaryIp: "",
    secondaryIps: "",
    prefixLength: "24",
    gateway: "",
  });
  const [errors, setErrors] = useState<Partial<Record<keyof GuestFactsInput, string>>>({});
  const [failure, setFailure] = useState<string>();
  const [pending, start] = useTransition();
  // Examples go in the hint under the field, not in the field: a grey "172.16.0.57" inside it read as a value
  // already filled in (and as this ENI's), and the download then failed on an empty field.
  const field = (name: keyof GuestFactsInput, label: string, props: React.ComponentProps<typeof Input> = {}) => (
    <Field id={`b-${name}`} label={label} error={errors[name]} hint={t(`${name}Hint`)}>
      <Input
        id={`b-${name}`}
        name={name}
        value={values[name]}
        spellCheck={false}
        autoComplete="off"
        {...props}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `b-${name}-error` : `b-${name}-hint`}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
      />
    </Field>
  );
  return (
    <form
      noValidate
      className="grid gap-2 sm:grid-cols-2"
      data-testid="bundle-form"
      onSubmit={(e) => {
        e.preventDefault();
        setFailure(undefined);
        const problems = guestFactsProblems(values, secondaryCount);
        setErrors(Object.fromEntries(Object.entries(problems).map(([k, p]) => [k, tf(p.key, p.values)])));
        if (Object.keys(problems).length > 0) return;
        const q = bundleQuery(teamId, revision, values, secondaryCount);
        start(async () => {
          const refused = await saveDownload(`/api/configs/${id}/export?${q}`);
          if (refused) setFailure(tf("download", { message: refused }));
        });
      }}
    >
      <p className="text-xs text-muted-fg sm:col-span-2">{t("bundleHint")}</p>
      {field("mac", t("mac"), { maxLength: 17, className: "font-mono" })}
      {field("primaryIp", t("primaryIp"), {
        maxLength: 15,
        inputMode: "decimal",
        className: "font-mono",
      })}
      {secondaryCount > 0 &&
        field("secondaryIps", t("secondaryIps"), {
          maxLength: 1000,
          className: "font-mono",
        })}
      {field("prefixLength", t("prefixLength"), {
        type: "number",
        inputMode: "numeric",
        min: PREFIX_MIN,
        max: PREFIX_MAX,
        step: 1,
      })}
      {field("gateway", t("gateway"), {
        maxLength: 15,
        inputMode: "decimal",
        className: "font-mono",
      })}
      <div className="flex items-end">
        <Button type="submit" size="sm" variant="secondary" disabled={pending}>
          {t("download")}
        </Button>
      </div>
      {failure && (
        <p role="alert" data-testid="bundle-error" className="break-words text-sm text-danger sm:col-span-2">
          {failure}
        </p>
      )}
    </form>
  );
}

/**
 * The two revisions compared. Controlled by the page's `from`/`to` (the URL), so after a new revision is
 * saved the selects show what the diff below compares — uncontrolled ones kept their old choice while the
 * page moved on. Choosing a revision compares at once; the button stays for a form without script.
 */
export function RevisionCompare({ revisions, from, to }: { revisions: number[]; from: number; to: number }) {
  const t = useTranslations("configs.detail");
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const go = (next: { from: number; to: number }) => {
    const q = new URLSearchParams(params.toString());
    q.set("from", String(next.from));
    q.set("to", String(next.to));
    router.replace(`${pathname}?${q.toString()}`, { scroll: false });
  };
  const select = (name: "from" | "to", value: number) => (
    <Select
      name={name}
      value={value}
      className="h-8 w-36"
      onChange={(e) => go({ from, to, [name]: Number(e.target.value) })}
      data-testid={`compare-${name}`}
    >
      {revisions.map((n) => (
        <option key={n} value={n}>
          {t("revision", { n })}
        </option>
      ))}
    </Select>
  );
  return (
    <form method="get" className="mb-3 flex flex-wrap items-end gap-2">
      <label className="text-sm">
        {t("from")}
        {select("from", from)}
      </label>
      <label className="text-sm">
        {t("to")}
        {select("to", to)}
      </label>
      <Button type="submit" size="sm" variant="secondary">
        {t("compare")}
      </Button>
    </form>
  );
}
