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
  if (declared > WEBHOOK_BODY_LIMIT) return errorResponse(c, new AppError('PAYLOAD_TOO_LARGE', 'webhook body too large'));
  const raw = await c.req.text();
  if (raw.length > WEBHOOK_BODY_LIMIT) return errorResponse(c, new AppError('PAYLOAD_TOO_LARGE', 'webhook body too large'));

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
