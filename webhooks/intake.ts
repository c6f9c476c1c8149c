/**
 * The four steps every webhook intake takes (DESIGN §5): read the raw body; verify it (401, nothing stored);
 * parse and normalise (400); store once in the inbox (a duplicate is a 200 with no second effect) and answer at once.
 */
import type { Context } from 'hono';
import type { HubEnv } from '../src/api/hub-env.js';
import { errorResponse } from '../src/api/http-errors.js';
import { AppError } from '../src/lib/errors.js';

export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface IntakeSpec<Event extends { eventKey: string; orderId?: string }> {
  provider: string;
  kind: string;
  /** Constant-time check of the raw request; `parsed` is the JSON body when it parsed (Midtrans signs inside it). */
  verify(raw: string, headers: Headers, parsed: unknown): boolean;
  /** Throws AppError VALIDATION_FAILED for a malformed event. */
  normalize(parsed: unknown): Event;
}

export async function handleIntake<Event extends { eventKey: string; orderId?: string }>(c: Context<HubEnv>, spec: IntakeSpec<Event>): Promise<Response> {
  const { services } = c.var;
  const declared = Number(c.req.header('content-length') ?? 0);
  // With a Content-Length the HTTP framing already bounds the body, so it is read whole (the fast path every
  // provider takes); only a body without one (chunked) is measured while it streams in.
  const raw =
    declared > WEBHOOK_BODY_LIMIT ? undefined : c.req.header('content-length') !== undefined ? await c.req.text() : await readBodyUpTo(c.req.raw, WEBHOOK_BODY_LIMIT);
  if (raw === undefined) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'invalid' });
    // The rest of the body is not wanted; do not keep the connection for another request behind it.
    c.header('Connection', 'close');
    return errorResponse(c, new AppError('PAYLOAD_TOO_LARGE', `webhook body is larger than ${WEBHOOK_BODY_LIMIT} bytes`));
  }

  let parsed: unknown;
  let parseError = false;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parseError = true;
  }

  if (!spec.verify(raw, c.req.raw.headers, parsed)) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'rejected' });
    c.var.logger.warn({ provider: spec.provider }, 'webhook failed verification');
    return errorResponse(c, new AppError('UNAUTHORIZED', 'webhook signature or token is missing or wrong'));
  }
  if (parseError) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'invalid' });
    return errorResponse(c, new AppError('BAD_REQUEST', 'webhook body is not valid JSON'));
  }

  let event: Event;
  try {
    event = spec.normalize(parsed);
  } catch (err) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'invalid' });
    if (err instanceof AppError) return errorResponse(c, err);
    throw err;
  }

  const stored = await services.webhookInbox.store({
    provider: spec.provider,
    kind: spec.kind,
    eventKey: event.eventKey,
    rawBody: raw,
    normalized: { ...event },
    orderId: event.orderId,
  });
  services.webhookProcessor?.kick();
  return c.json({ received: true, duplicate: stored.duplicate, eventId: stored.id }, 200);
}

/**
 * The body as UTF-8 text, or undefined once it passes `limit` bytes. Webhook routes are open to anyone until the
 * body is verified, and a chunked body has no Content-Length, so the body is measured while it streams in and
 * reading stops at the limit: never buffer an unbounded body to find out it was too big. Bytes, not characters:
 * a multi-byte body has fewer characters than bytes.
 */
async function readBodyUpTo(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      // What is left unread is drained and dropped by the HTTP server after the 413.
      if (size > limit) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
