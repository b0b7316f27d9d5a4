/**
 * The backend answers every 4xx/5xx with one envelope:
 * `{"error": {"code", "message", "fields", "request_id"}}` (docs/api-contract-foundation.md).
 * The client turns it into an {@link ApiError}; `message` is already translated by the server.
 */

/** Stable error codes from the contract; other strings may appear as the backend grows. */
export type KnownErrorCode =
  | 'validation_error'
  | 'parse_error'
  | 'not_authenticated'
  | 'permission_denied'
  | 'not_found'
  | 'method_not_allowed'
  | 'throttled'
  | 'server_error'
  | 'conflict'
  | 'auth.invalid_credentials'
  | 'auth.locked'
  | 'auth.otp_required'
  | 'auth.otp_invalid'
  | 'auth.password_expired'
  | 'auth.inactive'
  | 'import.invalid_file'
  /** Client-side: the request never reached the server (offline, DNS, refused). */
  | 'network_error'
  /** Client-side: a non-2xx answer without the envelope (e.g. a proxy's 502 page). */
  | 'http_error';

export type ErrorCode = KnownErrorCode | (string & Record<never, never>);

export type FieldErrors = Record<string, string[]>;

export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    fields?: FieldErrors | null;
    request_id?: string | null;
  };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: FieldErrors;
  readonly requestId: string | null;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    fields: FieldErrors = {},
    requestId: string | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.requestId = requestId;
  }

  /** First message for one field, for `el-form-item :error`. */
  fieldError(field: string): string | undefined {
    return this.fields[field]?.[0];
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const inner = (value as { error: unknown }).error;
  return (
    typeof inner === 'object' &&
    inner !== null &&
    typeof (inner as { code?: unknown }).code === 'string' &&
    typeof (inner as { message?: unknown }).message === 'string'
  );
}

function normaliseFields(fields: FieldErrors | null | undefined): FieldErrors {
  if (!fields) return {};
  const out: FieldErrors = {};
  for (const [name, messages] of Object.entries(fields)) {
    out[name] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
  }
  return out;
}

/**
 * Build an ApiError from a failed response. `fallback` gives a translated message when the
 * body is not the envelope (the client package holds no user-facing text itself).
 */
export async function apiErrorFromResponse(
  response: Response,
  fallback: (code: ErrorCode, status: number) => string,
): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.clone().json();
  } catch {
    body = null;
  }
  if (isErrorEnvelope(body)) {
    const { code, message, fields, request_id: requestId } = body.error;
    return new ApiError(response.status, code, message, normaliseFields(fields), requestId ?? null);
  }
  const code: ErrorCode = response.status >= 500 ? 'server_error' : 'http_error';
  return new ApiError(response.status, code, fallback(code, response.status));
}

/** What an openapi-fetch call resolves to: the parsed body (absent on errors), the response. */
export interface FetchResult<T> {
  data?: T;
  response: Response;
}

/** The body of a successful call; errors were already thrown by the client's middleware. */
export function unwrap<T>({ data, response }: FetchResult<T>): T {
  if (data === undefined) {
    throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
  }
  return data;
}
