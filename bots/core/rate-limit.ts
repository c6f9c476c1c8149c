/**
 * Per chat user rate limiting. The hub's RateLimiter (MongoDB fixed windows, shared by every process) satisfies
 * this interface; the memory one is for tests and the core used on its own.
 */
export interface ChatRateLimiter {
  /** `count` is this request's place in the window, when the limiter knows it (to answer only the first refusal). */
  consume(subject: string, limit: number, now?: number): Promise<{ allowed: boolean; resetSeconds: number; count?: number }>;
}

export class MemoryRateLimiter implements ChatRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly windowMs = 60_000) {}

  async consume(subject: string, limit: number, now = Date.now()) {
    const start = now - (now % this.windowMs);
    const current = this.windows.get(subject);
    const window = current && current.start === start ? current : { start, count: 0 };
    window.count++;
    this.windows.set(subject, window);
    return { allowed: window.count <= limit, count: window.count, resetSeconds: Math.max(1, Math.ceil((start + this.windowMs - now) / 1000)) };
  }
}
