"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import { addRevisionAction, createShareLinkAction, duplicateConfigAction, revokeShareLinkAction, setArchivedAction } from "@/lib/configs/config.actions";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";

export function ConfigButtons({ teamId, id, archived }: { teamId: string; id: string; archived: boolean }) {
  const t = useTranslations("configs.actions");
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <>
      <Button variant="secondary" size="sm" disabled={pending} onClick={() => start(async () => {
        const r = await duplicateConfigAction({ teamId, id });
        if (!r.ok) return void toast.error(r.error);
        toast.success(t("duplicated"));
        router.push(`/configs/${r.data.id}`);
      })}>{t("duplicate")}</Button>
      <Button variant="secondary" size="sm" disabled={pending} onClick={() => start(async () => {
        const r = await setArchivedAction({ teamId, id, archived: !archived });
        if (!r.ok) return void toast.error(r.error);
        toast.success(archived ? t("restoredDone") : t("archivedDone"));
        router.refresh();
      })}>{archived ? t("restore") : t("archive")}</Button>
    </>
  );
}

export function NewRevisionForm({ teamId, id, latest, spec }: { teamId: string; id: string; latest: number; spec: unknown }) {
  const t = useTranslations("configs.detail");
  const router = useRouter();
  const [text, setText] = useState(() => JSON.stringify(spec, null, 2));
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <form className="space-y-3" onSubmit={(e) => {
      e.preventDefault();
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch (err) { return setError(err instanceof Error ? err.message : "Invalid JSON"); }
      start(async () => {
        const r = await addRevisionAction({ teamId, id, spec: parsed, message, expectedRevision: latest });
        if (!r.ok) return setError(r.error);
        setError(undefined);
        toast.success(t("saved", { n: r.data.revision }));
        router.refresh();
      });
    }}>
      <Field id="rev-spec" label={t("specJson")} error={error}>
        <textarea id="rev-spec" value={text} onChange={(e) => setText(e.target.value)} rows={14} spellCheck={false}
          className="w-full rounded-md border border-border bg-card p-2 font-mono text-xs" aria-invalid={!!error} />
      </Field>
      <Field id="rev-message" label={t("message")}><Input id="rev-message" value={message} maxLength={500} onChange={(e) => setMessage(e.target.value)} /></Field>
      <Button type="submit" size="sm" disabled={pending}>{t("saveRevision")}</Button>
    </form>
  );
}

type Link = { id: string; revision: number | null; expiresAt: string; revokedAt: string | null; expired: boolean; token: string | null };

export function ShareLinks({ teamId, id, links, revisions }: { teamId: string; id: string; links: Link[]; revisions: number[] }) {
  const t = useTranslations("configs.share");
  const td = useTranslations("configs.detail");
  const format = useFormatter();
  const router = useRouter();
  const [hours, setHours] = useState(72);
  const [revision, setRevision] = useState<string>("");
  const [pending, start] = useTransition();
  const url = (token: string) => `${typeof window === "undefined" ? "" : window.location.origin}/share/${token}`;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{t("title")}</h2>
      <p className="mb-3 text-xs text-muted-fg">{t("intro")}</p>
      <div className="mb-3 grid grid-cols-2 gap-2">
        <Field id="share-hours" label={t("hours")}><Input id="share-hours" type="number" min={1} max={720} value={hours} onChange={(e) => setHours(Number(e.target.value))} /></Field>
        <Field id="share-rev" label={td("revisions")}>
          <Select id="share-rev" value={revision} onChange={(e) => setRevision(e.target.value)}>
            <option value="">{t("revisionLatest")}</option>
            {revisions.map((n) => <option key={n} value={n}>{td("revision", { n })}</option>)}
          </Select>
        </Field>
      </div>
      <Button size="sm" disabled={pending} onClick={() => start(async () => {
        const r = await createShareLinkAction({ teamId, id, expiresInHours: hours, revision: revision ? Number(revision) : null });
        if (!r.ok) return void toast.error(r.error);
        await navigator.clipboard?.writeText(url(r.data.token)).catch(() => {});
        toast.success(t("created"));
        router.refresh();
      })}>{t("create")}</Button>
      <ul className="mt-4 space-y-2 text-sm" data-testid="share-links">
        {links.length === 0 && <li className="text-muted-fg">{t("none")}</li>}
        {links.map((l) => {
          const expired = l.expired;
          return (
            <li key={l.id} className="rounded-md border border-border p-2">
              <div className="flex flex-wrap items-center gap-2">
                {l.revokedAt ? <Badge tone="danger">{t("revoked")}</Badge> : expired ? <Badge tone="warning">{t("expired")}</Badge> : <Badge tone="success" title={l.expiresAt}>{t("expires", { time: format.relativeTime(new Date(l.expiresAt)) })}</Badge>}
                <span className="text-xs text-muted-fg">{l.revision ? td("revision", { n: l.revision }) : t("revisionLatest")}</span>
                {!l.revokedAt && (
                  <Button variant="ghost" size="sm" className="ml-auto" disabled={pending} onClick={() => start(async () => {
                    const r = await revokeShareLinkAction({ teamId, linkId: l.id, configId: id });
                    if (!r.ok) return void toast.error(r.error);
                    router.refresh();
                  })}>{t("revoke")}</Button>
                )}
              </div>
              {l.token && !expired && <input readOnly aria-label="Share URL" value={url(l.token)} className="mt-1 w-full rounded border border-border bg-muted px-2 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

export function BundleForm({ id, revision, secondaryCount }: { id: string; revision: number; secondaryCount: number }) {
  const t = useTranslations("configs.exports");
  return (
    <form method="get" action={`/api/configs/${id}/export`} className="grid gap-2 sm:grid-cols-2">
      <input type="hidden" name="format" value="bundle" />
      <input type="hidden" name="revision" value={revision} />
      <p className="text-xs text-muted-fg sm:col-span-2">{t("bundleHint")}</p>
      <Field id="b-mac" label={t("mac")}><Input id="b-mac" name="mac" required placeholder="00:16:3e:12:34:56" className="font-mono" /></Field>
      <Field id="b-primary" label={t("primaryIp")}><Input id="b-primary" name="primaryIp" required placeholder="172.16.0.57" className="font-mono" /></Field>
      {secondaryCount > 0 && <Field id="b-sec" label={t("secondaryIps")}><Input id="b-sec" name="secondaryIps" placeholder="172.16.0.77,172.16.0.78" className="font-mono" /></Field>}
      <Field id="b-prefix" label={t("prefixLength")}><Input id="b-prefix" name="prefixLength" type="number" min={8} max={30} defaultValue={24} required /></Field>
      <Field id="b-gw" label={t("gateway")}><Input id="b-gw" name="gateway" required placeholder="172.16.0.253" className="font-mono" /></Field>
      <div className="flex items-end"><Button type="submit" size="sm" variant="secondary">{t("download")}</Button></div>
    </form>
  );
}
