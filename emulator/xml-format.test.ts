// `Format=XML`: the API answers XML in Alibaba's RPC shape (`<ActionResponse>`, `<Error>`),
// read here by the official SDK's own XML reader and compared with the JSON answer.
import * as $OpenApi from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { describe, expect, it } from "vitest";
import { $Ecs, $Vpc } from "./sdk";
import { DEMO, TOKYO, rawV1, setupTestEmulator } from "./test-helpers";

const t = setupTestEmulator({ resetEachTest: true });

type ModelClass = { names(): Record<string, string>; types(): Record<string, unknown> };
// The SDK reads an XML body into a model with this (TeaXML.parseXml(body, Model) calls it);
// applied to the JSON answer too, both come out in the same typed form.
const xmlCast = (obj: unknown, model: ModelClass) =>
  ($dara.XML as unknown as { _xmlCast(o: unknown, m: ModelClass): Record<string, unknown> })._xmlCast(obj, model);

/** One RPC call through the SDK's generic callApi (ACS3 signature), JSON or `Format=XML`. */
async function call(client: { callApi: typeof t.ecs.callApi }, action: string, version: string, query: object) {
  const params = (bodyType: string) =>
    new $OpenApi.$OpenApiUtil.Params({
      action,
      version,
      protocol: "HTTP",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType,
    });
  const run = (q: object, bodyType: string) =>
    client.callApi(
      params(bodyType),
      new $OpenApi.$OpenApiUtil.OpenApiRequest({ query: q }),
      new $dara.RuntimeOptions({}),
    );
  const json = (await run(query, "json")) as { body: Record<string, unknown> };
  const xml = (await run({ ...query, Format: "XML" }, "string")) as {
    body: string;
    headers: Record<string, string>;
  };
  return { json: json.body, xml: xml.body, contentType: xml.headers["content-type"] };
}

const withoutRequestId = (o: Record<string, unknown>) => ({ ...o, RequestId: "" });

describe("Format=XML", () => {
  it("answers <ActionResponse> with the JSON answer's content, lists as repeated elements", async () => {
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.77", "172.16.0.78"],
      }),
    );
    await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: TOKYO, name: 'a<b & "c"' }));
    const cases = [
      [t.ecs, "DescribeNetworkInterfaces", "2014-05-26", $Ecs.DescribeNetworkInterfacesResponseBody],
      [t.ecs, "DescribeInstances", "2014-05-26", $Ecs.DescribeInstancesResponseBody],
      [t.vpc, "DescribeEipAddresses", "2016-04-28", $Vpc.DescribeEipAddressesResponseBody],
    ] as const;
    for (const [client, action, version, model] of cases) {
      const r = await call(client, action, version, { RegionId: TOKYO });
      expect(r.contentType).toBe("text/xml;charset=utf-8");
      expect(r.xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?><${action}Response><`)).toBe(true);
      expect(r.xml.endsWith(`</${action}Response>`)).toBe(true);
      const parsed = $dara.XML.parseXml(r.xml, null) as Record<string, Record<string, unknown>>;
      expect(Object.keys(parsed)).toEqual([`${action}Response`]);
      expect(parsed[`${action}Response`]!.RequestId).toMatch(/^[0-9A-F-]{36}$/);
      const fromXml = xmlCast(parsed[`${action}Response`], model as unknown as ModelClass);
      const fromJson = xmlCast(r.json, model as unknown as ModelClass);
      expect(withoutRequestId(fromXml), action).toEqual(withoutRequestId(fromJson));
    }
    const enis = await call(t.ecs, "DescribeNetworkInterfaces", "2014-05-26", { RegionId: TOKYO });
    const n = (enis.json.NetworkInterfaceSets as { NetworkInterfaceSet: unknown[] }).NetworkInterfaceSet.length;
    expect(n).toBeGreaterThan(1);
    expect(enis.xml.match(/<NetworkInterfaceSet>/g)).toHaveLength(n);
    expect(enis.xml).toContain("<NetworkInterfaceSets><NetworkInterfaceSet>");
    expect(enis.xml).toContain("<PrivateIpSets><PrivateIpSet>");
    const eips = await call(t.vpc, "DescribeEipAddresses", "2016-04-28", { RegionId: TOKYO });
    expect(eips.xml).toContain('<Name>a&lt;b &amp; "c"</Name>');
  });

  it("answers errors as <Error> with RequestId, HostId, Code, Message, which the SDK reads", async () => {
    const v1 = await rawV1(t.emu, { action: "DescribeZones", params: { Format: "XML", RegionId: "nowhere" } });
    expect([v1.status, v1.contentType]).toEqual([404, "text/xml;charset=utf-8"]);
    const err = ($dara.XML.parseXml(v1.text, null) as { Error: Record<string, string> }).Error;
    expect(Object.keys(err)).toEqual(["RequestId", "HostId", "Code", "Message", "Recommend"]);
    expect(err).toMatchObject({ HostId: "ecs.aliyuncs.com", Code: "InvalidRegionId.NotFound" });
    expect(err.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    // a signature error, found before the action: XML too
    const bad = await rawV1(t.emu, { action: "DescribeZones", params: { Format: "xml" }, secret: "wrong" });
    expect([bad.status, bad.contentType]).toEqual([400, "text/xml;charset=utf-8"]);
    expect(bad.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Error><RequestId>[0-9A-F-]{36}<\/RequestId>/);
    expect(bad.text).toContain("<Code>SignatureDoesNotMatch</Code>");
    // the SDK itself reads the XML error (it does so only under text/xml;charset=utf-8)
    const failed = await call(t.ecs, "DescribeZones", "2014-05-26", { RegionId: "nowhere" }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "InvalidRegionId.NotFound", statusCode: 404 });
    expect((failed as { data: Record<string, unknown> }).data.HostId).toBe("ecs.aliyuncs.com");
  });

  it("JSON stays the answer to Format=JSON (any case) and to a request without Format", async () => {
    for (const Format of ["JSON", "json"]) {
      const r = await rawV1(t.emu, { action: "DescribeRegions", params: { Format } });
      expect([r.status, r.contentType]).toEqual([200, "application/json;charset=utf-8"]);
      expect(r.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    }
    const sdk = await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(sdk.body!.regions!.region).toHaveLength(2);
  });
});
