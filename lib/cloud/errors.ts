// Cloud errors: every SDK failure becomes a CloudError (code, message, RequestId,
// HTTP status, retryable), and a CloudError becomes what the user sees: the
// cloud's own code, message and RequestId plus our fix hint in English and Japanese.

export type Localized = { en: string; ja: string };

export class CloudError extends Error {
  readonly code: string;
  readonly requestId: string | null;
  readonly httpStatus: number | null;
  readonly retryable: boolean;
  readonly action: string;
  /** Server-suggested wait (Throttling responses with x-acs-retry-after), ms. */
  readonly retryAfterMs: number | null;

  constructor(init: {
    code: string;
    message: string;
    requestId?: string | null;
    httpStatus?: number | null;
    action: string;
    retryable?: boolean;
    retryAfterMs?: number | null;
  }) {
    super(init.message);
    this.name = "CloudError";
    this.code = init.code;
    this.requestId = init.requestId ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.action = init.action;
    this.retryable = init.retryable ?? isRetryableCode(init.code, init.httpStatus ?? null);
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  toJSON(): CloudErrorJson {
    return {
      code: this.code,
      message: this.message,
      requestId: this.requestId,
      httpStatus: this.httpStatus,
      action: this.action,
      retryable: this.retryable,
    };
  }
}

export type CloudErrorJson = {
  code: string;
  message: string;
  requestId: string | null;
  httpStatus: number | null;
  action: string;
  retryable: boolean;
};

/**
 * Transient codes worth retrying (with capped backoff). "State" codes such as
 * IncorrectEipStatus / InvalidOperation.InvalidEniState are retryable only because
 * the previous transition of the same resource may still be finishing; the
 * executor's pre-flight and reconcile logic makes a lasting state error surface
 * after the attempts run out.
 */
const RETRYABLE_EXACT = new Set([
  "ServiceUnavailable",
  "InternalError",
  "InternalError.Dispatch",
  "OperationConflict",
  "Operation.Conflict",
  "InvalidOperation.Conflict",
  "TaskConflict",
  "LastTokenProcessing",
  "OperationFailed.LastTokenProcessing",
  "OperationFailed.SystemBusy",
  "SystemBusy",
  "IncorrectStatus",
  "OperationFailed.EcsMigrating",
  "RequestTimeout",
  "NetworkError",
]);

export function isRetryableCode(code: string, httpStatus: number | null): boolean {
  if (/throttling/i.test(code)) return true;
  if (RETRYABLE_EXACT.has(code)) return true;
  if (httpStatus !== null && httpStatus >= 500) return true;
  return false;
}

/** Codes that mean "the resource is mid-transition": retry after a pause (applies to mutating calls). */
export const TRANSIENT_STATE_CODES = new Set([
  "IncorrectEipStatus",
  "InvalidBindingStatus",
  "IncorrectInstanceStatus",
  "InvalidStatus.EniStatusNotSupport",
  "InvalidStatus.EcsStatusNotSupport",
  "InvalidOperation.InvalidEniState",
  "InvalidOperation.InvalidEcsState",
]);

type SdkErrorLike = {
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  requestId?: unknown;
  retryAfter?: unknown;
  data?: { RequestId?: unknown; Code?: unknown; Message?: unknown } | undefined;
  name?: unknown;
};

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
]);

/** Maps anything the SDK throws (or a network failure) to a CloudError. */
export function toCloudError(e: unknown, action: string): CloudError {
  if (e instanceof CloudError) return e;
  const x = (e ?? {}) as SdkErrorLike;
  const data = x.data ?? undefined;
  const status = typeof x.statusCode === "number" ? x.statusCode : null;
  const rawCode = typeof data?.Code === "string" ? data.Code : typeof x.code === "string" ? x.code : "";
  const requestId =
    typeof x.requestId === "string" && x.requestId
      ? x.requestId
      : typeof data?.RequestId === "string"
        ? data.RequestId
        : null;
  let message =
    typeof data?.Message === "string" ? data.Message : typeof x.message === "string" ? x.message : String(e);
  if (!rawCode && status === null && !/timeout|socket|ECONN|network|fetch failed/i.test(message)) {
    return new CloudError({ code: "ClientError", message, action, httpStatus: null, retryable: false });
  }
  if (!rawCode || NETWORK_CODES.has(rawCode) || (status === null && /timeout|socket|ECONN/i.test(message))) {
    const timeout = /timeout/i.test(message) || rawCode === "ETIMEDOUT";
    // The SDK glues the request line to the socket's message: "…aliyuncs.comPOST https://… failed."
    message = message.replace(/(?<=\S)(?=(?:GET|POST) https?:\/\/)/, " — ");
    return new CloudError({
      code: timeout ? "RequestTimeout" : "NetworkError",
      message: `${rawCode ? rawCode + ": " : ""}${message}`,
      action,
      httpStatus: null,
      retryable: true,
    });
  }
  // The SDK prefixes messages with "code: <status>, " and suffixes " request id: …"; keep the cloud's text.
  message = message.replace(/^code: \d+, /, "").replace(/ request id: [\w-]+$/, "");
  // x-acs-retry-after: the unit is not documented; small values are read as seconds, large ones as milliseconds.
  const retryAfter =
    typeof x.retryAfter === "number" && x.retryAfter > 0
      ? x.retryAfter > 60
        ? x.retryAfter
        : x.retryAfter * 1000
      : null;
  return new CloudError({ code: rawCode, message, requestId, httpStatus: status, action, retryAfterMs: retryAfter });
}

// ---- user-facing mapping ----

const HINTS: Array<[RegExp, Localized]> = [
  [
    /^Throttling/,
    {
      en: "Alibaba Cloud is rate-limiting this account. Wait a minute and resume the deployment.",
      ja: "このアカウントは Alibaba Cloud によりレート制限されています。1 分ほど待ってからデプロイを再開してください。",
    },
  ],
  [
    /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|Forbidden\.AccessKeyDisabled)/,
    {
      en: "Check the AccessKey pair of this cloud account in Settings → Cloud accounts.",
      ja: "設定 → クラウドアカウントで、このアカウントの AccessKey を確認してください。",
    },
  ],
  [
    /^Forbidden(\.RAM|\.Unauthorized|\.SubUser)?$|^Forbidden\.RAM/,
    {
      en: "The RAM user lacks permission for this action. Grant AliyunECSNetworkInterfaceManagementAccess and AliyunEIPFullAccess (or an equivalent custom policy).",
      ja: "RAM ユーザーにこの操作の権限がありません。AliyunECSNetworkInterfaceManagementAccess と AliyunEIPFullAccess（または同等のカスタムポリシー）を付与してください。",
    },
  ],
  [
    /EniPerInstanceLimitExceeded/,
    {
      en: "The instance type allows no more ENIs. Detach an unused ENI or change to a larger instance type.",
      ja: "このインスタンスタイプでは ENI をこれ以上アタッチできません。不要な ENI をデタッチするか、より大きいインスタンスタイプに変更してください。",
    },
  ],
  [
    /Ipv4CountExceeded|QuotaExceeded\.PrivateIpAddress/,
    {
      en: "Too many private IPs for one ENI of this instance type. Request fewer IPs or use a larger instance type.",
      ja: "このインスタンスタイプの ENI 1 つあたりのプライベート IP 上限を超えています。IP の数を減らすか、より大きいインスタンスタイプを使ってください。",
    },
  ],
  [
    /QuotaExceeded\.Eip|InvalidEip\.EipQuotaExceeded/,
    {
      en: "The EIP quota is reached. Release unused EIPs or raise the quota in Quota Center.",
      ja: "EIP のクォータに達しました。不要な EIP を解放するか、クォータセンターで上限を引き上げてください。",
    },
  ],
  [
    /IncorrectEipStatus|InvalidBindingStatus/,
    {
      en: "The EIP is not in the expected state (it may be bound elsewhere). Refresh the deployment to see the current state.",
      ja: "EIP が想定した状態ではありません（別のリソースに関連付けられている可能性があります）。デプロイを更新して現在の状態を確認してください。",
    },
  ],
  [
    /InvalidOperation\.InvalidEcsState|IncorrectInstanceStatus/,
    {
      en: "The instance is not in a state that allows this change. For types that attach ENIs only while stopped, allow EIPilot to stop the instance.",
      ja: "インスタンスがこの変更を受け付けない状態です。停止中のみ ENI をアタッチできるタイプの場合は、EIPilot によるインスタンス停止を許可してください。",
    },
  ],
  [
    /InvalidOperation\.InvalidEniState/,
    {
      en: "The ENI is busy or attached elsewhere. Wait for its current operation to finish, then resume.",
      ja: "ENI が処理中か、別のインスタンスにアタッチされています。現在の処理が終わるのを待ってから再開してください。",
    },
  ],
  [
    /AvailabilityZoneMismatch|VpcMismatch/,
    {
      en: "The ENI must be in the same VPC and zone as the instance. Pick a vSwitch in the instance's zone.",
      ja: "ENI はインスタンスと同じ VPC・ゾーンにある必要があります。インスタンスのゾーンの vSwitch を選んでください。",
    },
  ],
  [
    /InvalidVSwitchId\.IpInvalid|InvalidIp\.IpAssigned|InvalidPrivateIpAddress\.Duplicated|InvalidIp\.IpRepeated/,
    {
      en: "One of the private IPs is outside the vSwitch CIDR, reserved or already in use. Choose free addresses or let the cloud pick them.",
      ja: "指定したプライベート IP のいずれかが vSwitch の CIDR 外、予約済み、または使用中です。空いているアドレスを選ぶか、自動割り当てにしてください。",
    },
  ],
  [
    /InvalidVSwitchId\.IpNotEnough/,
    {
      en: "The vSwitch has no free addresses left. Use another vSwitch or free some addresses.",
      ja: "vSwitch に空きアドレスがありません。別の vSwitch を使うか、アドレスを解放してください。",
    },
  ],
  [
    /NotFound/,
    {
      en: "A resource in the spec no longer exists. Refresh and edit the deployment.",
      ja: "仕様にあるリソースが存在しません。更新してデプロイを編集してください。",
    },
  ],
  [
    /^(ServiceUnavailable|InternalError|NetworkError|RequestTimeout)/,
    {
      en: "A temporary failure on the cloud side or the network. Resume the deployment; finished steps are not repeated.",
      ja: "クラウド側またはネットワークの一時的な障害です。デプロイを再開してください。完了済みの手順は繰り返されません。",
    },
  ],
  [
    /^GuestRollbackFailed$/,
    {
      en: "Nothing in the cloud was changed. Fix the cause on the instance (see the output; Cloud Assistant must be online), then Resume to run rollback.sh again — or tear down again, choose to skip the guest rollback, and run rollback.sh on the instance yourself.",
      ja: "クラウド側は何も変更されていません。インスタンス側の原因を解消して（出力を確認してください。クラウドアシスタントがオンラインである必要があります）「再開」で rollback.sh を再実行するか、もう一度削除してゲストのロールバックのスキップを選び、インスタンス上で自分で rollback.sh を実行してください。",
    },
  ],
  [
    /^WaitTimeout/,
    {
      en: "The resource did not reach the expected state in time. Check it in the console, then resume.",
      ja: "リソースが時間内に想定の状態になりませんでした。コンソールで確認してから再開してください。",
    },
  ],
];

const DEFAULT_HINT: Localized = {
  en: "See the cloud's message and RequestId; fix the cause and resume the deployment.",
  ja: "クラウドのメッセージと RequestId を確認し、原因を解消してからデプロイを再開してください。",
};

export function fixHint(code: string): Localized {
  for (const [re, hint] of HINTS) if (re.test(code)) return hint;
  return DEFAULT_HINT;
}

/**
 * The one kind of cloud error allowed to reach the browser: the cloud's code,
 * message and RequestId (for a support ticket) plus our fix hint.
 */
export class UserFacingCloudError extends Error {
  readonly userFacing = true as const;
  readonly code: string;
  readonly requestId: string | null;
  readonly action: string;
  readonly hint: Localized;
  constructor(e: CloudError) {
    super(`${e.action}: ${e.code}: ${e.message}${e.requestId ? ` (RequestId ${e.requestId})` : ""}`);
    this.name = "UserFacingCloudError";
    this.code = e.code;
    this.requestId = e.requestId;
    this.action = e.action;
    this.hint = fixHint(e.code);
  }
  toJSON() {
    return { code: this.code, message: this.message, requestId: this.requestId, action: this.action, hint: this.hint };
  }
}

export function toUserFacingError(e: unknown, action = "cloud"): UserFacingCloudError {
  return new UserFacingCloudError(toCloudError(e, action));
}
