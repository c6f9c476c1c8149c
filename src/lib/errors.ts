/**
 * Domain errors. Services throw these; each transport (HTTP, chat, jobs) maps them once.
 * The code set is closed so a transport can map every code exhaustively.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'PROVIDER_REJECTED',
  'PROVIDER_UNAVAILABLE',
  /** The provider answered, but not in the shape its API documents (a wrong-typed or missing field we read). */
  'PROVIDER_BAD_RESPONSE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  field: string;
  reason: string;
  /** Where the field was: json body, query, path param, header. */
  in?: string;
}

export interface AppErrorOptions {
  details?: Record<string, unknown> & { issues?: FieldIssue[] };
  /** Whether retrying the same operation later could succeed (jobs and the webhook processor read this). */
  retryable?: boolean;
  cause?: unknown;
  /** Seconds a client should wait (rate limits, provider back-pressure). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: AppErrorOptions['details'];
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

/** Field issues as one line for a message: `field: reason; field: reason`. */
export const describeIssues = (issues: readonly Pick<FieldIssue, 'field' | 'reason'>[]) => issues.map((i) => `${i.field}: ${i.reason}`).join('; ');

/** A 400 naming each field and why; `what` prefixes the message (`not a Midtrans notification: …`). */
export const validationFailed = (issues: FieldIssue[], what?: string) =>
  new AppError('VALIDATION_FAILED', what ? `${what}: ${describeIssues(issues)}` : describeIssues(issues), { details: { issues } });

/**
 * Whether a provider call ended without an answer we can act on: none came (timeout, 5xx, open circuit), or one came
 * that we cannot read. Either way the provider may have acted, so a charge is looked up, never sent again.
 */
export function isUnknownProviderOutcome(err: unknown): boolean {
  return !(err instanceof AppError) || err.code === 'PROVIDER_UNAVAILABLE' || err.code === 'PROVIDER_BAD_RESPONSE';
}

export function isDuplicateKeyError(err: unknown): err is { code: 11000; keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown> } {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
