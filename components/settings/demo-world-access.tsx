"use client";
import { useTranslations } from "next-intl";
import type { DemoEmulatorAccess } from "@/lib/cloud/accounts";
import { CopyButton } from "@/components/ui/copy-id";

/** A script against the team's demo world with the official SDK (Node.js, ESM), ready to paste. */
export function sdkSnippet(e: DemoEmulatorAccess, regionId: string): string {
  return [
    "// npm install @alicloud/ecs20140526 @alicloud/openapi-core",
    'import ecs, * as $Ecs from "@alicloud/ecs20140526";',
    'import { $OpenApiUtil } from "@alicloud/openapi-core";',
    "",
    "const Ecs = ecs.default ?? ecs;",
    "const client = new Ecs(",
    "  new $OpenApiUtil.Config({",
    `    accessKeyId: "${e.accessKeyId}",`,
    `    accessKeySecret: "${e.accessKeySecret}",`,
    `    endpoint: "${e.endpoint}",`,
    `    protocol: "${e.protocol}",`,
    `    regionId: "${regionId}",`,
    "  }),",
    ");",
    "const { body } = await client.describeNetworkInterfaces(",
    `  new $Ecs.DescribeNetworkInterfacesRequest({ regionId: "${regionId}" }),`,
    ");",
    "console.log(body.networkInterfaceSets.networkInterfaceSet.map((n) => `${n.networkInterfaceId} ${n.status}`));",
  ].join("\n");
}

/**
 * A demo account's AccessKey pair and endpoint: the team's own world in the emulator, for scripts
 * with the official SDKs. Demo keys act on nothing but that world, so they are shown in full.
 */
export function DemoWorldAccess({ emulator, regionId }: { emulator: DemoEmulatorAccess; regionId: string }) {
  const t = useTranslations("settings.cloudAccounts.demoWorld");
  const rows = [
    { key: "endpoint", label: t("endpoint"), value: emulator.endpoint },
    { key: "access-key-id", label: t("accessKeyId"), value: emulator.accessKeyId },
    { key: "access-key-secret", label: t("accessKeySecret"), value: emulator.accessKeySecret },
  ];
  const snippet = sdkSnippet(emulator, regionId);
  return (
    <section
      aria-labelledby="demo-world-heading"
      className="basis-full space-y-3 border-t border-border pt-3"
      data-testid="demo-world"
    >
      <h3 id="demo-world-heading" className="text-sm font-semibold">
        {t("title")}
      </h3>
      <p className="text-sm text-muted-fg">{t("body")}</p>
      {emulator.shared && (
        <p className="text-sm text-warning" role="note" data-testid="demo-world-shared">
          {t("shared")}
        </p>
      )}
      <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        {rows.map((r) => (
          <div key={r.key} className="contents">
            <dt className="text-muted-fg">{r.label}</dt>
            <dd className="flex min-w-0 items-center gap-1">
              <span className="break-all font-mono text-xs" data-testid={`demo-${r.key}`}>
                {r.value}
              </span>
              <CopyButton value={r.value} label={r.label} />
            </dd>
          </div>
        ))}
      </dl>
      <div>
        <p className="mb-1 text-sm text-muted-fg">{t("snippet")}</p>
        <pre className="overflow-x-auto rounded bg-muted p-3 text-xs" data-testid="demo-sdk-snippet">
          <code>{snippet}</code>
        </pre>
      </div>
    </section>
  );
}
