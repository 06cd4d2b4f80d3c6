// Structural checks of the ROS and Terraform exports over every shape a config
// can take: each Terraform file goes through a real HCL parser (@cdktf/hcl2json,
// HashiCorp's hcl library compiled to WebAssembly, offline); each ROS template
// has every Ref / Fn::GetAtt / DependsOn / Fn::If pointing at something it
// declares. Both are checked as `terraform validate` and ROS would check them
// (resource types, argument / property names and types, required ones) against
// the schema facts in ./schemas, and the Terraform text is checked for `terraform
// fmt`'s layout. Nothing that exists in one account only appears as a literal;
// the login password never appears at all. Then one test per issue-20 finding
// (items 5-8), each of which failed on the exports before that fix.
import { parse } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { configSpecSchema, type ConfigSpec, type ConfigSpecInput } from "./config.schema";
import { exportRos } from "./export-ros";
import { exportTerraform } from "./export-terraform";
import { attachesEni } from "./mapping";

const first = (s: ConfigSpec) => s.enis[0]!;
import { validateRos, validateTerraform, type TfDoc } from "./schemas/validate-exports";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type RosTemplate = {
  ROSTemplateFormatVersion: string;
  Parameters: Record<string, Record<string, Json>>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties: Record<string, Json>; DependsOn?: string[] }>;
  Outputs: Record<string, { Value: Json }>;
};

/** Ids that exist in one account only: instances, ENIs, EIPs, vSwitches, security groups, custom images, VPCs. */
const ACCOUNT_ID = /\b(?:i|eni|eip|vsw|sg|m|vpc)-[a-z0-9]{6,}\b/;
const PASSWORD = "Sup3r-Secret-Pw";

const base: ConfigSpecInput = {
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
const created = {
  mode: "create",
  zoneId: "ap-northeast-1a",
  instanceType: "ecs.g7.large",
  systemDiskCategory: "cloud_essd",
} as const;

const twelve = Array.from({ length: 12 }, (_, i) => `172.16.0.${100 + i}`);

/** Every combination of instance, ENI, private-IP and EIP choices a config can make. */
function variants(): { name: string; spec: ConfigSpec }[] {
  const out: { name: string; spec: ConfigSpec }[] = [];
  const instances = [
    { mode: "existing" },
    created,
    { ...created, imageId: "aliyun_3_x64_20G_alibase_20240819.vhd" },
  ] as const;
  const enis = [
    { mode: "create", name: "web-eni" },
    { mode: "existing" },
    { mode: "existing", status: "Available" },
    { mode: "existing", status: "InUse" },
  ] as const;
  const ips = [
    { mode: "count", count: 2 },
    { mode: "count", count: 0 },
    { mode: "explicit", addresses: ["172.16.0.77", "172.16.0.78"] },
    // more than an unattached ENI may hold
    { mode: "count", count: 12 },
    { mode: "explicit", addresses: twelve },
  ] as const;
  for (const instance of instances)
    for (const eni of enis)
      for (const privateIps of ips)
        for (const usePrimaryIp of [true, false]) {
          const slots =
            (privateIps.mode === "count" ? privateIps.count : privateIps.addresses.length) + (usePrimaryIp ? 1 : 0);
          if (slots === 0) continue;
          const eips = [
            { source: "allocate" as const },
            { source: "existing" as const },
            { source: "allocate" as const },
          ].slice(0, Math.min(3, slots));
          if (privateIps.mode === "explicit") eips[0] = { ...eips[0]!, privateIp: "172.16.0.78" } as never;
          const spec = configSpecSchema.parse({ ...base, instance, eni, privateIps, usePrimaryIp, eips });
          out.push({
            name: `instance=${instance.mode}${"imageId" in instance ? "+image" : ""} eni=${eni.mode}${"status" in eni ? `:${eni.status}` : ""} ips=${privateIps.mode}:${slots} primary=${usePrimaryIp}`,
            spec,
          });
        }
  return out;
}

function walk(value: Json, visit: (node: { [k: string]: Json }) => void) {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (value && typeof value === "object") {
    visit(value);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

describe.each(variants())("ROS template: $name", ({ spec }) => {
  const ros = exportRos(spec, { name: "web", revision: 1 }) as unknown as RosTemplate;
  const params = new Set(Object.keys(ros.Parameters));
  const conditions = new Set(Object.keys(ros.Conditions ?? {}));

  it("refers only to declared parameters, resources, conditions and documented attributes", () => {
    const used = new Set<string>();
    walk(ros as unknown as Json, (node) => {
      if ("Ref" in node) {
        const ref = node.Ref as string;
        if (ref.startsWith("ALIYUN::"))
          expect(["ALIYUN::NoValue", "ALIYUN::Region", "ALIYUN::StackName"]).toContain(ref);
        else {
          expect(params.has(ref) || ref in ros.Resources, `Ref ${ref}`).toBe(true);
          used.add(ref);
        }
      }
      if ("Fn::GetAtt" in node) {
        const [res, attr] = node["Fn::GetAtt"] as [string, string];
        expect(ros.Resources[res], `Fn::GetAtt ${res}.${attr}`).toBeDefined();
      }
      if ("Fn::If" in node) expect(conditions.has((node["Fn::If"] as [string])[0])).toBe(true);
    });
    // no parameter the user is asked for and nothing uses
    for (const p of params) expect(used.has(p), `parameter ${p} is used`).toBe(true);
    // types, properties, required ones and attributes as the ROS resource specification has them
    expect(validateRos(ros)).toEqual([]);
  });

  it("creates the instance only when the config says so; never a literal account id or password", () => {
    const types = Object.values(ros.Resources).map((r) => r.Type);
    const text = JSON.stringify(ros);
    expect(text).not.toMatch(ACCOUNT_ID);
    expect(text).not.toContain(PASSWORD);
    // (issue 20 item 5: the attachment used to be there whatever the ENI's state)
    const attachment = ros.Resources.EniAttachment;
    expect(!!attachment).toBe(attachesEni(spec, first(spec)));
    if (spec.instance.mode === "create") {
      expect(types.filter((t) => t === "ALIYUN::ECS::Instance")).toHaveLength(1);
      expect(params.has("InstanceId")).toBe(false);
      expect(attachment!.Properties.InstanceId).toEqual({ "Fn::GetAtt": ["Instance", "InstanceId"] });
      const inst = ros.Resources.Instance!.Properties;
      expect(inst).toMatchObject({
        ZoneId: spec.instance.zoneId,
        InstanceType: spec.instance.instanceType,
        SystemDiskCategory: spec.instance.systemDiskCategory,
        ImageId: { Ref: "ImageId" },
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
      });
      expect(ros.Parameters.InstancePassword).toMatchObject({ Type: "String", NoEcho: true, Default: "" });
      expect(ros.Parameters.ImageId!.Default).toBe(spec.instance.imageId);
    } else {
      expect(types).not.toContain("ALIYUN::ECS::Instance");
      if (attachment) expect(attachment.Properties.InstanceId).toEqual({ Ref: "InstanceId" });
      expect(params.has("InstancePassword")).toBe(false);
    }
    expect(
      Object.values(ros.Resources)
        .filter((r) => r.Type === "ALIYUN::VPC::EIPAssociation")
        .every((r) => r.Properties.Mode === "NAT"),
    ).toBe(true);
  });
});

type TfJson = {
  resource: Record<string, Record<string, Record<string, Json>[]>>;
  variable: Record<string, { type?: string; sensitive?: boolean; default?: Json }[]>;
  output?: Record<string, { value: string }[]>;
  import?: { to: string; id: string }[];
  data?: Record<string, Record<string, Record<string, Json>[]>>;
  provider: Record<string, { region: string }[]>;
};

describe.each(variants())("Terraform: $name", ({ spec }) => {
  const tf = exportTerraform(spec, { name: 'web "prod" ${x}', revision: 1 });

  it("parses as HCL with declared variables, known arguments and no literal account ids", async () => {
    const doc = (await parse("main.tf", tf)) as unknown as TfJson;
    expect(doc.provider.alicloud![0]!.region).toBe(spec.regionId);
    const resources = Object.entries(doc.resource).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, [body]]) => ({ type, name, body: body! })),
    );
    const declared = new Set(resources.map((r) => `${r.type}.${r.name}`));
    const variables = new Set(Object.keys(doc.variable));
    // what `terraform validate` checks against the provider's schema
    expect(validateTerraform(doc as unknown as TfDoc)).toEqual([]);
    expect(fmtProblems(tf)).toEqual([]);
    // every var.X and resource reference names something declared; every variable is used
    const used = new Set<string>();
    walk(doc as unknown as Json, (node) => {
      for (const v of Object.values(node).flat()) {
        if (typeof v !== "string") continue;
        for (const m of v.matchAll(/\bvar\.([a-z_0-9]+)/g)) {
          expect(variables.has(m[1]!), `var.${m[1]}`).toBe(true);
          used.add(m[1]!);
        }
        for (const m of v.matchAll(/(?<!data\.)\b((?:alicloud|terraform)_[a-z_]+)\.([a-z_0-9]+)/g))
          expect(declared.has(`${m[1]}.${m[2]}`), `${m[1]}.${m[2]}`).toBe(true);
      }
    });
    for (const v of variables) expect(used.has(v), `variable ${v} is used`).toBe(true);
    expect(JSON.stringify(doc)).not.toMatch(ACCOUNT_ID);
    expect(tf).not.toContain(PASSWORD);

    const instances = resources.filter((r) => r.type === "alicloud_instance");
    // (issue 20 item 5: the attachment used to be there whatever the ENI's state)
    const attachment = doc.resource.alicloud_ecs_network_interface_attachment?.eni?.[0];
    expect(!!attachment).toBe(attachesEni(spec, first(spec)));
    if (spec.instance.mode === "create") {
      expect(instances).toHaveLength(1);
      expect(instances[0]!.body).toMatchObject({
        availability_zone: spec.instance.zoneId,
        instance_type: spec.instance.instanceType,
        system_disk_category: spec.instance.systemDiskCategory,
        image_id: "${var.image_id}",
        vswitch_id: "${var.vswitch_id}",
        security_groups: "${var.security_group_ids}",
        password: "${var.instance_password}",
        key_name: "${var.key_pair_name}",
      });
      expect(doc.variable.instance_password![0]).toMatchObject({ sensitive: true, default: null });
      expect(doc.variable.image_id![0]!.default ?? null).toBe(spec.instance.imageId ?? null);
      expect(variables.has("instance_id")).toBe(false);
      expect(attachment!.instance_id).toBe("${alicloud_instance.instance.id}");
      expect(doc.output!.instance_id![0]!.value).toBe("${alicloud_instance.instance.id}");
    } else {
      expect(instances).toHaveLength(0);
      if (attachment) expect(attachment.instance_id).toBe("${var.instance_id}");
      expect(variables.has("instance_password")).toBe(false);
    }
    // (issue 20 item 7: an existing ENI used to be imported, and so managed and destroyed by Terraform)
    expect(doc.import).toBeUndefined();
    const eniId =
      first(spec).eni.mode === "existing"
        ? "${data.alicloud_ecs_network_interfaces.eni.interfaces[0].id}"
        : "${alicloud_ecs_network_interface.eni.id}";
    const eniSpec = first(spec).eni;
    if (eniSpec.mode === "existing") {
      expect(doc.resource.alicloud_ecs_network_interface).toBeUndefined();
      expect(doc.data!.alicloud_ecs_network_interfaces!.eni![0]).toEqual({ ids: ["${var.network_interface_id}"] });
    } else {
      const eni = doc.resource.alicloud_ecs_network_interface!.eni![0]!;
      expect(eni.network_interface_name).toBe((eniSpec.mode === "create" && eniSpec.name) || "eipilot-eni");
    }
    const assoc = Object.values(doc.resource.alicloud_eip_association!).map(([b]) => b!);
    expect(assoc).toHaveLength(first(spec).eips.length);
    for (const a of assoc)
      expect(a).toMatchObject({
        instance_type: "NetworkInterface",
        mode: "NAT",
        instance_id: eniId,
      });
  });
});

describe("exports of the same spec agree", () => {
  it.each(variants())("$name: as many EIPs, associations and instances in ROS as in Terraform", async ({ spec }) => {
    const ros = exportRos(spec, { name: "x", revision: 1 }) as unknown as RosTemplate;
    const doc = (await parse("main.tf", exportTerraform(spec, { name: "x", revision: 1 }))) as unknown as TfJson;
    const count = (type: string) => Object.values(ros.Resources).filter((r) => r.Type === type).length;
    const tfCount = (type: string) => Object.keys(doc.resource[type] ?? {}).length;
    expect(count("ALIYUN::VPC::EIP")).toBe(tfCount("alicloud_eip_address"));
    expect(count("ALIYUN::VPC::EIPAssociation")).toBe(tfCount("alicloud_eip_association"));
    expect(count("ALIYUN::ECS::Instance")).toBe(tfCount("alicloud_instance"));
  });
});

/** Opening minus closing brackets outside strings. */
function balance(line: string): number {
  let depth = 0;
  for (const m of line.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/[([{)\]}]/g))
    depth += "([{".includes(m[0]) ? 1 : -1;
  return depth;
}

/**
 * Where the text differs from what `terraform fmt` would write: two-space
 * indentation per open bracket, no trailing blanks, and in each run of
 * single-line `name = value` lines (any other line ends the run) every `=`
 * one space after the longest name.
 */
function fmtProblems(tf: string): string[] {
  const problems: string[] = [];
  const lines = tf.split("\n");
  if (!tf.endsWith("\n") || tf.endsWith("\n\n")) problems.push("file must end with exactly one newline");
  let depth = 0;
  let run: { line: number; name: string; eq: number }[] = [];
  const endRun = () => {
    const width = Math.max(...run.map((r) => r.name.length));
    for (const r of run)
      if (r.eq !== width + 1) problems.push(`line ${r.line}: "=" at ${r.eq}, fmt puts it at ${width + 1}`);
    run = [];
  };
  lines.forEach((line, i) => {
    if (/\s$/.test(line) || line.includes("\t")) problems.push(`line ${i + 1}: trailing blank or tab`);
    const closing = /^\s*[)\]}]/.test(line) ? 1 : 0;
    const indent = line.length - line.trimStart().length;
    if (line.trim() && indent !== 2 * (depth - closing)) problems.push(`line ${i + 1}: indent ${indent}`);
    const arg = /^(\s*[A-Za-z_][\w-]*)(\s*)=(?![=>])/.exec(line);
    if (arg && balance(line.slice(arg[0].length)) === 0)
      run.push({ line: i + 1, name: arg[1]!, eq: arg[0].length - 1 });
    else if (run.length) endRun();
    depth += balance(line);
  });
  if (run.length) endRun();
  return problems;
}

// ---------------------------------------------------------------- spec v2: several ENIs, the primary ENI

const fourteen = Array.from({ length: 14 }, (_, i) => `172.16.1.${20 + i}`);
const allocate = (n: number) => Array.from({ length: n }, () => ({ source: "allocate" as const }));

/** v2 configs: two ENIs (one existing, one created with 14 IPs), the primary ENI alone or beside a secondary one. */
function v2Variants(): { name: string; spec: ConfigSpec }[] {
  const out: { name: string; spec: ConfigSpec }[] = [];
  const v2 = (over: Record<string, unknown>) =>
    configSpecSchema.parse({
      configSpecVersion: 2,
      regionId: "ap-northeast-1",
      instance: { mode: "existing" },
      os: "alinux3",
      ...over,
    });
  for (const instance of [{ mode: "existing" }, created] as const) {
    const tag = `instance=${instance.mode}`;
    for (const ips of [
      { mode: "count", count: 14 },
      { mode: "explicit", addresses: fourteen },
    ] as const)
      out.push({
        name: `${tag} 2 ENIs: existing Available (2 IPs) + created (${ips.mode} 14)`,
        spec: v2({
          instance,
          enis: [
            {
              eni: { mode: "existing", status: "Available" },
              privateIps: { mode: "count", count: 2 },
              eips: [{ source: "existing" }, ...allocate(2)],
            },
            { eni: { mode: "create", name: "second-eni" }, privateIps: ips, usePrimaryIp: false, eips: allocate(14) },
          ],
        }),
      });
    out.push({
      name: `${tag} 2 ENIs: existing InUse + created (3 IPs)`,
      spec: v2({
        instance,
        enis: [
          { eni: { mode: "existing", status: "InUse" }, privateIps: { mode: "count", count: 1 }, eips: allocate(2) },
          { eni: { mode: "create" }, privateIps: { mode: "count", count: 3 }, eips: allocate(4) },
        ],
      }),
    });
    for (const ips of [
      { mode: "count", count: 3 },
      { mode: "explicit", addresses: ["172.16.0.77", "172.16.0.78", "172.16.0.79"] },
    ] as const)
      out.push({
        name: `${tag} primary ENI (${ips.mode} 3)`,
        spec: v2({ instance, enis: [{ eni: { mode: "primary" }, privateIps: ips, eips: allocate(3) }] }),
      });
    out.push({
      name: `${tag} primary ENI + created ENI`,
      spec: v2({
        instance,
        enis: [
          {
            eni: { mode: "primary" },
            privateIps: { mode: "count", count: 2 },
            eips: [{ source: "existing" }, { source: "allocate" }],
          },
          { eni: { mode: "create" }, privateIps: { mode: "count", count: 11 }, eips: allocate(5) },
        ],
      }),
    });
  }
  return out;
}

/** Refs, GetAtts and DependsOn that point at nothing; parameters nothing uses. */
function rosRefProblems(ros: RosTemplate): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  walk(ros as unknown as Json, (node) => {
    if ("Ref" in node) {
      const ref = node.Ref as string;
      if (ref.startsWith("ALIYUN::")) return;
      if (!(ref in ros.Parameters) && !(ref in ros.Resources)) problems.push(`Ref ${ref}`);
      used.add(ref);
    }
  });
  for (const p of Object.keys(ros.Parameters)) if (!used.has(p)) problems.push(`parameter ${p} unused`);
  return [...problems, ...validateRos(ros)];
}

/** Undeclared or unused variables, undeclared resources, schema problems and fmt problems. */
function tfProblems(doc: TfJson, text: string): string[] {
  const problems: string[] = [];
  const declared = new Set(
    Object.entries(doc.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)),
  );
  const variables = new Set(Object.keys(doc.variable ?? {}));
  const used = new Set<string>();
  walk(doc as unknown as Json, (node) => {
    for (const v of Object.values(node).flat()) {
      if (typeof v !== "string") continue;
      for (const m of v.matchAll(/\bvar\.([a-z_0-9]+)/g)) {
        if (!variables.has(m[1]!)) problems.push(`var.${m[1]} undeclared`);
        used.add(m[1]!);
      }
      for (const m of v.matchAll(/(?<!data\.)\b((?:alicloud|terraform)_[a-z_]+)\.([a-z_0-9]+)/g))
        if (!declared.has(`${m[1]}.${m[2]}`)) problems.push(`${m[1]}.${m[2]} undeclared`);
    }
  });
  for (const v of variables) if (!used.has(v)) problems.push(`variable ${v} unused`);
  return [...problems, ...validateTerraform(doc as unknown as TfDoc), ...fmtProblems(text)];
}

describe.each(v2Variants())("spec v2 exports: $name", ({ spec }) => {
  const ros = exportRos(spec, { name: "v2", revision: 3 }) as unknown as RosTemplate;
  const tf = exportTerraform(spec, { name: "v2", revision: 3 });
  const total = spec.enis.reduce((n, e) => n + e.eips.length, 0);
  const attached = spec.enis.filter((e) => attachesEni(spec, e)).length;
  const ofType = (type: string) => Object.entries(ros.Resources).filter(([, r]) => r.Type === type);

  it("ROS: every ENI, attachment and association, valid against the ROS specification", () => {
    expect(rosRefProblems(ros)).toEqual([]);
    expect(JSON.stringify(ros)).not.toMatch(ACCOUNT_ID);
    expect(ofType("ALIYUN::VPC::EIPAssociation")).toHaveLength(total);
    expect(ofType("ALIYUN::ECS::NetworkInterfaceAttachment")).toHaveLength(attached);
    expect(Object.keys(ros.Outputs).filter((k) => k.startsWith("NetworkInterfaceId"))).toHaveLength(spec.enis.length);
    // one after another across all ENIs
    for (let n = 2; n <= total; n++)
      expect(ros.Resources[`EipAssociation${n}`]!.DependsOn).toContain(`EipAssociation${n - 1}`);
    // no unattached ENI is created with more than 10 private IPs
    for (const [, r] of ofType("ALIYUN::ECS::NetworkInterface")) {
      const p = r.Properties;
      const n = Array.isArray(p.PrivateIpAddresses)
        ? p.PrivateIpAddresses.length
        : Number(p.SecondaryPrivateIpAddressCount ?? 0);
      expect(n + 1).toBeLessThanOrEqual(10);
    }
  });

  it("Terraform: every ENI, attachment and association, valid against the provider's schema and fmt-clean", async () => {
    const doc = (await parse("main.tf", tf)) as unknown as TfJson & { terraform: Json[] };
    expect(tfProblems(doc, tf)).toEqual([]);
    expect(JSON.stringify(doc)).not.toMatch(ACCOUNT_ID);
    expect(doc.terraform).toEqual([
      {
        required_version: ">= 1.5",
        required_providers: [{ alicloud: { source: "aliyun/alicloud", version: ">= 1.217.0" } }],
      },
    ]);
    expect(Object.keys(doc.resource.alicloud_eip_association!)).toHaveLength(total);
    expect(Object.keys(doc.resource.alicloud_ecs_network_interface_attachment ?? {})).toHaveLength(attached);
    expect(Object.keys(doc.output!).filter((k) => k.startsWith("network_interface_id"))).toHaveLength(spec.enis.length);
    for (const [, [eni]] of Object.entries(doc.resource.alicloud_ecs_network_interface ?? {})) {
      const ips = eni!.private_ip_addresses;
      const n = Array.isArray(ips) ? ips.length : Number(eni!.secondary_private_ip_address_count ?? 0);
      expect(n + 1).toBeLessThanOrEqual(10);
    }
    // the same counts as the ROS template
    expect(Object.keys(doc.resource.alicloud_eip_address ?? {})).toHaveLength(ofType("ALIYUN::VPC::EIP").length);
  });
});

describe("spec v2: several ENIs and the primary ENI", () => {
  const [twoEnis] = v2Variants(); // existing instance, existing Available ENI + created ENI with 14 IPs
  const tfDoc = async (s: ConfigSpec) =>
    (await parse("main.tf", exportTerraform(s, { name: "x", revision: 1 }))) as unknown as TfJson;

  it("two ENIs, one created with 14 IPs: 9 at creation, attached, the other 5 assigned; each EIP on its own ENI", async () => {
    const r = (exportRos(twoEnis!.spec, { name: "x", revision: 1 }) as unknown as RosTemplate).Resources;
    expect(r.EniAttachment!.Properties.NetworkInterfaceId).toEqual({ Ref: "NetworkInterfaceId" });
    expect(r.Eni2!.Properties).toMatchObject({ SecondaryPrivateIpAddressCount: 9, NetworkInterfaceName: "second-eni" });
    expect(r.EniAttachment2!.Properties.NetworkInterfaceId).toEqual({ "Fn::GetAtt": ["Eni2", "NetworkInterfaceId"] });
    expect(r.SecondaryIps2).toMatchObject({
      DependsOn: ["EniAttachment2"],
      Properties: { SecondaryPrivateIpAddressCount: 5 },
    });
    // the existing ENI's two secondaries are assigned after it is attached
    expect(r.SecondaryIps).toMatchObject({
      DependsOn: ["EniAttachment"],
      Properties: { SecondaryPrivateIpAddressCount: 2 },
    });
    // EIPs 1-3 on the first ENI, 4-17 on the second; #4 is the second ENI's first secondary (usePrimaryIp false)
    expect(r.EipAssociation3!.Properties.InstanceId).toEqual({ Ref: "NetworkInterfaceId" });
    expect(r.EipAssociation4!.Properties).toMatchObject({
      InstanceId: { "Fn::GetAtt": ["Eni2", "NetworkInterfaceId"] },
      PrivateIpAddress: { "Fn::Select": ["0", { "Fn::GetAtt": ["Eni2", "SecondaryPrivateIpAddresses"] }] },
    });
    expect(r.EipAssociation4!.DependsOn).toEqual(["EipAssociation3", "EniAttachment2", "SecondaryIps2"]);
    expect(r.EipAssociation17!.Properties.PrivateIpAddress).toEqual({
      "Fn::Select": ["4", { "Fn::GetAtt": ["SecondaryIps2", "PrivateIpAddresses"] }],
    });

    const doc = await tfDoc(twoEnis!.spec);
    expect(doc.data!.alicloud_ecs_network_interfaces!.eni![0]).toEqual({ ids: ["${var.network_interface_id}"] });
    expect(doc.resource.alicloud_ecs_network_interface!.eni_2![0]).toMatchObject({
      secondary_private_ip_address_count: 9,
    });
    expect(doc.resource.alicloud_ecs_network_interface_attachment!.eni_2![0]!.network_interface_id).toBe(
      "${alicloud_ecs_network_interface.eni_2.id}",
    );
    const stack = doc.resource.alicloud_ros_stack!.secondary_ips_2![0]!;
    expect(stack.depends_on).toEqual(["${alicloud_ecs_network_interface_attachment.eni_2}"]);
    expect(stack.template_body).toContain("SecondaryPrivateIpAddressCount = 5");
    expect(doc.resource.alicloud_eip_association!.eip_4![0]).toMatchObject({
      instance_id: "${alicloud_ecs_network_interface.eni_2.id}",
      private_ip_address: "${terraform_data.secondary_ips_2.output[0]}",
    });
    expect(doc.resource.alicloud_eip_association!.eip_2![0]!.instance_id).toBe(
      "${data.alicloud_ecs_network_interfaces.eni.interfaces[0].id}",
    );
  });

  it("the primary ENI of an existing instance: looked up by instance and type, never attached, its IPs assigned", async () => {
    const s = v2Variants().find((v) => v.name === "instance=existing primary ENI (count 3)")!.spec;
    const t = exportRos(s, { name: "x", revision: 1 }) as unknown as RosTemplate;
    expect(t.Resources.PrimaryEni).toEqual({
      Type: "DATASOURCE::ECS::NetworkInterfaces",
      Properties: { InstanceId: { Ref: "InstanceId" }, Type: "Primary" },
    });
    const primaryId = { "Fn::Select": ["0", { "Fn::GetAtt": ["PrimaryEni", "NetworkInterfaceIds"] }] };
    expect(t.Resources.EniAttachment).toBeUndefined();
    expect(t.Resources.SecondaryIps!.Properties).toEqual({
      NetworkInterfaceId: primaryId,
      SecondaryPrivateIpAddressCount: 3,
    });
    // NAT-mode EIPs on the secondary IPs only: never on the instance's own primary address
    for (const n of [1, 2, 3])
      expect(t.Resources[`EipAssociation${n}`]!.Properties).toMatchObject({
        InstanceId: primaryId,
        Mode: "NAT",
        PrivateIpAddress: { "Fn::Select": [String(n - 1), { "Fn::GetAtt": ["SecondaryIps", "PrivateIpAddresses"] }] },
      });

    const doc = await tfDoc(s);
    expect(doc.data!.alicloud_ecs_network_interfaces!.primary_eni![0]).toEqual({
      instance_id: "${var.instance_id}",
      type: "Primary",
    });
    expect(doc.resource.alicloud_ecs_network_interface).toBeUndefined();
    expect(doc.resource.alicloud_ecs_network_interface_attachment).toBeUndefined();
    expect(doc.resource.alicloud_ros_stack!.secondary_ips![0]!.template_body).toContain(
      "NetworkInterfaceId = data.alicloud_ecs_network_interfaces.primary_eni.interfaces[0].id",
    );
    expect(doc.resource.alicloud_eip_association!.eip_1![0]).toMatchObject({
      instance_id: "${data.alicloud_ecs_network_interfaces.primary_eni.interfaces[0].id}",
      instance_type: "NetworkInterface",
      mode: "NAT",
      private_ip_address: "${terraform_data.secondary_ips.output[0]}",
    });
  });

  it("the primary ENI of a new instance: its id and secondary IPs come from the instance itself", async () => {
    const s = v2Variants().find((v) => v.name === "instance=create primary ENI (count 3)")!.spec;
    const t = exportRos(s, { name: "x", revision: 1 }) as unknown as RosTemplate;
    expect(t.Resources.PrimaryEni).toBeUndefined();
    expect(t.Resources.SecondaryIps!.Properties.NetworkInterfaceId).toEqual({
      "Fn::GetAtt": ["Instance", "PrimaryNetworkInterfaceId"],
    });
    const doc = await tfDoc(s);
    expect(doc.resource.alicloud_instance!.instance![0]).toMatchObject({ secondary_private_ip_address_count: 3 });
    expect(doc.resource.alicloud_ros_stack).toBeUndefined();
    expect(doc.resource.alicloud_eip_association!.eip_3![0]).toMatchObject({
      instance_id: "${alicloud_instance.instance.network_interface_id}",
      private_ip_address: "${sort(tolist(alicloud_instance.instance.secondary_private_ips))[2]}",
    });
  });
});

describe("issue 20: exports a real stack would refuse", () => {
  const spec = (over: Partial<ConfigSpecInput>) => configSpecSchema.parse({ ...base, ...over });
  const ros = (s: ConfigSpec) => exportRos(s, { name: "x", revision: 1 }) as unknown as RosTemplate;
  const tf = (s: ConfigSpec) => exportTerraform(s, { name: "x", revision: 1 });
  const tfDoc = async (s: ConfigSpec) => (await parse("main.tf", tf(s))) as unknown as TfJson;

  it("5: attaches an existing ENI only when the config says it is Available", async () => {
    for (const [eni, attached] of [
      [{ mode: "existing" }, false],
      [{ mode: "existing", status: "InUse" }, false],
      [{ mode: "existing", status: "Available" }, true],
      [{ mode: "create" }, true],
    ] as const) {
      const s = spec({ eni });
      expect("EniAttachment" in ros(s).Resources, JSON.stringify(eni)).toBe(attached);
      expect(!!(await tfDoc(s)).resource.alicloud_ecs_network_interface_attachment, JSON.stringify(eni)).toBe(attached);
    }
    // a new instance has no ENI of its own yet: an existing ENI is attached to it whatever the config says
    expect("EniAttachment" in ros(spec({ eni: { mode: "existing" }, instance: created })).Resources).toBe(true);
  });

  it("6: creates an ENI with at most 10 private IPs (9 secondaries + its primary) and assigns the rest after attaching it", async () => {
    for (const privateIps of [
      { mode: "count", count: 12 },
      { mode: "explicit", addresses: twelve },
    ] as const) {
      const s = spec({ privateIps });
      const r = ros(s).Resources;
      const explicit = privateIps.mode === "explicit";
      expect(r.Eni!.Properties).toMatchObject(
        explicit ? { PrivateIpAddresses: twelve.slice(0, 9) } : { SecondaryPrivateIpAddressCount: 9 },
      );
      expect(r.SecondaryIps).toMatchObject({
        Type: "ALIYUN::ECS::AssignPrivateIpAddresses",
        DependsOn: ["EniAttachment"],
        Properties: explicit ? { PrivateIpAddresses: twelve.slice(9) } : { SecondaryPrivateIpAddressCount: 3 },
      });
      const doc = await tfDoc(s);
      const eni = doc.resource.alicloud_ecs_network_interface!.eni![0]!;
      if (explicit) expect(eni.private_ip_addresses).toEqual(twelve.slice(0, 9));
      else expect(eni.secondary_private_ip_address_count).toBe(9);
      const stack = doc.resource.alicloud_ros_stack!.secondary_ips![0]!;
      expect(stack.depends_on).toEqual(["${alicloud_ecs_network_interface_attachment.eni}"]);
      expect(stack.template_body).toContain(explicit ? `"172.16.0.111"` : "SecondaryPrivateIpAddressCount = 3");
    }
    // 9 still fit on the new ENI with its primary IP: nothing to assign later; 10 do not
    expect(ros(spec({ privateIps: { mode: "count", count: 9 } })).Resources.SecondaryIps).toBeUndefined();
    expect(ros(spec({ privateIps: { mode: "count", count: 10 } })).Resources.SecondaryIps).toMatchObject({
      Properties: { SecondaryPrivateIpAddressCount: 1 },
    });
  });

  it("7: Terraform states the versions it needs, reads an existing ENI and is fmt-clean", async () => {
    const text = tf(spec({ instance: created, eni: { mode: "existing" } }));
    const doc = (await parse("main.tf", text)) as unknown as TfJson & { terraform: Json[] };
    expect(doc.terraform).toEqual([
      {
        required_version: ">= 1.5",
        required_providers: [{ alicloud: { source: "aliyun/alicloud", version: ">= 1.217.0" } }],
      },
    ]);
    expect(text).not.toMatch(/^import \{/m);
    expect(doc.data!.alicloud_ecs_network_interfaces!.eni).toBeDefined();
    // the comment inside alicloud_instance ends fmt's alignment run
    expect(text).toContain('  instance_charge_type = "PostPaid"\n  # Its public');
    expect(fmtProblems(text)).toEqual([]);
  });

  it("8: ROS picks the addresses by count and associates the EIPs one after another", () => {
    const t = ros(spec({ privateIps: { mode: "count", count: 2 } }));
    expect(Object.keys(t.Parameters)).not.toContain("SecondaryPrivateIpAddresses");
    expect(Object.keys(t.Parameters)).not.toContain("EniPrimaryIpAddress");
    expect(t.Resources.Eni!.Properties.SecondaryPrivateIpAddressCount).toBe(2);
    const assoc = (n: number) => t.Resources[`EipAssociation${n}`]!;
    expect(assoc(1).Properties.PrivateIpAddress).toEqual({ "Fn::GetAtt": ["Eni", "PrivateIpAddress"] });
    expect(assoc(2).Properties.PrivateIpAddress).toEqual({
      "Fn::Select": ["0", { "Fn::GetAtt": ["Eni", "SecondaryPrivateIpAddresses"] }],
    });
    expect(assoc(1).DependsOn).toEqual(["EniAttachment"]);
    expect(assoc(2).DependsOn).toEqual(["EipAssociation1"]);
    expect(assoc(3).DependsOn).toEqual(["EipAssociation2"]);
  });
});
