// An API error as the real gateway returns it: HTTP status + Code + Message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const err = (status: number, code: string, message: string) => new ApiError(status, code, message);

export const missing = (name: string) =>
  new ApiError(
    400,
    `MissingParameter`,
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );

export const invalid = (name: string, detail?: string) =>
  new ApiError(400, "InvalidParameter", `The specified parameter "${name}" is not valid.${detail ? " " + detail : ""}`);
