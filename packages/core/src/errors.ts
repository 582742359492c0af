/** Every error the product reports carries one of these codes; HTTP statuses and WebSocket close codes derive from it. */
export const AppErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** The thing existed but is gone for good: an expired or revoked review link. */
  GONE: 'GONE',
  INSUFFICIENT_CREDITS: 'INSUFFICIENT_CREDITS',
  /** A job costs more than its board's budget has left; the message gives both figures. */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA: 'UNSUPPORTED_MEDIA',
  /** Too many requests of one kind in a window (sign-in, passphrase, uploads…); the error says when to retry. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A workspace, board or link holds as much as it may (storage bytes, boards, checkpoints, guest comments). */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** A service we depend on (Temporal, the database) cannot take the request right now. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const
export type TAppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode]

const HTTP_STATUS: Record<TAppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  INSUFFICIENT_CREDITS: 402,
  BUDGET_EXCEEDED: 402,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA: 415,
  RATE_LIMITED: 429,
  // As Google Drive and Box answer a full quota: the request is understood and refused for good.
  QUOTA_EXCEEDED: 403,
  UNAVAILABLE: 503,
  INTERNAL: 500,
}

/** Application close codes live in 4000–4999; 4401/4403 mirror their HTTP twins. */
const WS_CLOSE_CODE: Record<TAppErrorCode, number> = {
  BAD_REQUEST: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  CONFLICT: 4409,
  GONE: 4410,
  INSUFFICIENT_CREDITS: 4402,
  BUDGET_EXCEEDED: 4402,
  PAYLOAD_TOO_LARGE: 4413,
  UNSUPPORTED_MEDIA: 4415,
  RATE_LIMITED: 4429,
  // Not 4403: a client must tell a full quota from a missing permission by the close code alone.
  QUOTA_EXCEEDED: 4507,
  UNAVAILABLE: 4503,
  INTERNAL: 4500,
}

export class AppError extends Error {
  readonly code: TAppErrorCode
  /** The input field at fault, when there is one (`params.duration`). */
  readonly field?: string
  /** RATE_LIMITED and QUOTA_EXCEEDED: which limit refused (`signInPerAddress`, `workspaceStorageBytes`). */
  readonly limit?: string
  /** RATE_LIMITED: whole seconds until the limit lets the caller in again (HTTP `Retry-After`). */
  readonly retryAfterSeconds?: number

  constructor(code: TAppErrorCode, message: string, options: { field?: string; cause?: unknown; limit?: string; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.field = options.field
    this.limit = options.limit
    this.retryAfterSeconds = options.retryAfterSeconds
  }

  toJSON(): { error: { code: TAppErrorCode; message: string; field?: string; limit?: string; retryAfterSeconds?: number } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field ? { field: this.field } : {}),
        ...(this.limit ? { limit: this.limit } : {}),
        ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      },
    }
  }
}

export function httpStatusFor(code: TAppErrorCode): number {
  return HTTP_STATUS[code]
}

export function wsCloseCodeFor(code: TAppErrorCode): number {
  return WS_CLOSE_CODE[code]
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}
