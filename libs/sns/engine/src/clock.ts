/** Time source of the engine; tests inject a manual one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to (unit tests). */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2024, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** `2012-03-29T05:12:16.901Z`, the timestamp format of SNS envelopes. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
