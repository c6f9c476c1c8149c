/**
 * Time as a dependency. Services take the hub's clock instead of calling `new Date()`, so tests that need time
 * to pass advance a manual clock instead of rewriting stored dates or sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at the real time (or a given one) and moves only when told to, plus any real time that passes. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base?: Date) {}
  now(): Date {
    return new Date((this.base ? this.base.getTime() : Date.now()) + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
