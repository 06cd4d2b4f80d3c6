// The HTTP API v1 (DESIGN.md contract 5) as a script would use it against `npm start`: a token made with
// a signed-in session, the team's demo world reached with the official SDKs (as one would use the console
// on a real account), a deployment with two ENIs (one new, with 14 private IPs), a change, drift made
// behind EIPilot's back and repaired, an adoption of a setup built by hand (no mutating call), teardown
// back to the exact starting state; a viewer token refused on apply; bad specs answered with every problem.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { $Ecs, $Vpc, ecsClient, vpcClient } from "../emulator/sdk";
import { newUser, signUp } from "./fixtures/users";
import { BASE_URL } from "../playwright.config";

const REGION = "ap-northeast-1";
const MUTATING = /^(Run|Start|Stop|Delete|Create|Attach|Detach|Assign|Unassign|Allocate|Release|Associate|Unassociate)/;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test.describe.configure({ mode: "serial" });

async function createToken(page: Page, name: string, role: string): Promise<string> {
  const r = await page.request.post("/api/v1/tokens", { data: { name, role }, headers: { origin: BASE_URL } });
  expect(r.status(), await r.text()).toBe(201);
  const body = (await r.json()) as Json;
  expect(body.id).toBeTruthy();
  return body.token as string;
}

function api(request: APIRequestContext, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const call = async (method: "GET" | "POST" | "PUT", path: string, data?: unknown) => {
    const r = await request.fetch(`/api/v1${path}`, { method, headers, data: data as never });
    const text = await r.text();
    let body: Json = {};
    try {
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      body = { raw: text };
    }
    return { status: r.status(), body, text, headers: r.headers() };
  };
  return {
    headers,
    get: (p: string) => call("GET", p),
    post: (p: string, d?: unknown) => call("POST", p, d ?? {}),
    put: (p: string, d: unknown) => call("PUT", p, d),
    /** Polls GET /deployments/{id} until its status is one of `statuses`. */
    async until(id: string, statuses: string[], timeoutMs = 150_000): Promise<Json> {
      const end = Date.now() + timeoutMs;
      let last: Json = {};
      while (Date.now() < end) {
        last = (await call("GET", `/deployments/${id}`)).body;
        if (statuses.includes(last.status)) return last;
        await new Promise((r) => setTimeout(r, 1000));
      }
      throw new Error(`deployment ${id} still ${last.status} (wanted ${statuses.join("/")}): ${JSON.stringify(last)}`);
    },
  };
}

/** The team's demo world through the official SDKs, with the pair GET /api/v1/cloud-accounts gives. */
function cloud(emulator: { endpoint: string; accessKeyId: string; accessKeySecret: string }) {
  const o = {
    endpoint: emulator.endpoint.replace(/^https?:\/\//, ""),
    accessKeyId: emulator.accessKeyId,
    accessKeySecret: emulator.accessKeySecret,
    regionId: REGION,
  };
  return { ecs: ecsClient(o), vpc: vpcClient(o) };
}
type Cloud = ReturnType<typeof cloud>;

async function enis(c: Cloud, q: Partial<$Ecs.DescribeNetworkInterfacesRequest> = {}) {
  const r = await c.ecs.describeNetworkInterfaces(
    new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, pageSize: 100, ...q }),
  );
  return r.body?.networkInterfaceSets?.networkInterfaceSet ?? [];
}
async function eips(c: Cloud) {
  const r = await c.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: REGION, pageSize: 100 }));
  return r.body?.eipAddresses?.eipAddress ?? [];
}
/** What teardown must give back: every ENI with its status, instance and addresses; every EIP with its binding. */
async function worldShape(c: Cloud) {
  const e = (await enis(c)).map((x) =>
    [
      x.networkInterfaceId,
      x.status,
      x.instanceId ?? "",
      (x.privateIpSets?.privateIpSet ?? []).map((p) => p.privateIpAddress).sort(),
    ].join("|"),
  );
  const p = (await eips(c)).map((x) =>
    [x.allocationId, x.status, x.instanceId ?? "", x.privateIpAddress ?? ""].join("|"),
  );
  return { enis: e.sort(), eips: p.sort() };
}
async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** An instance with room for 3 secondary ENIs of 15 addresses (ecs.g7.xlarge), made through the SDK. */
async function runInstance(c: Cloud, vSwitchId: string, securityGroupId: string, name: string) {
  const r = await c.ecs.runInstances(
    new $Ecs.RunInstancesRequest({
      regionId: REGION,
      zoneId: "ap-northeast-1a",
      instanceType: "ecs.g7.xlarge",
      imageId: "aliyun_3_x64_20G_alibase_20240528.vhd",
      vSwitchId,
      securityGroupId,
      instanceName: name,
      password: "Api-Test-Passw0rd",
      amount: 1,
    }),
  );
  const id = r.body?.instanceIdSets?.instanceIdSet?.[0];
  expect(id).toBeTruthy();
  await waitFor(
    `${id} Running`,
    async () =>
      (
        await c.ecs.describeInstances(
          new $Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([id]) }),
        )
      ).body?.instances?.instance?.[0]?.status,
    (s) => s === "Running",
  );
  return id!;
}

/** A signed-up user of a fresh team: an admin token, a viewer token, the demo world and its network. */
async function setup(page: Page, request: APIRequestContext) {
  await signUp(page, newUser("api"));
  const admin = api(request, await createToken(page, "ci script", "admin"));
  const viewer = api(request, await createToken(page, "read only", "viewer"));
  const accounts = await admin.get("/cloud-accounts");
  expect(accounts.status).toBe(200);
  const demo = (accounts.body.items as Json[]).find((a) => a.kind === "demo");
  expect(demo?.emulator?.endpoint, JSON.stringify(accounts.body)).toBeTruthy();
  const c = cloud(demo!.emulator);
  const vsw = (
    await c.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: REGION, zoneId: "ap-northeast-1a" }))
  ).body?.vSwitches?.vSwitch?.[0];
  expect(vsw?.vSwitchId).toBeTruthy();
  const sg = (
    await c.ecs.describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, vpcId: vsw!.vpcId }))
  ).body?.securityGroups?.securityGroup?.[0];
  expect(sg?.securityGroupId).toBeTruthy();
  return { admin, viewer, demo: demo!, c, vSwitchId: vsw!.vSwitchId!, securityGroupId: sg!.securityGroupId! };
}

async function createEni(c: Cloud, vSwitchId: string, securityGroupId: string, secondaries = 0) {
  const made = await c.ecs.createNetworkInterface(
    new $Ecs.CreateNetworkInterfaceRequest({
      regionId: REGION,
      vSwitchId,
      securityGroupId,
      secondaryPrivateIpAddressCount: secondaries || undefined,
    }),
  );
  const id = made.body!.networkInterfaceId!;
  await waitFor(
    "ENI Available",
    async () => (await enis(c, { networkInterfaceId: [id] }))[0]?.status,
    (s) => s === "Available",
  );
  return id;
}

async function allocateEip(c: Cloud) {
  const r = await c.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: REGION, bandwidth: "5" }));
  return r.body!.allocationId!;
}

test("a deployment with two ENIs through the API: plan, apply, change, drift and repair, teardown to the starting state", async ({
  page,
  request,
}) => {
  test.setTimeout(600_000);
  const { admin, viewer, demo, c, vSwitchId, securityGroupId } = await setup(page, request);
  const instanceId = await runInstance(c, vSwitchId, securityGroupId, "api-v1-web");
  const existingEni = await createEni(c, vSwitchId, securityGroupId);
  const start = await worldShape(c);

  // The existing ENI: 2 secondary IPs and 3 EIPs; a new ENI with 14 private IPs (its primary + 13), 2 EIPs.
  const spec = {
    specVersion: 2,
    cloudAccountId: demo.id,
    regionId: REGION,
    instance: { mode: "existing", instanceId },
    os: "alinux3",
    traffic: "policy-routes",
    enis: [
      {
        eni: { mode: "existing", networkInterfaceId: existingEni },
        privateIps: { mode: "count", count: 2 },
        usePrimaryIp: true,
        eips: [{}, {}, {}],
      },
      {
        eni: { mode: "create", vSwitchId, securityGroupId },
        privateIps: { mode: "count", count: 13 },
        usePrimaryIp: false,
        eips: [{}, {}],
      },
    ],
    eipAllocation: { bandwidth: 5, internetChargeType: "PayByTraffic" },
  };
  const created = await admin.post("/deployments", { name: "api-two-enis", spec });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  expect(created.body.status).toBe("draft");
  expect(((await admin.get("/deployments")).body.items as Json[]).map((x) => x.id)).toContain(id);

  const plan = await admin.post(`/deployments/${id}/plan`);
  expect(plan.status, plan.text).toBe(200);
  const steps = plan.body.steps as Json[];
  const count = (action: string, list = steps) => list.filter((s) => s.action === action).length;
  expect(count("AllocateEipAddress")).toBe(5);
  expect(count("AssociateEipAddress")).toBe(5);
  expect(count("CreateNetworkInterface")).toBe(1);
  expect(count("AttachNetworkInterface")).toBe(2);
  // A new ENI takes at most 10 private IPs before it is attached: the rest is assigned after.
  const create = steps.find((s) => s.action === "CreateNetworkInterface")!;
  expect(Number(create.params.SecondaryPrivateIpAddressCount ?? 0) + 1).toBeLessThanOrEqual(10);

  // A viewer's token reads but cannot apply.
  expect((await viewer.get(`/deployments/${id}`)).status).toBe(200);
  const refused = await viewer.post(`/deployments/${id}/apply`);
  expect(refused.status).toBe(403);
  expect(refused.body.error?.code).toBeTruthy();

  expect((await admin.post(`/deployments/${id}/apply`)).status).toBe(202);
  let d = await admin.until(id, ["succeeded", "failed"]);
  expect(d.status, JSON.stringify(d)).toBe("succeeded");
  expect(d.resources.instanceId).toBe(instanceId);
  expect(d.resources.enis).toHaveLength(2);
  const newEni = (d.resources.enis as Json[]).find((e) => e.networkInterfaceId !== existingEni)!;
  expect(newEni.privateIps).toHaveLength(14);
  const withEip = (r: Json) => (r.enis as Json[]).flatMap((e) => (e.privateIps as Json[]).filter((p) => p.eip));
  expect(withEip(d.resources)).toHaveLength(5);
  const bound = async () =>
    (await eips(c)).filter((x) => x.instanceType === "NetworkInterface" && x.status === "InUse" && x.instanceId !== "");
  expect((await bound()).map((x) => x.instanceId).sort()).toEqual(
    [existingEni, existingEni, existingEni, newEni.networkInterfaceId, newEni.networkInterfaceId].sort(),
  );
  const refresh = await admin.post(`/deployments/${id}/refresh`);
  expect(refresh.body).toMatchObject({ inSync: true });

  // The bundle, as .tar.gz.
  const bundle = await request.get(`/api/v1/deployments/${id}/bundle`, { headers: admin.headers });
  expect(bundle.status()).toBe(200);
  expect([...(await bundle.body()).subarray(0, 2)]).toEqual([0x1f, 0x8b]);

  // A change: +1 EIP on the new ENI, replace the first EIP of the existing ENI, remove its last one.
  const replacement = await allocateEip(c);
  const desired = structuredClone(d.spec) as Json;
  desired.enis[1].eips.push({});
  desired.enis[0].eips[0] = { allocationId: replacement };
  desired.enis[0].eips.pop();
  // The EIPs the change removes or replaces were allocated by this deployment: release them (else they are kept).
  desired.releaseRemovedEips = true;
  const put = await admin.put(`/deployments/${id}/spec`, { spec: desired });
  expect(put.status, put.text).toBeLessThan(300);
  const delta = (await admin.post(`/deployments/${id}/plan`)).body.steps as Json[];
  expect(count("CreateNetworkInterface", delta)).toBe(0);
  expect(count("AttachNetworkInterface", delta)).toBe(0);
  expect(count("AssignPrivateIpAddresses", delta)).toBe(0);
  expect(count("AllocateEipAddress", delta)).toBe(1);
  expect(count("AssociateEipAddress", delta)).toBe(2);
  expect(count("UnassociateEipAddress", delta)).toBe(2);
  expect(count("ReleaseEipAddress", delta)).toBe(2);
  expect((await admin.post(`/deployments/${id}/apply`)).status).toBe(202);
  d = await admin.until(id, ["succeeded", "failed"]);
  expect(d.status, JSON.stringify(d)).toBe("succeeded");
  expect(withEip(d.resources)).toHaveLength(5);
  expect(withEip(d.resources).map((p) => p.eip.allocationId)).toContain(replacement);
  const revision2 = await request.get(`/api/v1/deployments/${id}/bundle?revision=2`, { headers: admin.headers });
  expect(revision2.status()).toBe(200);

  // Drift behind EIPilot's back (a colleague in the console), then repair.
  const victim = (await bound()).find((x) => x.instanceId === newEni.networkInterfaceId)!;
  await c.vpc.unassociateEipAddress(
    new $Vpc.UnassociateEipAddressRequest({
      regionId: REGION,
      allocationId: victim.allocationId,
      instanceId: victim.instanceId,
      instanceType: "NetworkInterface",
      privateIpAddress: victim.privateIpAddress,
    }),
  );
  await waitFor(
    "unassociated",
    async () => (await eips(c)).find((x) => x.allocationId === victim.allocationId)?.status,
    (s) => s === "Available",
  );
  const drifted = await admin.post(`/deployments/${id}/refresh`);
  expect(drifted.body.inSync).toBe(false);
  expect((drifted.body.drift as Json[]).length).toBeGreaterThan(0);
  expect((await admin.get(`/deployments/${id}`)).body.status).toBe("drifted");
  const repairPlan = await admin.post(`/deployments/${id}/plan`);
  expect(count("AssociateEipAddress", repairPlan.body.steps as Json[])).toBe(1);
  expect((await admin.post(`/deployments/${id}/repair`)).status).toBe(202);
  d = await admin.until(id, ["succeeded", "failed"]);
  expect(d.status).toBe("succeeded");
  expect((await admin.post(`/deployments/${id}/refresh`)).body.inSync).toBe(true);

  // Teardown: the name must be confirmed; then everything is as before the deployment.
  expect((await admin.post(`/deployments/${id}/teardown`, { confirm: "something else" })).status).toBe(400);
  expect((await admin.post(`/deployments/${id}/teardown`, { confirm: "api-two-enis" })).status).toBe(202);
  d = await admin.until(id, ["torn_down", "failed"]);
  expect(d.status).toBe("torn_down");
  const end = await worldShape(c);
  // The replacement EIP was the user's own (allocated in the "console"): it stays, unbound.
  expect(end.enis).toEqual(start.enis);
  expect(end.eips.filter((x) => !x.startsWith(`${replacement}|`))).toEqual(start.eips);
});

test("adopting a setup built by hand makes no mutating call; bad specs get every problem; tokens are checked", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const { admin, demo, c, vSwitchId, securityGroupId } = await setup(page, request);

  // No token, a wrong token: 401 with the error shape.
  const anonymous = await request.get("/api/v1/deployments");
  expect(anonymous.status()).toBe(401);
  expect(((await anonymous.json()) as Json).error?.code).toBeTruthy();
  expect((await api(request, "eip_not-a-token").get("/deployments")).status).toBe(401);
  expect((await admin.get("/deployments/does-not-exist")).status).toBe(404);

  // Bad specs: every problem with its path, nothing created.
  const bad = await admin.post("/deployments", {
    name: "bad",
    spec: {
      specVersion: 2,
      cloudAccountId: demo.id,
      regionId: REGION,
      instance: { mode: "existing", instanceId: "not-an-id" },
      os: "plan9",
      enis: [
        {
          eni: { mode: "existing", networkInterfaceId: "eni-x1" },
          privateIps: { mode: "count", count: -1 },
          eips: [{}],
        },
      ],
    },
  });
  expect(bad.status).toBe(400);
  const paths = (bad.body.error?.problems as Json[]).map((p) => JSON.stringify(p.path));
  expect(paths.some((p) => p.includes("instance"))).toBe(true);
  expect(paths.some((p) => p.includes("os"))).toBe(true);
  expect(paths.some((p) => p.includes("count"))).toBe(true);
  expect(((await admin.get("/deployments")).body.items as Json[]).length).toBe(0);

  // The document's procedure, by hand through the SDK: an ENI with 2 secondary IPs, attached, 2 EIPs in NAT mode.
  const instanceId = await runInstance(c, vSwitchId, securityGroupId, "by-hand");
  const eni = await createEni(c, vSwitchId, securityGroupId, 2);
  await c.ecs.attachNetworkInterface(
    new $Ecs.AttachNetworkInterfaceRequest({ regionId: REGION, networkInterfaceId: eni, instanceId }),
  );
  const attached = await waitFor(
    "ENI InUse",
    async () => (await enis(c, { networkInterfaceId: [eni] }))[0],
    (e) => e?.status === "InUse",
  );
  const secondaries = (attached!.privateIpSets?.privateIpSet ?? [])
    .filter((p) => !p.primary)
    .map((p) => p.privateIpAddress!);
  const allocations: string[] = [];
  for (const ip of secondaries) {
    const a = await allocateEip(c);
    allocations.push(a);
    await c.vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: REGION,
        allocationId: a,
        instanceId: eni,
        instanceType: "NetworkInterface",
        mode: "NAT",
        privateIpAddress: ip,
      }),
    );
  }
  await waitFor(
    "EIPs InUse",
    async () => (await eips(c)).filter((x) => allocations.includes(x.allocationId!) && x.status === "InUse").length,
    (n) => n === 2,
  );

  const seq = Number(
    (
      (await (
        await fetch(`${demo.emulator.endpoint.replace(/^(?!https?:\/\/)/, "http://")}/_emulator/requests`)
      ).json()) as Json[]
    ).at(-1)?.seq ?? 0,
  );
  const adopted = await admin.post("/deployments/adopt", {
    name: "by hand",
    cloudAccountId: demo.id,
    regionId: REGION,
    instanceId,
  });
  expect(adopted.status, adopted.text).toBe(201);
  expect(adopted.body.status).toBe("succeeded");
  const adoptedEnis = adopted.body.spec.enis as Json[];
  expect(adoptedEnis.map((e) => e.eni.networkInterfaceId)).toContain(eni);
  expect(adoptedEnis.flatMap((e) => (e.eips as Json[]).map((x) => x.allocationId)).sort()).toEqual(
    [...allocations].sort(),
  );
  const log = (await (
    await fetch(`${demo.emulator.endpoint.replace(/^(?!https?:\/\/)/, "http://")}/_emulator/requests?since=${seq}`)
  ).json()) as Json[];
  const ours = log.filter((r) => r.accessKeyId === demo.emulator.accessKeyId);
  expect(ours.length).toBeGreaterThan(0);
  expect(ours.filter((r) => MUTATING.test(String(r.action))).map((r) => r.action)).toEqual([]);
  // It is in sync, and its bundle exists.
  expect((await admin.post(`/deployments/${adopted.body.id}/refresh`)).body.inSync).toBe(true);
  const bundle = await request.get(`/api/v1/deployments/${adopted.body.id}/bundle`, { headers: admin.headers });
  expect(bundle.status()).toBe(200);
});
