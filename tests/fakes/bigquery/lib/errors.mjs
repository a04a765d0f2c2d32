// Google API error shapes.
// https://cloud.google.com/bigquery/docs/error-messages and /bigquery/docs/errors:
// {"error":{"code":N,"message":M,"errors":[{"message":M,"domain":"global","reason":R}],"status":S}}

export const STATUS_BY_CODE = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

// HTTP code of each documented reason (error-messages "Error table").
export const CODE_BY_REASON = {
  accessDenied: 403,
  backendError: 500,
  badRequest: 400,
  billingNotEnabled: 403,
  billingTierLimitExceeded: 400,
  blocked: 403,
  duplicate: 409,
  internalError: 500,
  invalid: 400,
  invalidQuery: 400,
  invalidUser: 400,
  jobBackendError: 400,
  jobInternalError: 400,
  notFound: 404,
  notImplemented: 501,
  quotaExceeded: 403,
  rateLimitExceeded: 403,
  resourceInUse: 400,
  resourcesExceeded: 400,
  responseTooLarge: 403,
  stopped: 200,
  tableUnavailable: 400,
  timeout: 400,
  authError: 401,
  required: 401,
  insufficientPermissions: 403,
};

export const DEFAULT_REASON_BY_CODE = {
  400: 'invalid', 401: 'authError', 403: 'rateLimitExceeded', 404: 'notFound', 409: 'duplicate',
  429: 'rateLimitExceeded', 500: 'backendError', 501: 'notImplemented', 502: 'backendError',
  503: 'backendError', 504: 'backendError',
};

export const DEFAULT_MESSAGE_BY_REASON = {
  rateLimitExceeded: 'Exceeded rate limits: too many api requests per user per method for this user_method. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  quotaExceeded: 'Quota exceeded: Your project exceeded quota for imports per project. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
  backendError: 'Error encountered during execution. Retrying may solve the problem.',
  internalError: 'An internal error occurred and the request could not be completed.',
  notFound: 'Not found: injected fault',
  invalid: 'Invalid request (injected fault)',
  accessDenied: 'Access Denied (injected fault)',
  duplicate: 'Already Exists (injected fault)',
  timeout: 'Job execution was cancelled: Job timed out',
};

const USAGE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'quotaExceeded', 'billingTierLimitExceeded']);

/** An error that becomes a Google-shaped JSON error response. */
export class ApiError extends Error {
  constructor(code, reason, message, extra = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.extra = extra; // e.g. {location, locationType}
  }
}

/** An upload-protocol error: Google's upload server answers these in plain text. */
export class UploadError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** A job-level failure: the job ends DONE with status.errorResult. */
export class JobError extends Error {
  constructor(reason, message, { location, details = [] } = {}) {
    super(message);
    this.reason = reason;
    this.location = location;
    this.details = details; // further ErrorProto objects for status.errors
  }
  toErrorProto() {
    const e = { reason: this.reason, message: this.message };
    if (this.location) e.location = this.location;
    return e;
  }
}

export function errorBody(code, reason, message, extra = {}) {
  const item = { message, domain: USAGE_LIMIT_REASONS.has(reason) ? 'usageLimits' : 'global', reason, ...extra };
  return { error: { code, message, errors: [item], status: STATUS_BY_CODE[code] || 'UNKNOWN' } };
}

export function errorResponse(code, reason, message, extra = {}, headers = {}) {
  return { status: code, headers, body: errorBody(code, reason, message, extra) };
}

export function apiErrorResponse(e) {
  return errorResponse(e.code, e.reason, e.message, e.extra);
}

export function textResponse(code, text, headers = {}) {
  return { status: code, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: text };
}
