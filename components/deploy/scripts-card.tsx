"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import type { DeploymentView as View } from "@/lib/deploy/deployment-view.service";
import { BundleViewer } from "@/components/wizard/bundle-viewer";
import { RelativeTime } from "./status";
import { bundleUrl } from "./bundle-url";

/** The guest scripts of each version (or why there are none yet), to read and download. */
export function ScriptsCard({ d, teamId }: { d: View; teamId: string }) {
  const t = useTranslations("deployment");
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{t("scripts.title")}</h2>
      <p className="mb-3 text-sm text-muted-fg">{t("scripts.intro")}</p>
      {d.scripts.length === 0 ? (
        <p className="text-sm text-muted-fg">
          {(d.spec as { traffic?: string }).traffic === "inbound-only"
            ? t("scripts.inboundOnly")
            : d.status === "succeeded"
              ? t("scripts.none")
              : t("scripts.afterApply")}
        </p>
      ) : (
        <Scripts teamId={teamId} id={d.id} scripts={d.scripts} />
      )}
    </Card>
  );
}

function Scripts({ teamId, id, scripts }: { teamId: string; id: string; scripts: View["scripts"] }) {
  const t = useTranslations("deployment.scripts");
  const [version, setVersion] = useState(scripts[0]!.version);
  const s = scripts.find((x) => x.version === version) ?? scripts[0]!;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="script-version" className="text-muted-fg">
          {t("version")}
        </label>
        <select
          id="script-version"
          className="h-8 rounded-md border border-border bg-card px-2 text-sm"
          value={version}
          onChange={(e) => setVersion(Number(e.target.value))}
        >
          {scripts.map((x) => (
            <option key={x.version} value={x.version}>
              v{x.version} · {x.os}
            </option>
          ))}
        </select>
        <span className="font-mono text-xs text-muted-fg">sha256 {s.sha256.slice(0, 16)}…</span>
        <span className="text-xs text-muted-fg">
          <RelativeTime iso={s.createdAt} />
        </span>
      </div>
      <BundleViewer
        key={s.version}
        files={s.files}
        initial="apply.sh"
        fileUrl={(p) => bundleUrl(teamId, id, s.version, p)}
        archiveUrl={bundleUrl(teamId, id, s.version)}
      />
      <p className="text-xs text-muted-fg">{t("howTo")}</p>
    </div>
  );
}
