import { type Clock, type Timer, sleepOn } from '../clock';

interface Pending {
  at: number;
  every?: number;
  fn: () => void;
  seq: number;
}

/**
 * A clock that moves only when a test says so. `advance` runs every timer that falls due, in time order
 * (timers due at one instant in the order they were set), each with `now()` at its due time.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly pending = new Set<Pending>();
  private seq = 0;

  constructor(start: number | Date | string = Date.UTC(2024, 0, 1)) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule({ at: this.current + Math.max(0, ms), fn, seq: this.seq++ });
  }

  setInterval(fn: () => void, ms: number): Timer {
    const every = Math.max(1, ms);
    return this.schedule({ at: this.current + every, every, fn, seq: this.seq++ });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Moves time forward by `ms`, firing due timers on the way. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Moves time to `ms` since the epoch (never backwards), firing due timers on the way. */
  set(ms: number): void {
    for (;;) {
      const next = this.nextDue(ms);
      if (!next) break;
      this.current = next.at;
      if (next.every) next.at += next.every;
      else this.pending.delete(next);
      next.fn();
    }
    this.current = Math.max(this.current, ms);
  }

  /** Timers still waiting (for tests that check nothing was left behind). */
  get timerCount(): number {
    return this.pending.size;
  }

  private nextDue(until: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.at > until) continue;
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }

  private schedule(p: Pending): Timer {
    this.pending.add(p);
    const timer: Timer = { cancel: () => void this.pending.delete(p), unref: () => timer };
    return timer;
  }
}
