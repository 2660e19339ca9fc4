/** The closed set of error codes. Only server/problem.ts maps them to HTTP statuses. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'NO_ELIGIBLE_MODEL',
  'BUDGET_EXHAUSTED',
  'RATE_LIMITED',
  'UPSTREAM_FAILED',
  'INDEX_NOT_READY',
  'MODEL_NOT_READY',
  'EMBEDDER_UNAVAILABLE',
  'STORE_BUSY',
  'INDEX_REBUILD_FAILED',
  'DIMENSION_MISMATCH',
  'CONFIG_INVALID',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly ErrorDetail[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}
