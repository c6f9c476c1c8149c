/**
 * The HTTP client every provider adapter uses: per-call timeout, retries with exponential backoff for calls that
 * are safe to repeat, and a circuit breaker so a provider that is down fails fast instead of tying up requests.
 * Provider answers (any status) come back to the adapter, which knows how to read them; only transport failures,
 * 5xx and 429 are turned into PROVIDER_UNAVAILABLE here.
 */
import CircuitBreaker from 'opossum';
import pRetry, { AbortError } from 'p-retry';
import { AppError } from '../lib/errors.js';

export interface ProviderHttpClientOptions {
  /** Provider name for errors and metrics, e.g. "midtrans". */
  name: string;
  baseUrl: string;
  timeoutMs?: number;
  /** Attempts after the first, for idempotent calls only. */
  retries?: number;
  /** Base delay of the exponential backoff in ms. */
  retryDelayMs?: number;
  /** Failure percentage over the rolling window that opens the circuit. */
  breakerErrorThresholdPercentage?: number;
  breakerResetTimeoutMs?: number;
  /** Minimum calls in the window before the breaker may open (avoids opening on the first failure). */
  breakerVolumeThreshold?: number;
}

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Sent as-is when a string (so a signed body is sent byte for byte), JSON-encoded otherwise. */
  body?: unknown;
  /** True when repeating the call cannot cause a second effect; only then is it retried. */
  idempotent: boolean;
  /** `json` (default): a successful answer that is not JSON is unreadable, not an empty success. */
  responseType?: 'json' | 'text';
}

export interface ProviderResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  rawBody: string;
}

export class ProviderHttpClient {
  private readonly breaker: CircuitBreaker<[ProviderRequest], ProviderResponse>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: ProviderHttpClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.breaker = new CircuitBreaker((req: ProviderRequest) => this.send(req), {
      // The per-request AbortSignal enforces the timeout; the breaker only counts failures.
      timeout: false,
      errorThresholdPercentage: options.breakerErrorThresholdPercentage ?? 50,
      resetTimeout: options.breakerResetTimeoutMs ?? 15_000,
      volumeThreshold: options.breakerVolumeThreshold ?? 10,
      rollingCountTimeout: 30_000,
      name: options.name,
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get circuitOpen(): boolean {
    return this.breaker.opened;
  }

  async request<T = unknown>(req: ProviderRequest): Promise<ProviderResponse<T>> {
    const attempt = async () => {
      try {
        return await this.breaker.fire(req);
      } catch (err) {
        const mapped = this.toAppError(err);
        // A non-idempotent call is never repeated: the first attempt may have reached the provider.
        if (!req.idempotent || !mapped.retryable || this.breaker.opened) throw new AbortError(mapped);
        throw mapped;
      }
    };
    try {
      return (await pRetry(attempt, {
        retries: req.idempotent ? this.retries : 0,
        minTimeout: this.retryDelayMs,
        factor: 2,
        randomize: true,
      })) as ProviderResponse<T>;
    } catch (err) {
      throw err instanceof AppError ? err : this.toAppError(err);
    }
  }

  async shutdown(): Promise<void> {
    this.breaker.shutdown();
  }

  private async send(req: ProviderRequest): Promise<ProviderResponse> {
    const url = new URL(req.path.replace(/^\//, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const response = await fetch(url, {
      method: req.method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const rawBody = await response.text();
    let parsed: unknown = rawBody;
    let unreadable = false;
    try {
      parsed = rawBody.length ? JSON.parse(rawBody) : undefined;
    } catch {
      unreadable = (req.responseType ?? 'json') === 'json';
    }
    if (response.status >= 500 || response.status === 429) {
      throw new UpstreamStatusError(response.status, response.headers.get('retry-after'));
    }
    // A 2xx we cannot read (cut off, garbled) says nothing about what the provider did: for a charge, that is an
    // unknown outcome to be looked up, never a success with empty instructions. Error answers that are not JSON
    // (an HTML 404 from a proxy) still go to the adapter, which maps the status.
    if (unreadable && response.ok) throw new UnreadableAnswerError(response.status);
    return { status: response.status, headers: response.headers, body: parsed, rawBody };
  }

  private toAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const name = this.options.name;
    if (err instanceof UpstreamStatusError) {
      const retryAfter = err.retryAfter ? Number(err.retryAfter) : undefined;
      return new AppError('PROVIDER_UNAVAILABLE', `${name} answered HTTP ${err.status}`, {
        retryable: true,
        retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
        details: { provider: name, status: err.status },
      });
    }
    if (err instanceof UnreadableAnswerError) {
      return new AppError('PROVIDER_UNAVAILABLE', `${name} answered HTTP ${err.status} with a body that is not JSON`, { retryable: true, details: { provider: name, status: err.status, unreadable: true } });
    }
    if (err instanceof Error && (err as { code?: string }).code === 'EOPENBREAKER') {
      return new AppError('PROVIDER_UNAVAILABLE', `${name} is failing; calls are paused for a moment`, { retryable: true, details: { provider: name, circuit: 'open' } });
    }
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return new AppError('PROVIDER_UNAVAILABLE', `${name} did not answer within ${this.timeoutMs} ms`, { retryable: true, details: { provider: name, timeout: true } });
    }
    return new AppError('PROVIDER_UNAVAILABLE', `${name} could not be reached`, { retryable: true, cause: err, details: { provider: name } });
  }
}

class UpstreamStatusError extends Error {
  constructor(readonly status: number, readonly retryAfter: string | null) {
    super(`upstream status ${status}`);
  }
}

class UnreadableAnswerError extends Error {
  constructor(readonly status: number) {
    super(`unreadable answer with status ${status}`);
  }
}
