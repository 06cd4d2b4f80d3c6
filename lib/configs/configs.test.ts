import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vi } from "vitest";
vi.mock("server-only", () => ({}));
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import {
  addRevision,
  createConfig,
  diffRevisions,
  duplicateConfig,
  exportConfigFile,
  getConfig,
  importConfigFile,
  listConfigs,
  renderExport,
  saveConfigFromDeployment,
  setArchived,
} from "./config.service";
import {
  createShareLink,
  resolveShareToken,
  revokeShareLink,
  SHARE_VIEW_ACTOR,
  viewShareLink,
} from "./share-link.service";
import { verifyAuditChain } from "@/lib/audit/chain";
import { AUDIT_REFUSED, whileAuditRefused } from "@/lib/testing/refuse-audit";
import { generateBundle } from "@/lib/os/bundle";
import {
  CONFIG_FILE_MAX_BYTES,
  configSpecFromDeployment,
  configSpecSchema,
  type ConfigSpecInput,
} from "./config.schema";
import { exportRos } from "./export-ros";
import { exportTerraform, hcl } from "./export-terraform";
import { userActor } from "@/lib/audit/actor";

let t: TestDb;
const actor = userActor("user-1", "alice@example.com");
const bigints = (_k: string, v: unknown) => (typeof v === "bigint" ? String(v) : v);

export const sampleSpec: ConfigSpecInput = {
  configSpecVersion: 1,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  eni: { mode: "create", name: "web-eni" },
  privateIps: { mode: "count", count: 2 },
  usePrimaryIp: true,
  eips: [{ source: "allocate" }, { source: "allocate" }, { source: "existing" }],
  os: "alinux2",
  traffic: "policy-routes",
};

const deploymentSpec = {
  specVersion: 1,
  cloudAccountId: "ca-secret-account-123",
  regionId: "ap-northeast-1",
  instance: {
    mode: "create",
    zoneId: "ap-northeast-1a",
    instanceType: "ecs.g7.large",
    imageId: "m-customimage01",
    vSwitchId: "vsw-abc123",
    securityGroupId: "sg-abc123",
    password: "Sup3r-Secret-Pw",
  },
  eni: { mode: "existing", networkInterfaceId: "eni-abc123" },
  privateIps: { mode: "explicit", addresses: ["172.16.0.77", "172.16.0.78"] },
  usePrimaryIp: true,
  eips: [{ allocationId: "eip-abc123", privateIp: "172.16.0.78" }, {}],
  eipAllocation: { bandwidth: 10, internetChargeType: "PayByTraffic", namePrefix: "web" },
  allowStopInstance: false,
  os: "ubuntu",
  traffic: "inbound-only",
  eipQuota: 20,
};

beforeAll(async () => {
  process.env.APP_SECRET ??= "test-secret-".padEnd(40, "x");
  t = await createTestDb();
  for (const id of ["team-a", "team-b", "team-c"]) await t.db.organization.create({ data: { id, name: id, slug: id } });
});
afterAll(async () => {
  await t?.close();
});

describe("config spec", () => {
  it("strips credentials and account-specific ids from a deployment spec, keeping the shape", () => {
    const r = configSpecFromDeployment(deploymentSpec);
    expect(r.success).toBe(true);
    const text = JSON.stringify(r.data);
    for (const secret of [
      "ca-secret-account-123",
      "vsw-abc123",
      "sg-abc123",
      "Sup3r-Secret-Pw",
      "eni-abc123",
      "eip-abc123",
      "m-customimage01",
    ])
      expect(text).not.toContain(secret);
    expect(r.data).toMatchObject({
      regionId: "ap-northeast-1",
      instance: { mode: "create", instanceType: "ecs.g7.large", zoneId: "ap-northeast-1a" },
      // a v1 deployment spec is one ENI of a v2 config
      enis: [
        {
          eni: { mode: "existing" },
          privateIps: { mode: "explicit", addresses: ["172.16.0.77", "172.16.0.78"] },
          eips: [{ source: "existing", privateIp: "172.16.0.78" }, { source: "allocate" }],
        },
      ],
      os: "ubuntu",
      traffic: "inbound-only",
    });
  });
});

describe("exports", () => {
  it("ROS: ENI + attachment + EIPs + NAT-mode associations to the ENI's private IPs", () => {
    const spec = configSpecFromDeployment(deploymentSpec).data!;
    const ros = exportRos(spec, { name: "web", revision: 3 }) as {
      ROSTemplateFormatVersion: string;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Parameters: Record<string, unknown>;
    };
    expect(ros.ROSTemplateFormatVersion).toBe("2015-09-01");
    // the deployment created its instance: so does the template, from the config's shape and per-account parameters
    expect(Object.keys(ros.Parameters)).toEqual(
      expect.arrayContaining([
        "VSwitchId",
        "SecurityGroupId",
        "ImageId",
        "InstancePassword",
        "NetworkInterfaceId",
        "EipAllocationId1",
      ]),
    );
    // issue 20 item 8: the ENI's primary IP is no longer a parameter the user must type
    expect(ros.Parameters).not.toHaveProperty("EniPrimaryIpAddress");
    expect(ros.Parameters).not.toHaveProperty("InstanceId");
    expect(ros.Resources.Instance!.Type).toBe("ALIYUN::ECS::Instance");
    expect(ros.Resources.Instance!.Properties).toMatchObject({
      ZoneId: "ap-northeast-1a",
      InstanceType: "ecs.g7.large",
      ImageId: { Ref: "ImageId" },
    });
    expect(ros.Resources.EniAttachment!.Type).toBe("ALIYUN::ECS::NetworkInterfaceAttachment");
    expect(ros.Resources.EniAttachment!.Properties.InstanceId).toEqual({ "Fn::GetAtt": ["Instance", "InstanceId"] });
    expect(ros.Resources.SecondaryIps!.Properties.PrivateIpAddresses).toEqual(["172.16.0.77", "172.16.0.78"]);
    expect(ros.Resources.Eip2!.Type).toBe("ALIYUN::VPC::EIP");
    const a1 = ros.Resources.EipAssociation1!;
    expect(a1.Type).toBe("ALIYUN::VPC::EIPAssociation");
    expect(a1.Properties).toEqual({
      AllocationId: { Ref: "EipAllocationId1" },
      InstanceId: { Ref: "NetworkInterfaceId" },
      PrivateIpAddress: "172.16.0.78",
      Mode: "NAT",
    });
    // the second EIP takes the next free slot: the ENI primary IP, where an association without an address goes
    expect(ros.Resources.EipAssociation2!.Properties).not.toHaveProperty("PrivateIpAddress");
  });

  it("ROS and Terraform agree for a count-mode config with a new ENI", () => {
    const ros = exportRos(configSpecSchema.parse(sampleSpec), { name: "x", revision: 1 }) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    expect(ros.Resources.Eni!.Type).toBe("ALIYUN::ECS::NetworkInterface");
    // issue 20 item 8: ROS picks the addresses (they used to be a parameter the user had to fill in)
    expect(ros.Resources.Eni!.Properties.SecondaryPrivateIpAddressCount).toBe(2);
    const assoc = Object.values(ros.Resources).filter((r) => r.Type === "ALIYUN::VPC::EIPAssociation");
    expect(assoc).toHaveLength(3);
    expect(assoc.map((a) => a.Properties.PrivateIpAddress)).toEqual([
      { "Fn::GetAtt": ["Eni", "PrivateIpAddress"] },
      { "Fn::Select": ["0", { "Fn::GetAtt": ["Eni", "SecondaryPrivateIpAddresses"] }] },
      { "Fn::Select": ["1", { "Fn::GetAtt": ["Eni", "SecondaryPrivateIpAddresses"] }] },
    ]);
    const tf = exportTerraform(configSpecSchema.parse(sampleSpec), { name: "x", revision: 1 });
    expect(tf).toContain('resource "alicloud_ecs_network_interface" "eni"');
    expect(tf).toContain("secondary_private_ip_address_count = 2");
    expect(tf).toContain('resource "alicloud_ecs_network_interface_attachment" "eni"');
    expect(tf.match(/resource "alicloud_eip_address"/g)).toHaveLength(2);
    expect(tf.match(/resource "alicloud_eip_association"/g)).toHaveLength(3);
    expect(tf.match(/instance_type {6}= "NetworkInterface"/g)).toHaveLength(3);
    expect(tf.match(/mode {15}= "NAT"/g)).toHaveLength(3);
    expect(tf).toContain("private_ip_address = alicloud_ecs_network_interface.eni.primary_ip_address");
    expect(tf).toContain('variable "eip_3_allocation_id"');
  });

  it("escapes HCL strings", () => {
    expect(hcl('a"b\\c ${evil} %{x}\n')).toBe('"a\\"b\\\\c $${evil} %%{x}\\n"');
    const tf = exportTerraform(configSpecSchema.parse(sampleSpec), { name: '"}\nresource "x" "y" {', revision: 1 });
    expect(tf.split("\n")[0]).toMatch(/^# EIPilot config/);
    expect(tf).not.toContain('resource "x"');
  });
});

describe("config library", () => {
  let id: string;
  it("creates, revises immutably, diffs and lists per team", async () => {
    ({ id } = await createConfig("team-a", actor, {
      name: "Web tier",
      description: "three EIPs",
      tags: ["web", "prod"],
      spec: sampleSpec,
    }));
    const r2 = await addRevision("team-a", actor, id, {
      spec: { ...sampleSpec, privateIps: { mode: "count", count: 3 }, traffic: "inbound-only" },
      message: "one more",
      expectedRevision: 1,
    });
    expect(r2.revision).toBe(2);
    await expect(addRevision("team-a", actor, id, { spec: sampleSpec, expectedRevision: 1 })).rejects.toMatchObject({
      details: { code: "CONFLICT" },
    });
    // The same spec again is not a revision: refused, with nothing added to the history.
    await expect(
      addRevision("team-a", actor, id, {
        spec: { ...sampleSpec, privateIps: { mode: "count", count: 3 }, traffic: "inbound-only" },
        message: "again",
        expectedRevision: 2,
      }),
    ).rejects.toMatchObject({
      message: "Nothing changed since revision 2: edit the spec first.",
      details: { code: "NO_CHANGE", field: "spec" },
    });
    const c = await getConfig("team-a", id);
    expect(c.revisions.map((r) => r.revision)).toEqual([2, 1]);
    expect(c.revisions[1]!.spec).toMatchObject({ enis: [{ privateIps: { count: 2 } }] });
    const diff = await diffRevisions("team-a", id, 1, 2);
    expect(diff).toEqual([
      { path: "enis[0].privateIps.count", kind: "changed", before: 2, after: 3 },
      { path: "traffic", kind: "changed", before: "policy-routes", after: "inbound-only" },
    ]);
    expect((await listConfigs("team-a")).map((x) => x.id)).toContain(id);
    expect(await listConfigs("team-b")).toEqual([]);
    expect((await listConfigs("team-a", { q: "Web" })).map((x) => x.id)).toContain(id);
    expect(await listConfigs("team-a", { q: "Web\u0000" })).toEqual([]);
    // "%" and "_" are searched as typed, not as LIKE's wildcards
    expect(await listConfigs("team-a", { q: "_" })).toEqual([]);
    expect(await listConfigs("team-a", { q: "W%b" })).toEqual([]);
    expect(await listConfigs("team-a", { tag: "\u0000" })).toEqual([]);
    await expect(getConfig("team-b", id)).rejects.toMatchObject({ details: { code: "NOT_FOUND" } });
    await expect(addRevision("team-b", actor, id, { spec: sampleSpec })).rejects.toMatchObject({
      details: { code: "NOT_FOUND" },
    });
  });

  it("duplicates and archives; an archived config is read-only and filtered out", async () => {
    const copy = await duplicateConfig("team-a", actor, id);
    expect((await getConfig("team-a", copy.id)).name).toBe("Web tier (copy)");
    await setArchived("team-a", actor, copy.id, true);
    expect((await listConfigs("team-a")).map((x) => x.id)).not.toContain(copy.id);
    expect((await listConfigs("team-a", { archived: true })).map((x) => x.id)).toEqual([copy.id]);
    await expect(addRevision("team-a", actor, copy.id, { spec: sampleSpec })).rejects.toMatchObject({
      details: { code: "ARCHIVED" },
    });
    await expect(setArchived("team-b", actor, id, true)).rejects.toMatchObject({ details: { code: "NOT_FOUND" } });
  });

  it("saves a deployment as a config without credentials or account ids", async () => {
    const d = await t.db.deployment.create({
      data: { teamId: "team-a", name: "dep", spec: deploymentSpec as never },
      select: { id: true },
    });
    const saved = await saveConfigFromDeployment("team-a", actor, d.id, { name: "From deployment", tags: ["saved"] });
    const rev = await t.db.configRevision.findFirstOrThrow({ where: { templateId: saved.id } });
    expect(JSON.stringify(rev.spec)).not.toMatch(/ca-secret|vsw-|sg-|Sup3r|eni-abc|eip-abc/);
    await expect(saveConfigFromDeployment("team-b", actor, d.id, { name: "steal" })).rejects.toMatchObject({
      details: { code: "NOT_FOUND" },
    });
    const incomplete = await t.db.deployment.create({
      data: { teamId: "team-a", name: "draft", spec: { specVersion: 1, regionId: "ap-northeast-1" } as never },
      select: { id: true },
    });
    await expect(saveConfigFromDeployment("team-a", actor, incomplete.id, { name: "x" })).rejects.toThrow(
      /not complete enough/,
    );
  });

  it("renders every export format and audits it", async () => {
    for (const format of ["json", "ros", "terraform"] as const) {
      const out = await renderExport("team-a", actor, id, 1, format);
      expect(out.body.length).toBeGreaterThan(50);
      expect(out.filename).toMatch(/^Web-tier-r1\./);
    }
    await expect(renderExport("team-a", actor, id, 1, "bundle")).rejects.toThrow(/MAC/);
    const guest = {
      mac: "00:16:3e:12:34:56",
      primaryIp: "172.16.0.57",
      secondaryIps: ["172.16.0.77", "172.16.0.78"],
      prefixLength: 24,
      gateway: "172.16.0.253",
    };
    const bundle = await renderExport("team-a", actor, id, 1, "bundle", guest);
    expect(bundle).toMatchObject({ filename: "Web-tier-r1-bundle.tar.gz", contentType: "application/gzip" });
    expect(bundle.body).toBeInstanceOf(Uint8Array);
    // tar(1) lists and extracts it: the generator's files under one directory, scripts executable, contents intact.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfg-bundle-"));
    try {
      fs.writeFileSync(path.join(dir, bundle.filename), bundle.body);
      const listing = execFileSync("tar", ["-tzvf", bundle.filename], { cwd: dir, encoding: "utf8" });
      const expected = generateBundle({
        os: "alinux2",
        interfaces: [{ device: "eth1", ...guest, routeTable: 1001 }],
      }).files;
      const listed = listing
        .trim()
        .split("\n")
        .map((line) => ({ mode: line.split(/\s+/)[0], path: line.split(/\s+/).pop() }));
      expect(listed.map((l) => l.path)).toEqual(expected.map((f) => `Web-tier-r1-bundle/${f.path}`));
      for (const name of ["apply.sh", "verify.sh", "rollback.sh"])
        expect(listed.find((l) => l.path === `Web-tier-r1-bundle/${name}`)?.mode).toBe("-rwxr-xr-x");
      expect(listed.find((l) => l.path === "Web-tier-r1-bundle/README.md")?.mode).toBe("-rw-r--r--");
      execFileSync("tar", ["-xzf", bundle.filename], { cwd: dir });
      for (const f of expected) {
        const onDisk = path.join(dir, "Web-tier-r1-bundle", f.path);
        expect(fs.readFileSync(onDisk, "utf8")).toBe(f.content);
        expect((fs.statSync(onDisk).mode & 0o777).toString(8)).toBe(f.mode.slice(1));
      }
      // and the bundle's own checksums hold after extraction
      execFileSync("sha256sum", ["-c", "--quiet", "SHA256SUMS"], { cwd: path.join(dir, "Web-tier-r1-bundle") });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await t.db.auditEvent.count({ where: { teamId: "team-a", action: "app:config.export" } })).toBe(4);
  });
});

describe("import", () => {
  const good = () => ({
    schemaVersion: 1,
    kind: "eipilot.configs",
    configs: [
      { name: "Imported", description: "", tags: ["x"], revisions: [{ revision: 1, message: "", spec: sampleSpec }] },
    ],
  });
  const count = () => t.db.configTemplate.count({ where: { teamId: "team-b" } });

  it("round-trips an export into another team", async () => {
    const [a] = await listConfigs("team-a");
    const file = await exportConfigFile("team-a", [a!.id]);
    const r = await importConfigFile("team-b", actor, JSON.stringify(file));
    expect(r.ok).toBe(true);
    if (r.ok)
      expect((await getConfig("team-b", r.created[0]!.id)).revisions.length).toBe(file.configs[0]!.revisions.length);
  });

  it.each([
    ["not JSON", "{oops", /not valid JSON/],
    ["wrong version", JSON.stringify({ ...good(), schemaVersion: 2 }), /schemaVersion: 2 is not supported/],
    [
      "missing fields",
      JSON.stringify({
        schemaVersion: 1,
        kind: "eipilot.configs",
        configs: [{ revisions: [{ revision: 1, spec: { configSpecVersion: 1 } }] }],
      }),
      /configs\.0\.name/,
    ],
    ["oversized", JSON.stringify({ ...good(), pad: "x".repeat(CONFIG_FILE_MAX_BYTES) }), /larger than/],
    [
      "a credential smuggled into the spec",
      JSON.stringify({
        ...good(),
        configs: [
          {
            ...good().configs[0],
            revisions: [{ revision: 1, spec: { ...sampleSpec, cloudAccountId: "ca-1", accessKeySecret: "x" } }],
          },
        ],
      }),
      /Unrecognized key/,
    ],
    [
      "an account id in the spec",
      JSON.stringify({
        ...good(),
        configs: [
          {
            ...good().configs[0],
            revisions: [
              { revision: 1, spec: { ...sampleSpec, eni: { mode: "existing", networkInterfaceId: "eni-1" } } },
            ],
          },
        ],
      }),
      /Unrecognized key/,
    ],
    [
      "duplicate revisions",
      JSON.stringify({
        ...good(),
        configs: [
          {
            ...good().configs[0],
            revisions: [
              { revision: 1, spec: sampleSpec },
              { revision: 1, spec: sampleSpec },
            ],
          },
        ],
      }),
      /revision numbers repeat/,
    ],
  ])("refuses %s and changes nothing", async (_name, text, problem) => {
    const before = await count();
    const r = await importConfigFile("team-b", actor, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join("\n")).toMatch(problem);
    expect(await count()).toBe(before);
  });

  it("reports every problem, not just the first, and creates none of the valid configs", async () => {
    const before = await count();
    const file = {
      ...good(),
      configs: [
        good().configs[0],
        {
          name: "",
          tags: ["bad tag!"],
          revisions: [{ revision: 1, spec: { ...sampleSpec, regionId: "Mars", os: "windows" } }],
        },
      ],
    };
    const r = await importConfigFile("team-b", actor, JSON.stringify(file));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const all = r.problems.join("\n");
      for (const p of [
        "configs.1.name",
        "configs.1.tags.0",
        "configs.1.revisions.0.spec.regionId",
        "configs.1.revisions.0.spec.os",
      ])
        expect(all).toContain(p);
    }
    expect(await count()).toBe(before);
  });

  it("stores script text in names as text", async () => {
    const name = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    const r = await importConfigFile(
      "team-b",
      actor,
      JSON.stringify({ ...good(), configs: [{ ...good().configs[0], name }] }),
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect((await getConfig("team-b", r.created[0]!.id)).name).toBe(name);
  });
});

describe("share links", () => {
  it("shows the config to anyone with the token, never team or account ids; refuses expired, revoked and forged tokens", async () => {
    const [cfg] = await listConfigs("team-a");
    const link = await createShareLink("team-a", actor, cfg!.id, { expiresInHours: 1 });
    const shared = await resolveShareToken(link.token);
    expect(shared.ok).toBe(true);
    const text = JSON.stringify(shared);
    expect(text).not.toContain("team-a");
    expect(text).not.toContain(cfg!.id);
    expect(await resolveShareToken(link.token, new Date(Date.now() + 2 * 3600_000))).toEqual({
      ok: false,
      reason: "expired",
    });
    const [body, mac] = link.token.split(".");
    const forged =
      Buffer.from(
        Buffer.from(body!, "base64url")
          .toString()
          .replace(/"e":\d+/, `"e":${Date.now() + 1e9}`),
      ).toString("base64url") +
      "." +
      mac;
    expect(await resolveShareToken(forged)).toEqual({ ok: false, reason: "invalid" });
    expect(await resolveShareToken("garbage")).toEqual({ ok: false, reason: "invalid" });
    await expect(revokeShareLink("team-b", actor, link.id)).rejects.toMatchObject({ details: { code: "NOT_FOUND" } });
    await revokeShareLink("team-a", actor, link.id);
    expect(await resolveShareToken(link.token)).toEqual({ ok: false, reason: "revoked" });
    await expect(createShareLink("team-b", actor, cfg!.id, { expiresInHours: 1 })).rejects.toMatchObject({
      details: { code: "NOT_FOUND" },
    });
    await expect(createShareLink("team-a", actor, cfg!.id, { expiresInHours: 24 * 365 })).rejects.toThrow(/1 to/);
  });

  it("accepts a token only as it was issued: no suffix, padding, spare bits or other spelling (issue 17 #9)", async () => {
    const [cfg] = await listConfigs("team-a");
    const { token } = await createShareLink("team-a", actor, cfg!.id, { expiresInHours: 1 });
    expect(await resolveShareToken(token)).toMatchObject({ ok: true });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** `part` with the lowest (unused) bit of its last character flipped: the same bytes when decoded. */
    const spareBit = (part: string) => part.slice(0, -1) + alphabet[alphabet.indexOf(part.at(-1)!) ^ 1];
    const [body, mac] = token.split(".") as [string, string];
    const variants = [
      `${token}.x`,
      `${token}.`,
      `${token}=`,
      `${body}=.${mac}`,
      `${body}.${mac}==`,
      `${body}.${spareBit(mac)}`,
      `${body}.${mac} `,
      ` ${token}`,
      `${body}.${mac.slice(0, 20)}+${mac.slice(21)}`,
      `${body}.${mac.slice(0, 20)}\n${mac.slice(20)}`,
      token.toUpperCase(),
      token.toLowerCase(),
    ].filter((v) => v !== token);
    // Node decodes each of these to the same bytes: only the spelling differs.
    expect(Buffer.from(spareBit(mac), "base64url")).toEqual(Buffer.from(mac, "base64url"));
    if ((body.length * 6) % 8 !== 0) {
      expect(Buffer.from(spareBit(body), "base64url")).toEqual(Buffer.from(body, "base64url"));
      variants.push(`${spareBit(body)}.${mac}`);
    }
    for (const v of variants)
      expect({ v, r: await resolveShareToken(v) }).toEqual({ v, r: { ok: false, reason: "invalid" } });
    expect(await resolveShareToken(token)).toMatchObject({ ok: true });
  });

  it("audits every view of a link in the link's team — successes and refusals — with client IP and user agent, never the token", async () => {
    const [cfg] = await listConfigs("team-a");
    const link = await createShareLink("team-a", actor, cfg!.id, { revision: 1, expiresInHours: 1 });
    const viewer = { clientIp: "203.0.113.9", userAgent: "Mozilla/5.0 (share test)", requestId: "req-share-1" };
    const views = () => t.db.auditEvent.findMany({ where: { action: "app:config.shareView" }, orderBy: { id: "asc" } });
    const before = (await views()).length;

    const ok = await viewShareLink(link.token, viewer);
    expect(ok).toMatchObject({ ok: true, revision: 1 });
    const expired = await viewShareLink(link.token, viewer, new Date(Date.now() + 2 * 3600_000));
    expect(expired).toEqual({ ok: false, reason: "expired" });
    // Tokens that name no link have no team to record them for.
    expect(await viewShareLink("garbage", viewer)).toEqual({ ok: false, reason: "invalid" });
    const [body, mac] = link.token.split(".");
    expect(await viewShareLink(`${body}.${mac!.slice(1)}x`, viewer)).toEqual({ ok: false, reason: "invalid" });
    await revokeShareLink("team-a", actor, link.id);
    expect(await viewShareLink(link.token, viewer)).toEqual({ ok: false, reason: "revoked" });

    const events = (await views()).slice(before);
    expect(events.map((e) => [e.teamId, e.outcome, e.errorCode])).toEqual([
      ["team-a", "success", null],
      ["team-a", "failure", "SHARE_EXPIRED"],
      ["team-a", "failure", "SHARE_REVOKED"],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({
        actorType: "system",
        actorId: null,
        actorLabel: SHARE_VIEW_ACTOR,
        targets: [cfg!.id, link.id],
        clientIp: "203.0.113.9",
        userAgent: "Mozilla/5.0 (share test)",
        requestId: "req-share-1",
      });
      expect(e.params).toMatchObject({ configId: cfg!.id });
    }
    expect(events[0]!.params).toEqual({ configId: cfg!.id, revision: 1 });
    // The token (and its signature) appear nowhere in the trail.
    const all = JSON.stringify(await t.db.auditEvent.findMany(), bigints);
    expect(all).not.toContain(link.token);
    expect(all).not.toContain(mac);
    // resolveShareToken alone (no request) records nothing.
    await resolveShareToken(link.token);
    expect((await views()).length).toBe(before + 3);
    expect(await verifyAuditChain(t.db, "team-a")).toMatchObject({ ok: true });
  });

  it("audits config changes without secrets", async () => {
    const events = await t.db.auditEvent.findMany({ where: { teamId: "team-a" } });
    const actions = new Set(events.map((e) => e.action));
    for (const a of [
      "app:config.create",
      "app:config.revise",
      "app:config.archive",
      "app:config.share",
      "app:config.share.revoke",
      "app:config.saveFromDeployment",
    ])
      expect(actions).toContain(a);
    expect(JSON.stringify(events, bigints)).not.toMatch(/Sup3r-Secret-Pw|ca-secret-account/);
  });

  it("a change whose audit event cannot be written does not happen (create, revise, share, revoke, import)", async () => {
    const { id } = await createConfig("team-c", actor, { name: "kept as is", spec: sampleSpec });
    const shared = await createShareLink("team-c", actor, id, { expiresInHours: 1 });
    const file = JSON.stringify(await exportConfigFile("team-c", [id]));
    const rows = async () => ({
      configs: await t.db.configTemplate.count({ where: { teamId: "team-c" } }),
      revisions: await t.db.configRevision.count({ where: { template: { teamId: "team-c" } } }),
      links: await t.db.shareLink.count({ where: { teamId: "team-c" } }),
      revoked: await t.db.shareLink.count({ where: { teamId: "team-c", revokedAt: { not: null } } }),
      events: await t.db.auditEvent.count({ where: { teamId: "team-c" } }),
    });
    const before = await rows();
    await whileAuditRefused(t.db, `NEW."teamId" = 'team-c' AND NEW.action LIKE 'app:config.%'`, async () => {
      await expect(createConfig("team-c", actor, { name: "never", spec: sampleSpec })).rejects.toThrow(AUDIT_REFUSED);
      await expect(
        addRevision("team-c", actor, id, { spec: { ...sampleSpec, privateIps: { mode: "count", count: 3 } } }),
      ).rejects.toThrow(AUDIT_REFUSED);
      await expect(createShareLink("team-c", actor, id, { expiresInHours: 1 })).rejects.toThrow(AUDIT_REFUSED);
      await expect(revokeShareLink("team-c", actor, shared.id)).rejects.toThrow(AUDIT_REFUSED);
      await expect(setArchived("team-c", actor, id, true)).rejects.toThrow(AUDIT_REFUSED);
      await expect(importConfigFile("team-c", actor, file)).rejects.toThrow(AUDIT_REFUSED);
      expect(await rows()).toEqual(before);
      expect(await getConfig("team-c", id)).toMatchObject({ archived: false, latestRevision: 1 });
    });
    expect(await verifyAuditChain(t.db, "team-c")).toMatchObject({ ok: true });
  });
});

describe("draft from config", () => {
  it("gives the wizard the shape and nothing account-specific; round-trips back to the same config", async () => {
    const { draftFromConfig } = await import("./config.schema");
    const spec = configSpecSchema.parse(sampleSpec);
    const draft = draftFromConfig(spec);
    expect(draft).toMatchObject({
      specVersion: 1,
      regionId: "ap-northeast-1",
      instance: { mode: "existing" },
      eni: { mode: "create", name: "web-eni" },
      privateIps: { mode: "count", count: 2 },
    });
    expect((draft.eips as unknown[])[2]).toMatchObject({ pickExisting: true });
    const back = configSpecFromDeployment({
      ...draft,
      eips: (draft.eips as Record<string, unknown>[]).map((e) =>
        e.pickExisting ? { allocationId: "eip-chosen1" } : e,
      ),
    });
    expect(back.data).toEqual(spec);
  });
});

describe("spec v2: several ENIs and the primary ENI", () => {
  /** A v2 deployment with an existing ENI and a created one with 14 IPs, as the engine stores it. */
  const twoEniDeployment = {
    specVersion: 2,
    cloudAccountId: "ca-secret-account-123",
    regionId: "ap-northeast-1",
    instance: { mode: "existing", instanceId: "i-secret0001" },
    os: "alinux3",
    traffic: "policy-routes",
    enis: [
      {
        eni: { mode: "existing", networkInterfaceId: "eni-abc123" },
        privateIps: { mode: "count", count: 2 },
        usePrimaryIp: true,
        eips: [{ allocationId: "eip-abc123" }, {}, {}],
      },
      {
        eni: { mode: "create", vSwitchId: "vsw-abc123", securityGroupId: "sg-abc123", name: "second-eni" },
        privateIps: { mode: "count", count: 14 },
        usePrimaryIp: false,
        eips: Array.from({ length: 14 }, () => ({})),
      },
    ],
  };

  it("saving a 2-ENI deployment as a config and starting a deployment from it keeps both ENIs", async () => {
    const d = await t.db.deployment.create({
      data: { teamId: "team-a", name: "two-enis", spec: twoEniDeployment as never },
      select: { id: true },
    });
    const saved = await saveConfigFromDeployment("team-a", actor, d.id, { name: "Two ENIs" });
    const rev = await t.db.configRevision.findFirstOrThrow({ where: { templateId: saved.id } });
    expect(JSON.stringify(rev.spec)).not.toMatch(/ca-secret|i-secret|vsw-|sg-|eni-abc|eip-abc/);
    const config = (await getConfig("team-a", saved.id)).revisions[0]!.spec;
    expect(config).toMatchObject({
      configSpecVersion: 2,
      enis: [
        {
          eni: { mode: "existing", status: "Available" },
          privateIps: { count: 2 },
          eips: [{ source: "existing" }, { source: "allocate" }, { source: "allocate" }],
        },
        { eni: { mode: "create", name: "second-eni" }, privateIps: { count: 14 }, usePrimaryIp: false },
      ],
    });
    expect((config as { enis: { eips: unknown[] }[] }).enis[1]!.eips).toHaveLength(14);

    // the wizard's draft: both ENIs, account ids left to the user; filled in, it is a valid v2 spec with both
    const { draftFromConfig } = await import("./config.schema");
    const draft = draftFromConfig(configSpecSchema.parse(config)) as {
      specVersion: number;
      enis: Record<string, unknown>[];
    };
    expect(draft.specVersion).toBe(2);
    expect(draft.enis).toHaveLength(2);
    const { parseSpec } = await import("@/lib/deploy/spec.schema");
    const filled = parseSpec({
      ...draft,
      cloudAccountId: "ca-other",
      instance: { mode: "existing", instanceId: "i-mine0001" },
      enis: [
        {
          ...draft.enis[0],
          eni: { mode: "existing", networkInterfaceId: "eni-mine0001" },
          eips: [{ allocationId: "eip-mine0001" }, {}, {}],
        },
        { ...draft.enis[1], eni: { mode: "create", vSwitchId: "vsw-mine0001", securityGroupId: "sg-mine0001" } },
      ],
    });
    expect(filled.enis.map((e) => [e.eni.mode, e.privateIps, e.eips.length])).toEqual([
      ["existing", { mode: "count", count: 2 }, 3],
      ["create", { mode: "count", count: 14 }, 14],
    ]);
  });

  it("reads a v1 revision stored earlier as one ENI, and diffs it against a v2 revision field by field", async () => {
    // as an older EIPilot stored it: the v1 shape in the row itself (revisions are immutable: written once)
    const created = await t.db.configTemplate.create({
      data: { teamId: "team-a", name: "Old v1", revisions: { create: { revision: 1, spec: sampleSpec as never } } },
      select: { id: true },
    });
    // getConfig gives the row as stored; every reader parses it with configSpecSchema
    const old = configSpecSchema.parse((await getConfig("team-a", created.id)).revisions[0]!.spec);
    expect(old).toMatchObject({
      configSpecVersion: 2,
      enis: [{ eni: { mode: "create", name: "web-eni" }, privateIps: { count: 2 }, usePrimaryIp: true }],
    });
    const v2 = old;
    await addRevision("team-a", actor, created.id, {
      spec: {
        ...v2,
        enis: [
          ...v2.enis,
          { eni: { mode: "primary" }, privateIps: { mode: "count", count: 1 }, eips: [{ source: "allocate" }] },
        ],
      },
      expectedRevision: 1,
    });
    const diff = await diffRevisions("team-a", created.id, 1, 2);
    expect(diff.map((x) => x.path)).toEqual([
      "enis[1].eips[0].source",
      "enis[1].eni.mode",
      "enis[1].privateIps.count",
      "enis[1].privateIps.mode",
      "enis[1].usePrimaryIp",
    ]);
    expect(diff.every((x) => x.kind === "added")).toBe(true);
  });

  it("imports v1 and v2 config files; shows a v2 config behind a share link with every ENI", async () => {
    const v2spec = {
      configSpecVersion: 2,
      regionId: "ap-northeast-1",
      instance: { mode: "existing" },
      os: "alinux3",
      enis: [
        { eni: { mode: "primary" }, privateIps: { mode: "count", count: 2 }, eips: [{ source: "allocate" }] },
        { eni: { mode: "create" }, privateIps: { mode: "count", count: 12 }, eips: [{ source: "existing" }] },
      ],
    };
    const file = (spec: unknown, name = "Mixed v2") =>
      JSON.stringify({
        schemaVersion: 1,
        kind: "eipilot.configs",
        configs: [{ name, revisions: [{ revision: 1, message: "", spec }] }],
      });
    for (const [spec, name] of [
      [sampleSpec, "Mixed v1"],
      [v2spec, "Mixed v2"],
    ] as const) {
      const r = await importConfigFile("team-b", actor, file(spec, name));
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
    const [v2cfg] = (await listConfigs("team-b")).filter((c) => c.name === "Mixed v2");
    const link = await createShareLink("team-b", actor, v2cfg!.id, { expiresInHours: 1 });
    const shared = await resolveShareToken(link.token);
    expect(shared).toMatchObject({ ok: true });
    if (shared.ok) expect(shared.spec.enis.map((e) => e.eni.mode).sort()).toEqual(["create", "primary"]);
    // a v2 spec with problems is refused with every one of them, at its own paths
    const bad = await importConfigFile(
      "team-b",
      actor,
      file({
        ...v2spec,
        enis: [
          { eni: { mode: "primary" }, usePrimaryIp: true, eips: [{ source: "allocate" }] },
          { eni: { mode: "primary" } },
        ],
      }),
    );
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toMatch(/enis/);
  });
});
