"use client";
import { useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import type { CloudAccountDto } from "@/lib/cloud/accounts";
import {
  createCloudAccountAction,
  deleteCloudAccountAction,
  testCloudAccountAction,
  updateCloudAccountRateAction,
} from "@/lib/actions/cloud-accounts.actions";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { ConfirmButton } from "@/components/teams/confirm-button";
import { DemoWorldAccess } from "./demo-world-access";

type Kind = "access_key" | "sts" | "ram_role";
const empty = {
  name: "",
  kind: "access_key" as Kind,
  accessKeyId: "",
  accessKeySecret: "",
  securityToken: "",
  roleArn: "",
  defaultRegion: "ap-northeast-1",
  maxRequestsPerSecond: "",
};

type Transition = {
  pending: boolean;
  startTransition: ReturnType<typeof useTransition>[1];
};

/** `demo`: the server runs in demo mode, where only the Demo account talks to the emulator. */
export function CloudAccountsView({
  teamId,
  accounts,
  canManage,
  demo,
}: {
  teamId: string;
  accounts: CloudAccountDto[];
  canManage: boolean;
  demo: boolean;
}) {
  const t = useTranslations("settings.cloudAccounts");
  // One transition for the page: while a test or an add runs, the other buttons wait.
  const [pending, startTransition] = useTransition();
  const transition = { pending, startTransition };

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_380px]">
      <section aria-labelledby="accounts-heading" className="space-y-3">
        <h2 id="accounts-heading" className="sr-only">
          {t("title")}
        </h2>
        {accounts.length === 0 && <Card className="text-sm text-muted-fg">{t("empty")}</Card>}
        {accounts.map((a) => (
          <AccountCard key={a.id} a={a} teamId={teamId} canManage={canManage} transition={transition} />
        ))}
      </section>
      {canManage ? (
        <AddAccountCard teamId={teamId} demo={demo} transition={transition} />
      ) : (
        <Card className="text-sm text-muted-fg">{t("readOnly")}</Card>
      )}
    </div>
  );
}

function AccountCard({
  a,
  teamId,
  canManage,
  transition: { pending, startTransition },
}: {
  a: CloudAccountDto;
  teamId: string;
  canManage: boolean;
  transition: Transition;
}) {
  const t = useTranslations("settings.cloudAccounts");
  return (
    <Card className="flex flex-wrap items-center gap-3" data-testid="cloud-account">
      <div className="min-w-0 flex-1">
        <p className="font-medium">{a.name}</p>
        <p className="text-xs text-muted-fg">
          <Badge>{t(`kinds.${a.kind as Kind | "demo"}`)}</Badge>{" "}
          <span className="font-mono">{a.accessKeyIdMasked}</span> · {a.defaultRegion} ·{" "}
          <span data-testid="cloud-account-rate">{rateText(t, a)}</span>
        </p>
      </div>
      <Button
        variant="secondary"
        size="sm"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const res = await testCloudAccountAction({ teamId, id: a.id });
            if (res.ok) toast.success(t("testOk", { count: res.data.regions }));
            else toast.error(res.error + (res.requestId ? ` (RequestId ${res.requestId})` : ""));
          })
        }
      >
        {t("test")}
      </Button>
      {canManage && a.kind !== "demo" && (
        // Nothing irreversible on a single click: the secret is gone for good once removed.
        <ConfirmButton
          trigger={t("remove")}
          triggerVariant="ghost"
          triggerLabel={t("removeLabel", { name: a.name })}
          title={t("removeTitle", { name: a.name })}
          body={t("removeBody")}
          confirm={t("removeConfirm")}
          onConfirm={async () => {
            const res = await deleteCloudAccountAction({ teamId, id: a.id });
            if (!res.ok) return res.error;
            toast.success(t("removed", { name: a.name }));
            return null;
          }}
        />
      )}
      {canManage && <RateForm a={a} teamId={teamId} transition={{ pending, startTransition }} />}
      {a.emulator && <DemoWorldAccess emulator={a.emulator} regionId={a.defaultRegion} />}
    </Card>
  );
}

/** "10 req/s", or the server's default rate (or none) when the account sets none. */
function rateText(t: ReturnType<typeof useTranslations<"settings.cloudAccounts">>, a: CloudAccountDto): string {
  if (a.maxRequestsPerSecond != null) return t("rateOwn", { rate: a.maxRequestsPerSecond });
  if (a.defaultMaxRequestsPerSecond != null) return t("rateDefault", { rate: a.defaultMaxRequestsPerSecond });
  return t("rateNone");
}

/** Changes an existing account's rate; an empty field goes back to the server's default. */
function RateForm({
  a,
  teamId,
  transition: { pending, startTransition },
}: {
  a: CloudAccountDto;
  teamId: string;
  transition: Transition;
}) {
  const t = useTranslations("settings.cloudAccounts");
  const [value, setValue] = useState(a.maxRequestsPerSecond == null ? "" : String(a.maxRequestsPerSecond));
  const [error, setError] = useState<string | undefined>();
  const id = `rate-${a.id}`;
  function submit(e: React.FormEvent) {
    e.preventDefault();
    startTransition(async () => {
      const res = await updateCloudAccountRateAction({ teamId, id: a.id, rate: { maxRequestsPerSecond: value } });
      if (!res.ok) {
        setError(res.fieldErrors?.maxRequestsPerSecond ?? res.error);
        return;
      }
      setError(undefined);
      toast.success(t("rateSaved", { name: a.name }));
    });
  }
  return (
    <form
      noValidate
      onSubmit={submit}
      className="flex w-full items-end gap-2"
      aria-label={t("rateLabel", { name: a.name })}
    >
      <div className="flex-1">
        <Field id={id} label={t("maxRequestsPerSecond")} hint={t("maxRequestsPerSecondHint")} error={error}>
          <Input
            id={id}
            inputMode="decimal"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            {...(error ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {})}
          />
        </Field>
      </div>
      <Button type="submit" variant="secondary" size="sm" disabled={pending}>
        {t("rateSave")}
      </Button>
    </form>
  );
}

function AddAccountCard({
  teamId,
  demo,
  transition: { pending, startTransition },
}: {
  teamId: string;
  demo: boolean;
  transition: Transition;
}) {
  const t = useTranslations("settings.cloudAccounts");
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const set = (k: keyof typeof empty) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    startTransition(async () => {
      const { securityToken, roleArn, ...rest } = form;
      const account = {
        ...rest,
        ...(form.kind === "sts" ? { securityToken } : {}),
        ...(form.kind === "ram_role" ? { roleArn } : {}),
      };
      const res = await createCloudAccountAction({ teamId, account });
      if (!res.ok) {
        setErrors(
          res.fieldErrors
            ? Object.fromEntries(Object.entries(res.fieldErrors).map(([k, v]) => [k.replace(/^account\./, ""), v]))
            : { form: res.error },
        );
        return;
      }
      setErrors({});
      setForm(empty);
      toast.success(t("created"));
    });
  }

  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("add")}</h2>
      {demo && (
        <p className="mb-3 text-sm text-muted-fg" data-testid="real-cloud-note">
          {t("realCloudNote")}
        </p>
      )}
      <form noValidate onSubmit={submit} className="space-y-3">
        <AccountFields form={form} errors={errors} set={set} />
        {errors.form && (
          <p role="alert" className="text-sm text-danger">
            {errors.form}
          </p>
        )}
        <Button type="submit" disabled={pending}>
          {t("add")}
        </Button>
      </form>
    </Card>
  );
}

type AccountForm = typeof empty;

/** The credential fields; the token and the role ARN only for the kinds that use them. */
function AccountFields({
  form,
  errors,
  set,
}: {
  form: AccountForm;
  errors: Record<string, string>;
  set: (k: keyof AccountForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => void;
}) {
  const t = useTranslations("settings.cloudAccounts");
  const invalid = (k: string) => (errors[k] ? { "aria-invalid": true as const, "aria-describedby": `${k}-error` } : {});
  return (
    <>
      <Field id="name" label={t("name")} error={errors.name}>
        <Input id="name" value={form.name} onChange={set("name")} {...invalid("name")} />
      </Field>
      <Field id="kind" label={t("kind")}>
        <Select id="kind" value={form.kind} onChange={set("kind")}>
          {(["access_key", "sts", "ram_role"] as const).map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="accessKeyId" label={t("accessKeyId")} error={errors.accessKeyId}>
        <Input
          id="accessKeyId"
          autoComplete="off"
          value={form.accessKeyId}
          onChange={set("accessKeyId")}
          {...invalid("accessKeyId")}
        />
      </Field>
      <Field id="accessKeySecret" label={t("accessKeySecret")} error={errors.accessKeySecret}>
        <Input
          id="accessKeySecret"
          type="password"
          autoComplete="off"
          value={form.accessKeySecret}
          onChange={set("accessKeySecret")}
          {...invalid("accessKeySecret")}
        />
      </Field>
      {form.kind === "sts" && (
        <Field id="securityToken" label={t("securityToken")} error={errors.securityToken}>
          <Input
            id="securityToken"
            type="password"
            value={form.securityToken}
            onChange={set("securityToken")}
            {...invalid("securityToken")}
          />
        </Field>
      )}
      {form.kind === "ram_role" && (
        <Field id="roleArn" label={t("roleArn")} error={errors.roleArn}>
          <Input id="roleArn" value={form.roleArn} onChange={set("roleArn")} {...invalid("roleArn")} />
        </Field>
      )}
      <Field id="defaultRegion" label={t("defaultRegion")} error={errors.defaultRegion}>
        <Input
          id="defaultRegion"
          value={form.defaultRegion}
          onChange={set("defaultRegion")}
          {...invalid("defaultRegion")}
        />
      </Field>
      <Field
        id="maxRequestsPerSecond"
        label={t("maxRequestsPerSecond")}
        hint={t("maxRequestsPerSecondHint")}
        error={errors.maxRequestsPerSecond}
      >
        <Input
          id="maxRequestsPerSecond"
          inputMode="decimal"
          value={form.maxRequestsPerSecond}
          onChange={set("maxRequestsPerSecond")}
          {...invalid("maxRequestsPerSecond")}
        />
      </Field>
    </>
  );
}
