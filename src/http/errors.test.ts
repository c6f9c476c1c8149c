import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { createApp } from '../api/create-app.js';
import { isDatabaseUnreachable } from './errors.js';

/** An app whose one route throws `err`, through the same error handling as the hub's. */
async function answerTo(err: Error) {
  const app = createApp();
  app.get('/boom', () => {
    throw err;
  });
  const res = await app.request('/boom');
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error: { code: string; message: string } } };
}

function named(name: string, message = 'x'): Error {
  const err = new Error(message);
  Object.defineProperty(err, 'name', { value: name });
  return err;
}

describe('database outages', () => {
  it.each([
    'MongoNetworkError',
    'MongoNetworkTimeoutError',
    'MongoServerSelectionError',
    'MongooseServerSelectionError',
    'MongoNotConnectedError',
    'MongoTopologyClosedError',
  ])('answers %s with 503 SERVICE_UNAVAILABLE and Retry-After', async (name) => {
    const res = await answerTo(named(name, 'connect ECONNREFUSED 10.0.0.5:27017'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body.error.message).not.toContain('10.0.0.5');
    expect(Number(res.retryAfter)).toBeGreaterThan(0);
  });

  it("recognises mongoose's buffering timeout and a driver error wrapped as a cause", async () => {
    expect(isDatabaseUnreachable(named('MongooseError', 'Operation `users.findOne()` buffering timed out after 10000ms'))).toBe(true);
    expect((await answerTo(new AppError('INTERNAL', 'lookup failed', { cause: named('MongoNetworkError') }))).status).toBe(503);
    expect((await answerTo(new Error('wrapped', { cause: named('MongoServerSelectionError') }))).status).toBe(503);
  });

  it('leaves other database errors as 500 INTERNAL', async () => {
    expect(isDatabaseUnreachable(named('MongoServerError', 'E11000 duplicate key'))).toBe(false);
    expect(isDatabaseUnreachable(named('MongooseError', 'something else'))).toBe(false);
    const res = await answerTo(named('MongoServerError', 'E11000 duplicate key'));
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
  });
});

describe('framework HTTP exceptions', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [422, 'UNPROCESSABLE'],
    [429, 'RATE_LIMITED'],
    [503, 'SERVICE_UNAVAILABLE'],
  ] as const)('maps %i to %s with the same status', async (status, code) => {
    const res = await answerTo(new HTTPException(status, { message: 'from the framework' }));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('keeps the status of a 4xx without a code of its own, and hides a 5xx', async () => {
    const notAllowed = await answerTo(new HTTPException(405, { message: 'Method Not Allowed' }));
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.body.error.code).toBe('BAD_REQUEST');
    const broken = await answerTo(new HTTPException(500, { message: 'secret detail' }));
    expect(broken.status).toBe(500);
    expect(broken.body.error).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
  });
});
