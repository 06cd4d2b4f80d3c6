// The team's library of configs and their revisions (share links live in
// share-link.service.ts). Every function takes the team id and scopes by it:
// another team's config simply does not exist. Revisions are immutable: a
// change appends revision n+1 (compare-and-set on latestRevision); nothing
// here updates or deletes a ConfigRevision row, and the database refuses to
// (trigger, migration config_revision_immutable).
import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { likeLiteral } from "@/lib/db/like";
import type { Prisma } from "@/lib/generated/prisma/client";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type UserActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg, type Translatable } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";
import { issueLines, safeParseIn, zodProblems } from "@/lib/validation/messages";
import { defaultRevisionMessage } from "./revision-message";
import { gzipSync } from "node:zlib";
import { generateBundle, SpecError } from "@/lib/os/bundle";
import { tarArchive } from "@/lib/os/tar";
import { textProblem } from "@/lib/validation/text";
import { MAX_INPUT_DEPTH, nestedDeeperThan } from "@/lib/validation/depth";
import {
  CONFIG_FILE_MAX_BYTES,
  CONFIG_FILE_SCHEMA_VERSION,
  configFileSchema,
  configMessageSchema,
  configMetaSchema,
  configSpecFromDeployment,
  configSpecSchema,
  secondaryCount,
  type ConfigFile,
  type ConfigSpec,
} from "./config.schema";
import { exportRos } from "./export-ros";
import { exportTerraform } from "./export-terraform";
import { diffSpecs, type DiffEntry } from "./diff";

/** Records a change in the transaction that makes it: both commit, or neither. Share links record theirs here too. */
export async function auditConfigChange(
  tx: Tx,
  teamId: string,
  actor: UserActor,
  action: string,
  targets: string[],
  params: Record<string, unknown>,
) {
  await appendAuditEventIn(tx, {
    teamId,
    ...actorFields(actor),
    action,
    targets,
    params,
    outcome: "success",
  });
}

// ---------------------------------------------------------------- reads

export const configListShape = {
  id: true,
  name: true,
  description: true,
  tags: true,
  archived: true,
  latestRevision: true,
  updatedAt: true,
  createdAt: true,
} as const satisfies Prisma.ConfigTemplateSelect;
export type ConfigListItem = Prisma.ConfigTemplateGetPayload<{ select: typeof configListShape }>;

export async function listConfigs(
  teamId: string,
  filter: { archived?: boolean; q?: string; tag?: string } = {},
): Promise<ConfigListItem[]> {
  // A term with a NUL (which the database refuses to compare) matches nothing stored.
  if ([filter.q, filter.tag].some((term) => term && textProblem(term, "storable"))) return [];
  return db().configTemplate.findMany({
    where: {
      teamId,
      archived: filter.archived ?? false,
      ...(filter.q
        ? {
            OR: [
              { name: { contains: likeLiteral(filter.q), mode: "insensitive" } },
              { description: { contains: likeLiteral(filter.q), mode: "insensitive" } },
            ],
          }
        : {}),
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: 500,
    select: configListShape,
  });
}

export async function getConfig(teamId: string, id: string) {
  const t = await db().configTemplate.findFirst({
    where: { id, teamId },
    select: {
      ...configListShape,
      revisions: {
        orderBy: { revision: "desc" },
        select: { revision: true, message: true, createdAt: true, createdById: true, spec: true },
      },
    },
  });
  if (!t) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
  return t;
}

export async function getRevision(
  teamId: string,
  id: string,
  revision?: number,
): Promise<{ name: string; description: string; tags: string[]; revision: number; spec: ConfigSpec }> {
  const t = await db().configTemplate.findFirst({
    where: { id, teamId },
    select: { name: true, description: true, tags: true, latestRevision: true },
  });
  if (!t) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
  const n = revision ?? t.latestRevision;
  const r = await db().configRevision.findFirst({
    where: { templateId: id, revision: n, template: { teamId } },
    select: { spec: true },
  });
  if (!r) throw new UserFacingError(msg("configs.revisionNotFound", { revision: n }), { code: "NOT_FOUND" });
  return { name: t.name, description: t.description, tags: t.tags, revision: n, spec: configSpecSchema.parse(r.spec) };
}

export async function diffRevisions(teamId: string, id: string, from: number, to: number): Promise<DiffEntry[]> {
  const [a, b] = await Promise.all([getRevision(teamId, id, from), getRevision(teamId, id, to)]);
  return diffSpecs(a.spec, b.spec);
}

// ---------------------------------------------------------------- writes

/** A revision's message: plain text (line breaks allowed), refused before anything is written. */
function revisionMessage(message: string | undefined): string {
  const m = configMessageSchema.safeParse(message);
  if (!m.success)
    throw new UserFacingError(
      msg("configs.invalid", { problems: zodProblems(configMessageSchema, message, "message") }),
      { code: "INVALID_INPUT", field: "message" },
    );
  return m.data;
}

export type CreateConfigInput = {
  name: string;
  description?: string;
  tags?: string[];
  spec: unknown;
  message?: string;
};

export async function createConfig(
  teamId: string,
  actor: UserActor,
  input: CreateConfigInput,
  then?: (tx: Tx, id: string) => Promise<void>,
): Promise<{ id: string; revision: number }> {
  const meta = configMetaSchema.safeParse(input);
  if (!meta.success)
    throw new UserFacingError(msg("configs.invalid", { problems: zodProblems(configMetaSchema, input) }), {
      code: "INVALID_INPUT",
      field: String(meta.error.issues[0]?.path[0] ?? "name"),
    });
  const spec = configSpecSchema.safeParse(input.spec);
  if (!spec.success)
    throw new UserFacingError(
      msg("configs.specInvalid", { problems: zodProblems(configSpecSchema, input.spec, "spec") }),
      { code: "INVALID_INPUT", field: "spec" },
    );
  const message = revisionMessage(input.message);
  const created = await db().$transaction(async (tx) => {
    const c = await tx.configTemplate.create({
      data: {
        teamId,
        name: meta.data.name,
        description: meta.data.description,
        tags: meta.data.tags,
        createdById: actor.userId,
        latestRevision: 1,
        revisions: { create: { revision: 1, spec: spec.data as never, message, createdById: actor.userId } },
      },
      select: { id: true },
    });
    await auditConfigChange(tx, teamId, actor, "app:config.create", [c.id], {
      configId: c.id,
      name: meta.data.name,
      revision: 1,
    });
    await then?.(tx, c.id);
    return c;
  });
  return { id: created.id, revision: 1 };
}

/** Appends an immutable revision. `expectedRevision` guards against a concurrent edit. */
export async function addRevision(
  teamId: string,
  actor: UserActor,
  id: string,
  input: { spec: unknown; message?: string; expectedRevision?: number },
): Promise<{ revision: number }> {
  const spec = configSpecSchema.safeParse(input.spec);
  if (!spec.success)
    throw new UserFacingError(
      msg("configs.specInvalid", { problems: zodProblems(configSpecSchema, input.spec, "spec") }),
      { code: "INVALID_INPUT", field: "spec" },
    );
  const message = revisionMessage(input.message);
  const revision = await db().$transaction(async (tx) => {
    const t = await tx.configTemplate.findFirst({
      where: { id, teamId },
      select: { latestRevision: true, archived: true },
    });
    if (!t) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
    if (t.archived) throw new UserFacingError(msg("configs.archived"), { code: "ARCHIVED" });
    if (input.expectedRevision !== undefined && input.expectedRevision !== t.latestRevision) {
      throw new UserFacingError(msg("configs.savedMeanwhile", { revision: t.latestRevision }), { code: "CONFLICT" });
    }
    // A revision is a change: the same spec again would only add a copy to the history.
    const latest = await tx.configRevision.findUnique({
      where: { templateId_revision: { templateId: id, revision: t.latestRevision } },
      select: { spec: true },
    });
    if (latest && diffSpecs(latest.spec, spec.data).length === 0) {
      throw new UserFacingError(msg("configs.nothingChanged", { revision: t.latestRevision }), {
        code: "NO_CHANGE",
        field: "spec",
      });
    }
    const next = t.latestRevision + 1;
    const cas = await tx.configTemplate.updateMany({
      where: { id, teamId, latestRevision: t.latestRevision },
      data: { latestRevision: next },
    });
    if (cas.count !== 1) throw new UserFacingError(msg("configs.revisionMeanwhile"), { code: "CONFLICT" });
    await tx.configRevision.create({
      data: { templateId: id, revision: next, spec: spec.data as never, message, createdById: actor.userId },
    });
    await auditConfigChange(tx, teamId, actor, "app:config.revise", [id], { configId: id, revision: next });
    return next;
  });
  return { revision };
}

export async function updateConfigMeta(
  teamId: string,
  actor: UserActor,
  id: string,
  input: { name: string; description?: string; tags?: string[] },
) {
  const meta = configMetaSchema.safeParse(input);
  if (!meta.success)
    throw new UserFacingError(msg("configs.invalid", { problems: zodProblems(configMetaSchema, input) }), {
      code: "INVALID_INPUT",
      field: String(meta.error.issues[0]?.path[0] ?? "name"),
    });
  await db().$transaction(async (tx) => {
    const r = await tx.configTemplate.updateMany({ where: { id, teamId }, data: meta.data });
    if (r.count !== 1) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
    await auditConfigChange(tx, teamId, actor, "app:config.update", [id], { configId: id, name: meta.data.name });
  });
}

/**
 * Saves a wizard draft or a finished deployment of this team as a new config
 * (credentials and account-specific ids stripped). For the wizard (issue 6).
 */
export async function saveConfigFromDeployment(
  teamId: string,
  actor: UserActor,
  deploymentId: string,
  meta: { name: string; description?: string; tags?: string[] },
) {
  const d = await db().deployment.findFirst({ where: { id: deploymentId, teamId }, select: { spec: true } });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  const stored = (d.spec ?? {}) as Record<string, unknown>;
  const spec = configSpecFromDeployment(stored);
  if (!spec.success) {
    const problems: Translatable = (l) =>
      issueLines(configSpecFromDeployment(stored, l).error ?? { issues: [] }).join("; ");
    throw new UserFacingError(msg("configs.deploymentIncomplete", { problems }), { code: "INVALID_INPUT" });
  }
  return createConfig(
    teamId,
    actor,
    { ...meta, spec: spec.data, message: defaultRevisionMessage.savedFromDeployment(deploymentId) },
    (tx, id) =>
      auditConfigChange(tx, teamId, actor, "app:config.saveFromDeployment", [id, deploymentId], {
        configId: id,
        deploymentId,
      }),
  );
}

export async function duplicateConfig(teamId: string, actor: UserActor, id: string, name?: string) {
  const src = await getRevision(teamId, id);
  return createConfig(teamId, actor, {
    name: (name ?? `${src.name} (copy)`).slice(0, 120),
    description: src.description,
    tags: src.tags,
    spec: src.spec,
    message: defaultRevisionMessage.duplicatedFrom(src.name, src.revision),
  });
}

export async function setArchived(teamId: string, actor: UserActor, id: string, archived: boolean) {
  await db().$transaction(async (tx) => {
    const r = await tx.configTemplate.updateMany({ where: { id, teamId }, data: { archived } });
    if (r.count !== 1) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
    await auditConfigChange(tx, teamId, actor, archived ? "app:config.archive" : "app:config.restore", [id], {
      configId: id,
    });
  });
}

// ---------------------------------------------------------------- export / import

export async function exportConfigFile(teamId: string, ids: string[]): Promise<ConfigFile> {
  const templates = await db().configTemplate.findMany({
    where: { teamId, id: { in: ids } },
    orderBy: { createdAt: "asc" },
    select: {
      name: true,
      description: true,
      tags: true,
      revisions: { orderBy: { revision: "asc" }, select: { revision: true, message: true, spec: true } },
    },
  });
  if (templates.length === 0) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
  return {
    schemaVersion: CONFIG_FILE_SCHEMA_VERSION,
    kind: "eipilot.configs",
    exportedAt: new Date().toISOString(),
    configs: templates.map((t) => ({
      name: t.name,
      description: t.description,
      tags: t.tags,
      revisions: t.revisions.map((r) => ({
        revision: r.revision,
        message: r.message,
        spec: configSpecSchema.parse(r.spec),
      })),
    })),
  };
}

export type ImportResult = { ok: true; created: { id: string; name: string }[] } | { ok: false; problems: string[] };

/** Every problem of an import file (in `locale`), or its configs when it has none. */
function readConfigFile(
  text: string,
  locale: Locale,
): { ok: true; configs: ConfigFile["configs"] } | { ok: false; problems: string[] } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > CONFIG_FILE_MAX_BYTES)
    return { ok: false, problems: [msg("import.tooLarge", { size: bytes, max: CONFIG_FILE_MAX_BYTES })(locale)] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      problems: [
        msg("import.notJson", { details: e instanceof Error ? e.message.slice(0, 120) : "parse error" })(locale),
      ],
    };
  }
  if (nestedDeeperThan(raw)) return { ok: false, problems: [msg("import.tooDeep", { max: MAX_INPUT_DEPTH })(locale)] };
  const problems: string[] = [];
  if (
    raw &&
    typeof raw === "object" &&
    "schemaVersion" in raw &&
    (raw as { schemaVersion: unknown }).schemaVersion !== CONFIG_FILE_SCHEMA_VERSION
  ) {
    problems.push(
      msg("import.schemaVersion", {
        given: JSON.stringify((raw as { schemaVersion: unknown }).schemaVersion),
        version: CONFIG_FILE_SCHEMA_VERSION,
      })(locale),
    );
  }
  const parsed = safeParseIn(locale, configFileSchema, raw);
  if (!parsed.success) {
    for (const p of issueLines(parsed.error))
      if (!p.startsWith("schemaVersion:") || problems.length === 0) problems.push(p);
    return { ok: false, problems };
  }
  for (const [i, c] of parsed.data.configs.entries()) {
    const revs = c.revisions.map((r) => r.revision);
    if (new Set(revs).size !== revs.length) problems.push(msg("import.revisionsRepeat", { index: i })(locale));
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, configs: parsed.data.configs };
}

/**
 * Validates the whole file and reports every problem (in `locale`, the
 * importer's language); creates nothing unless all of it is valid, and then
 * creates everything in one transaction.
 */
export async function importConfigFile(
  teamId: string,
  actor: UserActor,
  text: string,
  locale: Locale = "en",
): Promise<ImportResult> {
  const file = readConfigFile(text, locale);
  if (!file.ok) return file;
  const created = await db().$transaction(async (tx) => {
    const out: { id: string; name: string }[] = [];
    for (const c of file.configs) {
      const revisions = [...c.revisions].sort((a, b) => a.revision - b.revision);
      const t = await tx.configTemplate.create({
        data: {
          teamId,
          name: c.name,
          description: c.description,
          tags: c.tags,
          createdById: actor.userId,
          latestRevision: revisions.length,
          // Renumbered 1..n in order: our revisions are contiguous.
          revisions: {
            create: revisions.map((r, idx) => ({
              revision: idx + 1,
              spec: r.spec as never,
              message: r.message || defaultRevisionMessage.importedRevision(r.revision),
              createdById: actor.userId,
            })),
          },
        },
        select: { id: true, name: true },
      });
      out.push(t);
    }
    await auditConfigChange(
      tx,
      teamId,
      actor,
      "app:config.import",
      out.map((c) => c.id),
      { count: out.length, format: "json" },
    );
    return out;
  });
  return { ok: true, created };
}

export type ExportFormat = "json" | "ros" | "terraform" | "bundle";

/** Guest facts the bundle needs and a config cannot know (they exist only once deployed). */
export type GuestFacts = {
  device?: string;
  mac: string;
  primaryIp: string;
  secondaryIps?: string[];
  prefixLength: number;
  gateway: string;
  routeTable?: number;
};

/** The guest bundle for a config's OS and the guest's facts, as a gzipped tar of the directory `dir`. */
function guestBundleArchive(spec: ConfigSpec, guest: GuestFacts | undefined, dir: string): Uint8Array<ArrayBuffer> {
  if (!guest) throw new UserFacingError(msg("configs.bundleNeedsGuest"), { code: "INVALID_INPUT" });
  // The form describes one interface: the config's first ENI (a deployment's own bundle covers all of them).
  const eni = spec.enis[0]!;
  const secondaries = guest.secondaryIps ?? (eni.privateIps.mode === "explicit" ? eni.privateIps.addresses : []);
  if (secondaries.length !== secondaryCount(eni)) {
    throw new UserFacingError(msg("configs.giveSecondaryIps", { count: secondaryCount(eni) }), {
      code: "INVALID_INPUT",
      field: "secondaryIps",
    });
  }
  try {
    const bundle = generateBundle({
      os: spec.os,
      interfaces: [
        {
          device: guest.device ?? "eth1",
          mac: guest.mac,
          primaryIp: guest.primaryIp,
          secondaryIps: secondaries,
          prefixLength: guest.prefixLength,
          gateway: guest.gateway,
          routeTable: guest.routeTable ?? 1001,
        },
      ],
    });
    // The same files, modes (scripts 0755) and ustar writer as a deployment's bundle download, gzipped.
    return new Uint8Array(
      gzipSync(tarArchive(bundle.files.map((f) => ({ path: `${dir}/${f.path}`, content: f.content, mode: f.mode })))),
    );
  } catch (e) {
    if (e instanceof SpecError)
      throw new UserFacingError(msg("guest.bundleInvalid", { details: e.errors.join("; ") }), {
        code: "INVALID_INPUT",
      });
    throw e;
  }
}

export async function renderExport(
  teamId: string,
  actor: UserActor,
  id: string,
  revision: number | undefined,
  format: ExportFormat,
  guest?: GuestFacts,
) {
  const r = await getRevision(teamId, id, revision);
  const base = `${
    r.name
      .replace(/[^A-Za-z0-9_.-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "config"
  }-r${r.revision}`;
  let body: string | Uint8Array<ArrayBuffer>;
  let filename: string;
  let contentType: string;
  switch (format) {
    case "json":
      body = JSON.stringify(await exportConfigFile(teamId, [id]), null, 2) + "\n";
      filename = `${base}.eipilot.json`;
      contentType = "application/json";
      break;
    case "ros":
      body = JSON.stringify(exportRos(r.spec, { name: r.name, revision: r.revision }), null, 2) + "\n";
      filename = `${base}.ros.json`;
      contentType = "application/json";
      break;
    case "terraform":
      body = exportTerraform(r.spec, { name: r.name, revision: r.revision });
      filename = `${base}.tf`;
      contentType = "text/plain";
      break;
    case "bundle":
      body = guestBundleArchive(r.spec, guest, `${base}-bundle`);
      filename = `${base}-bundle.tar.gz`;
      contentType = "application/gzip";
      break;
    default: {
      const never: never = format;
      throw new UserFacingError(msg("configs.unknownFormat", { format: String(never) }), { code: "INVALID_INPUT" });
    }
  }
  // Nothing changes, but the record comes first: no export leaves unrecorded.
  await db().$transaction((tx) =>
    auditConfigChange(tx, teamId, actor, "app:config.export", [id], { configId: id, revision: r.revision, format }),
  );
  return { body, filename, contentType };
}
