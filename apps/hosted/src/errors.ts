/** Stable codes of the hosted app's API errors, with the HTTP status each is sent with. */
export const ERROR_STATUS = {
  SR_UNAUTHORIZED: 401,
  SR_FORBIDDEN: 403,
  SR_NOT_FOUND: 404,
  SR_BAD_REQUEST: 400,
  SR_INVALID_STEP: 422,
  SR_CONFLICT: 409,
  SR_QUOTA_EXCEEDED: 402,
  /** Over a limit of the owner's plan (video length): names the limit and the plan. */
  SR_PLAN_LIMIT: 402,
  SR_UNAVAILABLE: 503,
  SR_INTERNAL: 500,
} as const;
export type HostedErrorCode = keyof typeof ERROR_STATUS;

/**
 * An error an API route turns into `{ error: { code, message, field?, step? } }` with the code's
 * status. Thrown by the service functions (owner checks, validation, state conflicts); anything else
 * becomes SR_INTERNAL without its message.
 */
export class HostedError extends Error {
  readonly code: HostedErrorCode;
  /** The request field at fault, e.g. `url` or `steps.2.value`. */
  readonly field?: string;
  /** The step at fault (index in the cards), for card errors. */
  readonly step?: number;

  constructor(code: HostedErrorCode, message: string, details: { field?: string; step?: number; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.name = 'HostedError';
    this.code = code;
    this.field = details.field;
    this.step = details.step;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON() {
    return { code: this.code, message: this.message, field: this.field, step: this.step };
  }
}
