/**
 * Time as a dependency. Services take the hub's clock instead of calling `new Date()`, so tests that need time
 * to pass advance a manual clock instead of rewriting stored dates or sleeping.
 */
export interface Clock {
  now(): Date;
  /** Told when a manual clock jumps ahead, so what waits on real timers (queued jobs) can move with it. */
  onAdvance?(listener: (ms: number) => void | Promise<void>): void;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at the real time (or a given one) and moves only when told to, plus any real time that passes. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  private readonly listeners: ((ms: number) => void | Promise<void>)[] = [];
  constructor(private readonly base?: Date) {}
  now(): Date {
    return new Date((this.base ? this.base.getTime() : Date.now()) + this.offsetMs);
  }
  onAdvance(listener: (ms: number) => void | Promise<void>): void {
    this.listeners.push(listener);
  }
  /** Moves time ahead; resolves once everything that waits on the clock (the hub's queued jobs) has moved too. */
  async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    for (const listener of this.listeners) await listener(ms);
  }
}
