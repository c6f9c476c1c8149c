/**
 * How every market adapter talks HTTP: a timeout per call, retries with exponential backoff (p-retry) for failures
 * that may pass, and one circuit breaker per source (opossum) so a source that is down fails fast and the cache
 * answers instead. Each HTTP attempt is reported to an observer (the source-status service) with its latency.
 *
 * The adapter's `read` runs inside the breaker: an answer that does not parse is a failure of the source just like
 * a 503, while "no such ticker" is an answer (isDefinitiveAnswer) that neither trips the breaker nor is retried.
 */
import CircuitBreaker from 'opossum';
import pRetry, { AbortError } from 'p-retry';
import type { ZodError } from 'zod';
import { answerIssues } from '../../../providers/answer.js';
import { describeIssues } from '../../../lib/errors.js';
import { SourceUnavailableError, isDefinitiveAnswer } from '../errors.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface SourceCallOutcome {
  ok: boolean;
  latencyMs: number;
  /** Short reason for a failure ("timeout", "HTTP 503", "bad data: …"); never a URL with a key in it. */
  error?: string;
}

/** Receives one report per HTTP attempt. The source-status service implements it. */
export interface SourceCallObserver {
  record(source: string, outcome: SourceCallOutcome): void;
}

export interface SourceResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface SourceClientOptions {
  source: string;
  timeoutMs?: number;
  /** Attempts after the first. Market calls are all reads, so all are safe to repeat. */
  retries?: number;
  retryDelayMs?: number;
  breaker?: {
    /** Failure percentage in the rolling window that opens the circuit. */
    errorThresholdPercentage?: number;
    /** How long the circuit stays open before one trial call (half-open). */
    resetTimeoutMs?: number;
    /** Calls in the window before the percentage counts (one failure never opens it). */
    volumeThreshold?: number;
    rollingWindowMs?: number;
  };
  observer?: SourceCallObserver;
  /** Some public hosts (Yahoo) refuse requests without a browser-like User-Agent. */
  userAgent?: string;
}

export class SourceClient {
  readonly source: string;
  private readonly breaker: CircuitBreaker<[string, string, (response: SourceResponse) => unknown], unknown>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(private options: SourceClientOptions) {
    this.source = options.source;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.breaker = new CircuitBreaker((url: string, accept: string, read: (response: SourceResponse) => unknown) => this.send(url, accept, read), {
      timeout: false, // the AbortSignal in send() enforces the timeout and frees the socket
      errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? 50,
      resetTimeout: options.breaker?.resetTimeoutMs ?? 30_000,
      volumeThreshold: options.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: options.breaker?.rollingWindowMs ?? 60_000,
      errorFilter: (err: unknown) => isDefinitiveAnswer(err),
      name: options.source,
    });
  }

  /**
   * Reports of every call go here from now on. The composition builds adapters before services, so the status
   * service attaches itself once it exists.
   */
  observe(observer: SourceCallObserver): void {
    this.options.observer = observer;
  }

  get breakerState(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /**
   * GETs `url` and hands the answer to `read`, which returns the parsed value or throws: a
   * SourceUnavailableError('bad_data') for nonsense, a definitive error for "no such thing".
   */
  async get<T>(url: string | URL, read: (response: SourceResponse) => T, accept = 'application/json'): Promise<T> {
    const target = String(url);
    const attempt = async (): Promise<T> => {
      try {
        return (await this.breaker.fire(target, accept, read)) as T;
      } catch (err) {
        const failure = this.asFailure(err);
        if (isDefinitiveAnswer(failure) || this.breaker.opened) throw new AbortError(failure);
        throw failure;
      }
    };
    return pRetry(attempt, { retries: this.retries, minTimeout: this.retryDelayMs, factor: 2, randomize: true });
  }

  async shutdown(): Promise<void> {
    this.breaker.shutdown();
  }

  /** True once shut down (the hub stopped): the breaker's timers are cleared and calls are refused. */
  get isShutdown(): boolean {
    return this.breaker.isShutdown;
  }

  /** One HTTP attempt and the reading of its answer; the outcome (and latency) is reported whatever happens. */
  private async send(url: string, accept: string, read: (response: SourceResponse) => unknown): Promise<unknown> {
    const started = performance.now();
    const report = (ok: boolean, error?: string) =>
      this.options.observer?.record(this.source, { ok, latencyMs: performance.now() - started, ...(error ? { error } : {}) });
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: { accept, ...(this.options.userAgent ? { 'user-agent': this.options.userAgent } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      report(false, timedOut ? 'timeout' : 'unreachable');
      throw timedOut
        ? new SourceUnavailableError(this.source, `no answer within ${this.timeoutMs} ms`, 'timeout', { cause: err })
        : new SourceUnavailableError(this.source, 'could not be reached', 'down', { cause: err });
    }
    if (response.status >= 500 || response.status === 429) {
      report(false, `HTTP ${response.status}`);
      throw new SourceUnavailableError(this.source, `answered HTTP ${response.status}`, 'http', { status: response.status });
    }
    try {
      const value = read({ status: response.status, headers: response.headers, text });
      report(true);
      return value;
    } catch (err) {
      if (isDefinitiveAnswer(err)) {
        report(true);
        throw err;
      }
      const failure = this.asFailure(err);
      report(false, failure.message.replace(`${this.source}: `, ''));
      throw failure;
    }
  }

  private asFailure(err: unknown): Error {
    if (err instanceof Error && (err as { code?: string }).code === 'EOPENBREAKER') {
      return new SourceUnavailableError(this.source, 'failing; calls are paused for a moment', 'circuit_open');
    }
    if (err instanceof SourceUnavailableError || isDefinitiveAnswer(err)) return err as Error;
    if (err instanceof Error) return new SourceUnavailableError(this.source, `unreadable answer (${err.message})`, 'bad_data', { cause: err });
    return new SourceUnavailableError(this.source, 'failed', 'bad_data');
  }
}

/** Parses JSON or throws bad_data, for readers. */
export function parseJson(source: string, response: SourceResponse): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new SourceUnavailableError(source, `answered HTTP ${response.status} with a body that is not JSON`, 'bad_data', { status: response.status });
  }
}

export function badData(source: string, what: string): SourceUnavailableError {
  return new SourceUnavailableError(source, `bad data: ${what}`, 'bad_data');
}

/** An answer its schema refused: bad data naming where it differs (paths and reasons, never the values). */
export function badShape(source: string, what: string, error: ZodError): SourceUnavailableError {
  return badData(source, `${what} (${describeIssues(answerIssues(error, source))})`);
}
