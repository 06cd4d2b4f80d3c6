import { describe, expect, it } from "vitest";
import { isRetryableCode, toCloudError } from "./errors";

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

  it("retries the conflicts of concurrent operations: TaskConflict (400) and OperationConflict (409)", () => {
    expect(isRetryableCode("TaskConflict", 400)).toBe(true);
    expect(isRetryableCode("OperationConflict", 409)).toBe(true);
    for (const [code, statusCode] of [
      ["TaskConflict", 400],
      ["OperationConflict", 409],
    ] as const) {
      const e = toCloudError(
        {
          statusCode,
          code,
          requestId: "REQ-2",
          message: `code: ${statusCode}, Busy request id: REQ-2`,
          data: { Code: code, Message: "Busy", RequestId: "REQ-2" },
        },
        "vpc:AssociateEipAddress",
      );
      expect(e).toMatchObject({ code, httpStatus: statusCode, retryable: true });
    }
    // a conflict with something lasting is not a transient one
    expect(isRetryableCode("TaskConflict.AssociateGlobalAccelerationInstance", 400)).toBe(false);
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
