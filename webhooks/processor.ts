/**
 * Feeds the inbox to the services: woken at once after an intake stores an event, and polling every second for
 * anything due (retries, events stored by another process, events left by a crash). Runs in every hub process;
 * the inbox's atomic claims keep them from applying an event twice.
 *
 * The poll cadence is real time (setTimeout) on purpose: it is only how often to look. Whether an event is due is
 * decided by the inbox against the hub's clock, so with a manual clock a retry runs once that clock has passed its
 * back-off, on the first pass after (the hub also kicks the processor when a manual clock is advanced).
 */
import type { Logger } from '../src/lib/logger.js';
import type { WebhookInbox } from '../src/services/webhook-inbox.js';

export class InboxProcessor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(private readonly inbox: WebhookInbox, private readonly logger: Logger, private readonly pollMs = 1000) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Process soon; coalesces bursts of kicks into one pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Waits for the pass in progress, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs passes until nothing is due (tests and shutdown use it to drain). */
  async drain(): Promise<void> {
    await this.running;
    while ((await this.inbox.processDue(1000)) > 0) {}
  }

  private schedule(delay: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delay);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.inbox.processDue(200);
        } catch (err) {
          this.logger.error({ err }, 'inbox processor pass failed');
        }
      } while (this.again && !this.stopped);
    })();
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.pollMs);
  }
}
