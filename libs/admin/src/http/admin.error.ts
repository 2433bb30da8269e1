/** The `type` of an admin API error body: `{"error":{"type":…,"message":…}}`. */
export const ADMIN_ERROR_TYPES = ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'unavailable', 'internal'] as const;
export type AdminErrorType = (typeof ADMIN_ERROR_TYPES)[number];

const STATUS: Record<AdminErrorType, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/** A refusal of the admin API, answered with its status and never logged as a failure. */
export class AdminError extends Error {
  readonly status: number;

  constructor(
    readonly type: AdminErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
    this.status = STATUS[type];
  }

  static invalid(message: string): AdminError {
    return new AdminError('invalid_request', message);
  }

  static notFound(message: string): AdminError {
    return new AdminError('not_found', message);
  }

  static forbidden(message: string): AdminError {
    return new AdminError('forbidden', message);
  }

  static conflict(message: string): AdminError {
    return new AdminError('conflict', message);
  }

  toBody(): { error: { type: AdminErrorType; message: string } } {
    return { error: { type: this.type, message: this.message } };
  }
}
