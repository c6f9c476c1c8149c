/**
 * The market module's typed errors. They extend the hub's AppError so every transport maps them once: bad input
 * (an unknown currency, ticker or city) is VALIDATION_FAILED → 400 naming the field and the value; a source that
 * cannot answer (and no cached answer to fall back on) is PROVIDER_UNAVAILABLE → 503, never a 500.
 * Shared by services and providers, so it sits beside both rather than in either.
 */
import { AppError } from '../../lib/errors.js';

export class UnknownCurrencyError extends AppError {
  constructor(readonly currency: string, field = 'currency', reason?: string) {
    const why = reason ?? `unknown currency ${JSON.stringify(currency)} (not an ISO 4217 code)`;
    super('VALIDATION_FAILED', `${field}: ${why}`, { details: { issues: [{ field, reason: why }], currency } });
    this.name = 'UnknownCurrencyError';
  }
}

export class UnknownTickerError extends AppError {
  constructor(readonly ticker: string, field = 'symbols') {
    const why = `unknown ticker ${JSON.stringify(ticker)} (no quote on IDX)`;
    super('VALIDATION_FAILED', `${field}: ${why}`, { details: { issues: [{ field, reason: why }], ticker } });
    this.name = 'UnknownTickerError';
  }
}

export class UnknownCityError extends AppError {
  constructor(readonly city: string, field = 'city') {
    const why = `no place called ${JSON.stringify(city)} was found`;
    super('VALIDATION_FAILED', `${field}: ${why}`, { details: { issues: [{ field, reason: why }], city } });
    this.name = 'UnknownCityError';
  }
}

export class InvalidAmountError extends AppError {
  constructor(field: string, reason: string) {
    super('VALIDATION_FAILED', `${field}: ${reason}`, { details: { issues: [{ field, reason }] } });
    this.name = 'InvalidAmountError';
  }
}

/**
 * The user switched this market service off in their settings (enabledServices). 403 with how to switch it back on,
 * so a client (or a person reading the chat reply) knows what to do rather than seeing a bare refusal.
 */
export class ServiceDisabledError extends AppError {
  constructor(readonly service: string) {
    const enable = `PUT /api/external/settings with "enabledServices" including "${service}"`;
    super('FORBIDDEN', `the ${service} service is switched off in your settings; to switch it on: ${enable}`, {
      details: { service, enable, issues: [{ field: 'enabledServices', reason: `${service} is switched off` }] },
    });
    this.name = 'ServiceDisabledError';
  }
}

/** A source could not give an answer: down, slow, erroring, or answering nonsense. Retryable; the breaker counts it. */
export class SourceUnavailableError extends AppError {
  constructor(readonly source: string, message: string, readonly kind: 'down' | 'timeout' | 'http' | 'bad_data' | 'circuit_open', options: { status?: number; cause?: unknown } = {}) {
    super('PROVIDER_UNAVAILABLE', `${source}: ${message}`, {
      retryable: true,
      cause: options.cause,
      details: { source, kind, ...(options.status !== undefined ? { status: options.status } : {}) },
    });
    this.name = 'SourceUnavailableError';
  }
}

/**
 * Errors that are an answer, not a failure: the source is fine and said "no such thing". They are never retried,
 * never open the breaker, and never make a stale cached answer acceptable.
 */
export function isDefinitiveAnswer(err: unknown): boolean {
  return err instanceof UnknownCurrencyError || err instanceof UnknownTickerError || err instanceof UnknownCityError;
}
