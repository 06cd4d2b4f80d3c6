import { describe, expect, it } from "vitest";
import { toCloudError } from "./errors";

describe("cloud errors", () => {
  it("keeps the cloud's code, message and RequestId", () => {
    const e = toCloudError(
      {
        statusCode: 403,
        code: "Forbidden.RAM",
        requestId: "REQ-1",
        message: "code: 403, User not authorized request id: REQ-1",
        data: { Code: "Forbidden.RAM", Message: "User not authorized", RequestId: "REQ-1" },
      },
      "ecs:AttachNetworkInterface",
    );
    expect(e).toMatchObject({
      code: "Forbidden.RAM",
      message: "User not authorized",
      requestId: "REQ-1",
      httpStatus: 403,
      retryable: false,
    });
  });

  it("reads a failed connection as a retryable network error, with the host and the request apart", () => {
    const e = toCloudError(
      {
        code: "ENOTFOUND",
        message:
          "getaddrinfo ENOTFOUND ecs.ap-northeast-1.aliyuncs.comPOST https://ecs.ap-northeast-1.aliyuncs.com/ failed.",
      },
      "ecs:DescribeRegions",
    );
    expect(e).toMatchObject({ code: "NetworkError", retryable: true });
    expect(e.message).toBe(
      "ENOTFOUND: getaddrinfo ENOTFOUND ecs.ap-northeast-1.aliyuncs.com — POST https://ecs.ap-northeast-1.aliyuncs.com/ failed.",
    );
  });
});
