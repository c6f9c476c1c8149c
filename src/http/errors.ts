/**
 * The only place domain error codes become HTTP statuses, and the one error envelope every response uses:
 * {error: {code, message, requestId, details?}}.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode } from '../lib/errors.js';
import type { HubEnv } from './hub-env.js';

export function codeToStatus(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'BAD_REQUEST':
    case 'VALIDATION_FAILED':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'IDEMPOTENCY_CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'UNPROCESSABLE':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'PROVIDER_REJECTED':
    case 'PROVIDER_BAD_RESPONSE':
      return 502;
    case 'PROVIDER_UNAVAILABLE':
    case 'SERVICE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

export function errorResponse(c: Context<HubEnv>, err: AppError, status: ContentfulStatusCode = codeToStatus(err.code)): Response {
  if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
  return c.json(
    { error: { code: err.code, message: err.message, requestId: c.get('requestId'), ...(err.details ? { details: err.details } : {}) } },
    status,
  );
}

/** How long a client should wait before retrying while the database is unreachable (about one readiness probe). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The driver's and mongoose's ways of saying "the database cannot be reached, or did not answer in time, right
 * now" (src/db/limits.ts bounds each operation so a hung server ends in one of these within about ten seconds). By name, not instanceof:
 * mongoose and Agenda each bring their own copy of the driver.
 */
const DATABASE_UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoClientClosedError',
  // The pool was cleared under an operation (the monitor found the server hung) or no connection freed up in time.
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'WaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/** Server error codes that mean "too slow right now", not "wrong": MaxTimeMSExpired, and the network timeouts mongos relays. */
const DATABASE_TIMEOUT_CODES = new Set([50, 89, 9001, 262]);

function isDatabaseTimeout(e: Error): boolean {
  const { code, codeName } = e as Error & { code?: unknown; codeName?: unknown };
  return e.name.startsWith('Mongo') && ((typeof code === 'number' && DATABASE_TIMEOUT_CODES.has(code)) || codeName === 'MaxTimeMSExpired');
}

export function isDatabaseUnreachable(err: unknown): boolean {
  // A few levels of `cause`: some callers wrap the driver's error.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (DATABASE_UNREACHABLE.has(e.name) || isDatabaseTimeout(e)) return true;
    // With the connection down mongoose queues each operation, then gives up with a plain MongooseError.
    if (e.name === 'MongooseError' && /buffering timed out/.test(e.message)) return true;
  }
  return false;
}

/** hono and @hono/zod-openapi throw HTTPException with a status; each keeps its meaning in the envelope. */
const FRAMEWORK_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function frameworkError(err: HTTPException): { error: AppError; status: ContentfulStatusCode } {
  const code = FRAMEWORK_STATUS_CODES[err.status];
  if (code) return { error: new AppError(code, err.message || defaultMessage(code)), status: codeToStatus(code) };
  if (err.status >= 500) return { error: new AppError('INTERNAL', 'internal error'), status: 500 };
  // A 4xx with no code of its own (405, 406, 414…) keeps its status; the code says it was the request's fault.
  return { error: new AppError('BAD_REQUEST', err.message || 'bad request'), status: err.status as ContentfulStatusCode };
}

function defaultMessage(code: ErrorCode): string {
  return code.toLowerCase().replaceAll('_', ' ');
}

export function handleError(err: Error, c: Context<HubEnv>): Response {
  if ((!(err instanceof AppError) || err.code === 'INTERNAL') && isDatabaseUnreachable(err)) {
    // An outage, not a bug: 503 tells clients and load balancers to come back, as /ready already says.
    c.get('logger')?.warn({ err }, 'database unreachable');
    return errorResponse(
      c,
      new AppError('SERVICE_UNAVAILABLE', 'the database is unreachable; try again shortly', { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS }),
    );
  }
  if (err instanceof AppError) {
    if (codeToStatus(err.code) >= 500) c.get('logger')?.error({ err, code: err.code }, 'request failed');
    // Internal errors keep their message in the log only; callers get a generic one.
    return err.code === 'INTERNAL' ? errorResponse(c, new AppError('INTERNAL', 'internal error')) : errorResponse(c, err);
  }
  if (err instanceof HTTPException) {
    const { error, status } = frameworkError(err);
    if (status >= 500) c.get('logger')?.error({ err }, 'request failed');
    return errorResponse(c, error, status);
  }
  if (err instanceof SyntaxError) return errorResponse(c, new AppError('BAD_REQUEST', 'request body is not valid JSON'));
  // Unknown error: log everything, reveal nothing.
  c.get('logger')?.error({ err }, 'unhandled error');
  return errorResponse(c, new AppError('INTERNAL', 'internal error'));
}
