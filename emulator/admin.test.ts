// Admin endpoints, fault injection, persistence, seeds and the CLI contract.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ZERO_LATENCIES } from "./engine";
import { $Ecs, $Vpc, ecsClient } from "./sdk";
import { DEMO, TOKYO, expectApiError, rawV1, startTestEmulator, setupTestEmulator } from "./test-helpers";

const t = setupTestEmulator();
beforeEach(async () => {
  await fetch(`${t.emu.url}/_emulator/reset`, { method: "POST" });
  await fetch(`${t.emu.url}/_emulator/faults`, { method: "PUT", body: "{}" });
  await fetch(`${t.emu.url}/_emulator/latencies`, { method: "PUT", body: JSON.stringify(ZERO_LATENCIES) });
});
const admin = async (p: string, method = "GET", body?: unknown) => {
  const r = await fetch(`${t.emu.url}/_emulator/${p}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin responses vary by endpoint; each test asserts the fields it reads
  return { status: r.status, json: (await r.json()) as any };
};
const regions = () => t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
const eniStatus = async (id: string) =>
  (
    await t.ecs.describeNetworkInterfaces(
      new $Ecs.DescribeNetworkInterfacesRequest({ regionId: TOKYO, networkInterfaceId: [id] }),
    )
  ).body!.networkInterfaceSets!.networkInterfaceSet![0]?.status;

describe("admin endpoints", () => {
  it("state dump, reset back to the seed, request log", async () => {
    await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: TOKYO }));
    expect(Object.keys((await admin("state")).json.eips)).toHaveLength(5);
    const log = (await admin("requests?action=AllocateEipAddress")).json as Array<{
      action: string;
      status: number;
      params: Record<string, string>;
      accessKeyId: string;
    }>;
    expect(log.at(-1)).toMatchObject({
      action: "AllocateEipAddress",
      status: 200,
      accessKeyId: "LTAI5tEIPilotDemoKey01",
      params: { RegionId: TOKYO },
    });
    expect((await admin("reset", "POST")).status).toBe(200);
    expect(Object.keys((await admin("state")).json.eips)).toHaveLength(4);
    expect((await admin("nothing")).status).toBe(404);
  });

  it("refuses a state change sent by a web page (blind cross-site POST), not one from a script", async () => {
    await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: TOKYO }));
    const fromPage = await fetch(`${t.emu.url}/_emulator/reset`, {
      method: "POST",
      headers: { origin: "https://attacker.example" },
    });
    expect(fromPage.status).toBe(403);
    expect(((await fromPage.json()) as { error: string }).error).toContain("Origin https://attacker.example");
    const faults = await fetch(`${t.emu.url}/_emulator/faults`, {
      method: "PUT",
      headers: { origin: "http://localhost:3000" },
      body: JSON.stringify({ AssociateEipAddress: { code: "Throttling", rate: 1 } }),
    });
    expect(faults.status).toBe(403);
    expect(Object.keys((await admin("state")).json.eips)).toHaveLength(5); // the reset did not happen
    expect(
      (await fetch(`${t.emu.url}/_emulator/state`, { headers: { origin: "https://attacker.example" } })).status,
    ).toBe(200); // reading is harmless
    expect((await admin("reset", "POST")).status).toBe(200);
    expect(Object.keys((await admin("state")).json.eips)).toHaveLength(4);
  });

  it("answers reads and writes only under a loopback Host name (DNS rebinding)", async () => {
    // fetch() may not set Host; node:http sends the header as given.
    const withHost = (p: string, host: string, method = "GET") =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${t.emu.url}/_emulator/${p}`, { method, headers: { host } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject).end();
      });
    const port = t.emu.port;
    for (const host of [
      `attacker.example:${port}`,
      "attacker.example",
      `127.0.0.1.nip.io:${port}`,
      `10.0.0.1:${port}`,
    ]) {
      for (const p of ["state", "requests", "faults", "health"]) {
        const r = await withHost(p, host);
        expect([host, p, r.status]).toEqual([host, p, 403]);
        expect(r.body).not.toContain("eipPerRegion");
      }
      expect((await withHost("reset", host, "POST")).status).toBe(403);
    }
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      "127.0.0.1",
      "localhost",
      "LOCALHOST",
    ]) {
      const r = await withHost("state", host);
      expect([host, r.status]).toEqual([host, 200]);
      expect(JSON.parse(r.body)).toHaveProperty("eips");
    }
  });

  it("keeps secrets out of the state dump and the request log; the ClientToken still tells passwords apart", async () => {
    const password = "Sup3r-Secret-Pw!";
    const req = {
      regionId: TOKYO,
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      instanceType: "ecs.g7.large",
      vSwitchId: DEMO.vswA,
      securityGroupId: DEMO.sg,
      password,
      clientToken: "run-secret-1",
    };
    const first = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(req));
    const id = first.body!.instanceIdSets!.instanceIdSet![0]!;
    // the same token and password: the same instance; another password: a mismatch, as before
    const again = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(req));
    expect(again.body!.instanceIdSets!.instanceIdSet).toEqual([id]);
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...req, password: "Another-Pw-123" })),
      "IdempotentParameterMismatch",
      400,
    );
    const v1 = await rawV1(t.emu, {
      action: "DescribeRegions",
      params: { SecurityToken: "sts-token-value-xyz" },
    });
    expect(v1.status).toBe(200);

    const state = await fetch(`${t.emu.url}/_emulator/state`).then((r) => r.text());
    expect(state).toContain(id);
    expect(state).not.toContain(password);
    const logText = await fetch(`${t.emu.url}/_emulator/requests`).then((r) => r.text());
    for (const secret of [password, "Another-Pw-123", "sts-token-value-xyz", "EIPilotDemoSecretNotForProduction01"])
      expect(logText).not.toContain(secret);
    const log = JSON.parse(logText) as Array<{ action: string; params: Record<string, string> }>;
    const runs = log.filter((r) => r.action === "RunInstances");
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(r.params).toMatchObject({ Password: "******", ClientToken: "run-secret-1" });
    expect(log.find((r) => r.action === "DescribeRegions" && r.params.SecurityToken)?.params.SecurityToken).toBe(
      "******",
    );
    expect(log.some((r) => "Signature" in r.params)).toBe(false);
    expect(t.emu.requests().find((r) => r.action === "RunInstances")?.params.Password).toBe("******");
  });

  it("drift: unassign an IP and drop an EIP behind the client's back", async () => {
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.77"],
      }),
    );
    await t.vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: TOKYO,
        allocationId: DEMO.freeEips[0],
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.77",
      }),
    );
    expect(
      (
        await admin("drift", "POST", {
          op: "unassignPrivateIp",
          networkInterfaceId: DEMO.secondaryEni,
          privateIpAddress: "172.16.0.77",
        })
      ).status,
    ).toBe(200);
    const e = (
      await t.vpc.describeEipAddresses(
        new $Vpc.DescribeEipAddressesRequest({ regionId: TOKYO, allocationId: DEMO.freeEips[0] }),
      )
    ).body!.eipAddresses!.eipAddress![0]!;
    expect([e.status, e.instanceId]).toEqual(["Available", ""]);
    await admin("drift", "POST", { op: "unassociateEip", allocationId: DEMO.eipOnWeb1 });
    const i = (
      await t.ecs.describeInstances(
        new $Ecs.DescribeInstancesRequest({ regionId: TOKYO, instanceIds: JSON.stringify([DEMO.web1]) }),
      )
    ).body!.instances!.instance![0]!;
    expect(i.eipAddress!.allocationId).toBe("");
    expect((await admin("drift", "POST", { op: "detachEni", networkInterfaceId: "eni-nope" })).status).toBe(404);
  });

  it("latencies: GET/PUT change how long a transition takes; settle completes it", async () => {
    await admin("latencies", "PUT", { eniAttach: 60_000 });
    expect((await admin("latencies")).json.eniAttach).toBe(60_000);
    await t.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    expect(await eniStatus(DEMO.secondaryEni)).toBe("Attaching");
    expect((await admin("settle", "POST")).json.applied).toBe(1);
    expect(await eniStatus(DEMO.secondaryEni)).toBe("InUse");
  });
});

describe("faults", () => {
  it("injects Throttling.User / ServiceUnavailable / InternalError per action with the real shapes", async () => {
    await admin("faults", "PUT", { errors: { DescribeRegions: { "Throttling.User": 1 } } });
    const e = await expectApiError(regions(), "Throttling.User", 400);
    expect(e.data?.Message).toBe("Request was denied due to user flow control.");
    // other actions are untouched
    await t.ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: TOKYO }));
    await admin("faults", "PUT", { errors: { "*": { ServiceUnavailable: 1 } } });
    await expectApiError(regions(), "ServiceUnavailable", 503);
    await admin("faults", "PUT", { errors: { DescribeRegions: { InternalError: 1 } } });
    await expectApiError(regions(), "InternalError", 500);
  });

  it("an Action@id fault fails the requests naming that resource only", async () => {
    await admin("faults", "PUT", { errors: { [`DescribeInstances@${DEMO.web1}`]: { InternalError: 1 } } });
    const describe = (ids: string[]) =>
      t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: TOKYO, instanceIds: JSON.stringify(ids) }));
    await expectApiError(describe([DEMO.web1]), "InternalError", 500);
    // A JSON list that contains it, too; another instance is untouched.
    await expectApiError(describe([DEMO.web2, DEMO.web1]), "InternalError", 500);
    const other = await describe([DEMO.web2]);
    expect(other.body?.instances?.instance?.map((i) => i.instanceId)).toEqual([DEMO.web2]);
    await regions();
  });

  it("the same seed gives the same fault pattern", async () => {
    const run = async () => {
      await admin("faults", "PUT", { seed: 7, errors: { DescribeRegions: { InternalError: 0.5 } } });
      const out: string[] = [];
      for (let k = 0; k < 20; k++)
        out.push(
          await regions().then(
            () => "ok",
            (e: { code: string }) => e.code,
          ),
        );
      return out.join(",");
    };
    const a = await run();
    const b = await run();
    expect(a).toBe(b);
    expect(a).toContain("ok");
    expect(a).toContain("InternalError");
  });

  it("stuck transitions stay stuck until settled; latency jitter delays responses", async () => {
    await admin("faults", "PUT", { stuck: { DetachNetworkInterface: 1 }, latency: { minMs: 40, maxMs: 60 } });
    await t.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await t.ecs.detachNetworkInterface(
      new $Ecs.DetachNetworkInterfaceRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    const t0 = Date.now();
    expect(await eniStatus(DEMO.secondaryEni)).toBe("Detaching");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    await new Promise((r) => setTimeout(r, 100));
    expect(await eniStatus(DEMO.secondaryEni)).toBe("Detaching");
    await admin("settle", "POST");
    expect(await eniStatus(DEMO.secondaryEni)).toBe("Available");
  });

  it("conflicts: TaskConflict / OperationConflict while another association on the same ENI is in progress", async () => {
    await admin("latencies", "PUT", { eipAssociate: 60_000 });
    await admin("requests", "DELETE");
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.77", "172.16.0.78"],
      }),
    );
    const spec = { conflicts: { AssociateEipAddress: { TaskConflict: 1 } } };
    expect((await admin("faults", "PUT", spec)).json.conflicts).toEqual(spec.conflicts);
    const [e1, e2, e3] = DEMO.freeEips as [string, string, string];
    const associate = (allocationId: string, privateIpAddress: string) =>
      t.vpc.associateEipAddress(
        new $Vpc.AssociateEipAddressRequest({
          regionId: TOKYO,
          allocationId,
          instanceId: DEMO.secondaryEni,
          instanceType: "NetworkInterface",
          privateIpAddress,
        }),
      );
    await associate(e1, "172.16.0.60"); // nothing in progress on the ENI: accepted
    const e = await expectApiError(associate(e2, "172.16.0.77"), "TaskConflict", 400);
    expect(e.data?.Message).toBe("Operations are too frequent and tasks conflict with each other.");
    await admin("faults", "PUT", { conflicts: { "*": { OperationConflict: 1 } } });
    await expectApiError(associate(e2, "172.16.0.77"), "OperationConflict", 409);
    // another target is not busy
    await t.vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({ regionId: TOKYO, allocationId: e3, instanceId: DEMO.web2 }),
    );
    await admin("settle", "POST");
    await associate(e2, "172.16.0.77"); // the first association is done: accepted
    const codes = (await admin("requests?action=AssociateEipAddress")).json.map((r: { code: string }) => r.code);
    expect(codes).toEqual(["", "TaskConflict", "OperationConflict", "", ""]);
  });

  it("a global rate limit answers Throttling.User beyond N requests/second", async () => {
    await admin("faults", "PUT", { rateLimit: 5 });
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        regions().then(
          () => "ok",
          (e: { code: string }) => e.code,
        ),
      ),
    );
    expect(results.filter((r) => r === "ok").length).toBeLessThanOrEqual(6);
    expect(results).toContain("Throttling.User");
  });
});

describe("seeds, persistence, CLI", () => {
  it("a seed file defines the world; ids are generated when omitted", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "emu-"));
    const seedPath = path.join(dir, "seed.json");
    writeFileSync(
      seedPath,
      JSON.stringify({
        regions: [{ regionId: "cn-shanghai", zones: [{ zoneId: "cn-shanghai-a" }] }],
        vpcs: [
          {
            regionId: "cn-shanghai",
            cidrBlock: "10.0.0.0/16",
            name: "v",
            vSwitches: [{ zoneId: "cn-shanghai-a", cidrBlock: "10.0.0.0/24", name: "s" }],
            securityGroups: [{ name: "g" }],
          },
        ],
        instances: [
          {
            name: "box",
            vSwitch: "s",
            instanceType: "ecs.g6.xlarge",
            imageId: "ubuntu_22_04_x64_20G_alibase_20240710.vhd",
          },
        ],
        eips: [{ regionId: "cn-shanghai", associate: { instance: "box" } }],
      }),
    );
    const { emu: e2, ecs } = await startTestEmulator({ seed: seedPath });
    try {
      const c = ecsClient({ endpoint: e2.endpoint, regionId: "cn-shanghai" });
      const i = (await c.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: "cn-shanghai" }))).body!
        .instances!.instance!;
      expect(i).toHaveLength(1);
      expect(i[0]!.instanceId).toMatch(/^i-uf6[a-z0-9]{17}$/);
      expect(i[0]!.eipAddress!.ipAddress).toMatch(/^(203\.0\.113|198\.51\.100)\./);
      await expectApiError(
        ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: TOKYO })),
        "InvalidRegionId.NotFound",
        404,
      );
    } finally {
      await e2.close();
    }
  });

  it("--state persists the world across restarts", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "emu-"));
    const statePath = path.join(dir, "state.json");
    const a = await startTestEmulator({ statePath });
    const id = (await a.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: TOKYO, name: "kept" })))
      .body!.allocationId!;
    await a.emu.close();
    const b = await startTestEmulator({ statePath });
    try {
      const got = await b.vpc.describeEipAddresses(
        new $Vpc.DescribeEipAddressesRequest({ regionId: TOKYO, allocationId: id }),
      );
      expect(got.body!.eipAddresses!.eipAddress![0]!.name).toBe("kept");
    } finally {
      await b.emu.close();
    }
  });

  it("npm run emulator prints exactly 'listening on http://127.0.0.1:<port>' and serves signed calls", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "emulator/cli.ts",
        "--port",
        "0",
        "--access-key-id",
        "LTAIcli",
        "--access-key-secret",
        "cli-secret",
        "--faults",
        '{"seed":3}',
      ],
      {
        cwd: path.resolve(import.meta.dirname, ".."),
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          if (buf.includes("\n")) resolve(buf.split("\n")[0]!);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(line.split(":").at(-1));
      expect(port).toBeGreaterThan(0);
      const c = ecsClient({ endpoint: `127.0.0.1:${port}`, accessKeyId: "LTAIcli", accessKeySecret: "cli-secret" });
      const r = await c.describeRegions(new $Ecs.DescribeRegionsRequest({}));
      expect(r.body!.regions!.region).toHaveLength(2);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
