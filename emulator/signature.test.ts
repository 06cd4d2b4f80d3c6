// Signature verification: known-answer vectors (captured from the SDK, reference §1.4–1.5)
// and the rejections a client sees for bad credentials, replays and tampering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { $Ecs } from "./sdk";
import { ecsClient } from "./sdk";
import type { EmulatorHandle } from "./server";
import {
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  canonicalQueryString,
  parseQuery,
  v1Signature,
  v1StringToSign,
} from "./signature";
import { TOKYO, acsDate, expectApiError, rawAcs3, rawV1, startTestEmulator } from "./test-helpers";

describe("signature algorithms match the SDK's known answers", () => {
  it("vector A: ACS3 with a query string that needs strict encoding", () => {
    const query = parseQuery(
      "?ClientToken=tok%20(1)*!&NetworkInterfaceId=eni-1&PrivateIpAddress.1=10.0.0.5&PrivateIpAddress.2=10.0.0.6&RegionId=cn-hangzhou",
    );
    expect(canonicalQueryString(query)).toBe(
      "ClientToken=tok%20%281%29%2A%21&NetworkInterfaceId=eni-1&PrivateIpAddress.1=10.0.0.5&PrivateIpAddress.2=10.0.0.6&RegionId=cn-hangzhou",
    );
    const headers = {
      host: "127.0.0.1:18080",
      "x-acs-version": "2014-05-26",
      "x-acs-action": "AssignPrivateIpAddresses",
      "x-acs-date": "2026-11-27T04:01:39Z",
      "x-acs-signature-nonce": "4b110341483bcf3e6db6c27c06e2d85d7266e9ee565f6f64e21b1ba16ad274e0",
      "x-acs-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "x-acs-credentials-provider": "static_ak",
    };
    const signed =
      "host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version".split(
        ";",
      );
    const sts = acs3StringToSign(
      acs3CanonicalRequest({
        method: "POST",
        path: "/",
        query,
        headers,
        signedHeaders: signed,
        payloadHash: headers["x-acs-content-sha256"],
      }),
    );
    expect(acs3Signature("testsecret", sts)).toBe("b587ee34d31a7e5a1c259e841cecd9bd10a132b8d4d6de0734085b217fb3fdff");
  });

  it("vector B: ACS3 with a form body and content-type signed", () => {
    const hash = "e7c03495b9894fe04496bd5c1345ce447a3b7516b79216724298e3d584b30169";
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      host: "ecs.cn-hangzhou.aliyuncs.com",
      "x-acs-action": "AssignPrivateIpAddresses",
      "x-acs-version": "2014-05-26",
      "x-acs-date": "2024-01-01T00:00:00Z",
      "x-acs-signature-nonce": "abc123",
      "x-acs-content-sha256": hash,
    };
    const sts = acs3StringToSign(
      acs3CanonicalRequest({
        method: "POST",
        path: "/",
        query: [["RegionId", "cn-hangzhou"]],
        headers,
        signedHeaders: Object.keys(headers),
        payloadHash: hash,
      }),
    );
    expect(acs3Signature("testsecret", sts)).toBe("c21a78e559adb24c76497141fe111fc798e637f520d63b9a6622ab0554cef156");
  });

  it("vector C: RPC v1 HMAC-SHA1 (the official documentation example)", () => {
    const params: Array<[string, string]> = Object.entries({
      Timestamp: "2016-02-23T12:46:24Z",
      Format: "XML",
      AccessKeyId: "testid",
      Action: "DescribeRegions",
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
      Version: "2014-05-26",
      SignatureVersion: "1.0",
    });
    const sts = v1StringToSign("GET", params);
    expect(sts).toBe(
      "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
    );
    expect(v1Signature("testsecret", sts)).toBe("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  });
});

describe("the server rejects what the real gateway rejects", () => {
  let emu: EmulatorHandle;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator({
      credentials: [{ accessKeyId: "LTAItestExtraKey", accessKeySecret: "extra-secret" }],
    }));
  });
  afterAll(() => emu.close());

  const q = { RegionId: TOKYO };

  it("accepts a correctly signed ACS3 request and a v1 request", async () => {
    const a = await rawAcs3(emu, { action: "DescribeZones", query: q });
    expect(a.status).toBe(200);
    expect(a.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    const v1 = await rawV1(emu, { action: "DescribeVpcs", version: "2016-04-28", params: q });
    expect(v1.status).toBe(200);
    expect((v1.body.Vpcs as { Vpc: unknown[] }).Vpc).toHaveLength(1);
  });

  it("accepts an extra key pair given at start, through the SDK", async () => {
    const c = ecsClient({ endpoint: emu.endpoint, accessKeyId: "LTAItestExtraKey", accessKeySecret: "extra-secret" });
    const r = await c.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(r.body?.regions?.region?.map((x) => x.regionId)).toEqual(["ap-northeast-1", "cn-hangzhou"]);
  });

  it("wrong secret → 400 SignatureDoesNotMatch with the server StringToSign", async () => {
    const r = await rawAcs3(emu, { action: "DescribeZones", query: q, secret: "nope" });
    expect(r.status).toBe(400);
    expect(r.body.Code).toBe("SignatureDoesNotMatch");
    expect(String(r.body.Message)).toContain("server StringToSign is [ACS3-HMAC-SHA256\n");
    const v1 = await rawV1(emu, { action: "DescribeZones", params: q, secret: "nope" });
    expect(v1.status).toBe(400);
    expect(v1.body.Code).toBe("SignatureDoesNotMatch");
  });

  it("wrong secret through the SDK surfaces as a ClientError", async () => {
    const c = ecsClient({ endpoint: emu.endpoint, accessKeySecret: "wrong" });
    await expectApiError(c.describeRegions(new $Ecs.DescribeRegionsRequest({})), "SignatureDoesNotMatch", 400);
  });

  it("unknown key → 404 InvalidAccessKeyId.NotFound", async () => {
    const r = await rawAcs3(emu, { action: "DescribeZones", query: q, accessKeyId: "LTAIunknown" });
    expect([r.status, r.body.Code]).toEqual([404, "InvalidAccessKeyId.NotFound"]);
    const v1 = await rawV1(emu, { action: "DescribeZones", params: q, accessKeyId: "LTAIunknown" });
    expect([v1.status, v1.body.Code]).toEqual([404, "InvalidAccessKeyId.NotFound"]);
  });

  it("replayed nonce → 400 SignatureNonceUsed", async () => {
    const nonce = "replay-" + Date.now();
    expect((await rawAcs3(emu, { action: "DescribeZones", query: q, nonce })).status).toBe(200);
    const again = await rawAcs3(emu, { action: "DescribeZones", query: q, nonce });
    expect([again.status, again.body.Code]).toEqual([400, "SignatureNonceUsed"]);
    const n1 = "v1-replay-" + Date.now();
    expect((await rawV1(emu, { action: "DescribeZones", params: q, nonce: n1 })).status).toBe(200);
    expect((await rawV1(emu, { action: "DescribeZones", params: q, nonce: n1 })).body.Code).toBe("SignatureNonceUsed");
  });

  it("timestamp older than 15 minutes → 400 InvalidTimeStamp.Expired", async () => {
    const old = acsDate(Date.now() - 16 * 60 * 1000);
    const r = await rawAcs3(emu, { action: "DescribeZones", query: q, date: old });
    expect([r.status, r.body.Code]).toEqual([400, "InvalidTimeStamp.Expired"]);
    const v1 = await rawV1(emu, { action: "DescribeZones", params: q, timestamp: old });
    expect([v1.status, v1.body.Code]).toEqual([400, "InvalidTimeStamp.Expired"]);
    const fine = await rawAcs3(emu, { action: "DescribeZones", query: q, date: acsDate(Date.now() - 10 * 60 * 1000) });
    expect(fine.status).toBe(200);
  });

  it("tampered query (parameter changed after signing) → SignatureDoesNotMatch", async () => {
    const r = await rawAcs3(emu, {
      action: "DescribeZones",
      query: q,
      tamper: (s) => s.replace("ap-northeast-1", "cn-hangzhou"),
    });
    expect([r.status, r.body.Code]).toEqual([400, "SignatureDoesNotMatch"]);
    const added = await rawAcs3(emu, { action: "DescribeZones", query: q, tamper: (s) => s + "&Verbose=false" });
    expect(added.body.Code).toBe("SignatureDoesNotMatch");
  });

  it("an unsigned x-acs- header or a malformed Authorization is IncompleteSignature", async () => {
    const res = await fetch(`${emu.url}/?RegionId=${TOKYO}`, {
      method: "POST",
      headers: {
        authorization: "ACS3-HMAC-SHA256 garbage",
        "x-acs-action": "DescribeZones",
        "x-acs-version": "2014-05-26",
      },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Code: string }).Code).toBe("IncompleteSignature");
  });

  it("no credentials at all → MissingAccessKeyId; unknown action/version are reported", async () => {
    const res = await fetch(`${emu.url}/?Action=DescribeRegions&Version=2014-05-26`);
    expect(((await res.json()) as { Code: string }).Code).toBe("MissingAccessKeyId");
    const na = await rawAcs3(emu, { action: "DescribeEverything", query: q });
    expect([na.status, na.body.Code]).toEqual([404, "InvalidAction.NotFound"]);
    const nv = await rawAcs3(emu, { action: "DescribeZones", version: "2099-01-01", query: q });
    expect(nv.body.Code).toBe("InvalidVersion");
  });
});
