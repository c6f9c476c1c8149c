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
      return 502;
    case 'PROVIDER_UNAVAILABLE':
    case 'SERVICE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

export function errorResponse(c: Context<HubEnv>, err: AppError): Response {
  const status = codeToStatus(err.code);
  if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
  return c.json(
    { error: { code: err.code, message: err.message, requestId: c.get('requestId'), ...(err.details ? { details: err.details } : {}) } },
    status,
  );
}

export function handleError(err: Error, c: Context<HubEnv>): Response {
  if (err instanceof AppError) {
    if (codeToStatus(err.code) >= 500) c.get('logger')?.error({ err, code: err.code }, 'request failed');
    // Internal errors keep their message in the log only; callers get a generic one.
    return err.code === 'INTERNAL' ? errorResponse(c, new AppError('INTERNAL', 'internal error')) : errorResponse(c, err);
  }
  if (err instanceof HTTPException) {
    const code: ErrorCode = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 401 ? 'UNAUTHORIZED' : err.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return errorResponse(c, new AppError(code, err.message || 'bad request'));
  }
  if (err instanceof SyntaxError) return errorResponse(c, new AppError('BAD_REQUEST', 'request body is not valid JSON'));
  // Unknown error: log everything, reveal nothing.
  c.get('logger')?.error({ err }, 'unhandled error');
  return errorResponse(c, new AppError('INTERNAL', 'internal error'));
}
