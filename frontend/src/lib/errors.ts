/**
 * The project's error format, `{detail, code, status_code, errors?}`, as a thrown value, and the helpers
 * that turn it into words people can act on.
 */

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export interface ErrorBody {
  detail: string;
  code: string;
  status_code: number;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];

  constructor(status: number, code: string, detail: string, fieldErrors: FieldError[] = []) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  /** Builds the error from whatever a failed response carried (a proxy may answer with plain text). */
  static fromBody(status: number, body: unknown): ApiError {
    if (isErrorBody(body)) return new ApiError(status, body.code, body.detail, body.errors ?? []);
    return new ApiError(status, status >= 500 ? "UPSTREAM_ERROR" : "HTTP_ERROR", fallbackMessage(status));
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === "object" && body !== null && typeof (body as ErrorBody).detail === "string" && typeof (body as ErrorBody).code === "string";
}

function fallbackMessage(status: number): string {
  if (status === 0) return "The server could not be reached. Check your connection and try again.";
  if (status >= 500) return "The server had a problem answering. Try again in a moment.";
  return `The request failed (HTTP ${status}).`;
}

/** Plain words for any error a page may show. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case "RATE_LIMITED":
        return "Too many requests. Wait a moment and try again.";
      case "UNAVAILABLE":
      case "UPSTREAM_ERROR":
      case "UPSTREAM_TIMEOUT":
        return "A service is not answering right now. Try again in a moment.";
      case "FORBIDDEN":
        return "Your role in this shop does not allow this.";
      case "PRECONDITION_FAILED":
        return "Someone else saved a change to this since you opened it, so yours was not saved. Close this, open it again to see their change, then make yours.";
      default:
        return error.message;
    }
  }
  if (error instanceof TypeError) return fallbackMessage(0);
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/**
 * Field-level messages of a 422, keyed by the body field's name (`loc` is `["body", field, ...]`).
 * Messages for the body as a whole are returned under the empty key.
 */
export function fieldMessages(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const item of error.fieldErrors) {
    const [where, field] = item.loc;
    const key = where === "body" && typeof field === "string" ? field : "";
    out[key] ??= item.msg.replace(/^Value error, /, "");
  }
  return out;
}
