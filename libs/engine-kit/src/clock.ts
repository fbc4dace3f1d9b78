/** A timer the clock started; `cancel` is safe to call twice or after it fired. */
export interface Timer {
  cancel(): void;
  /** Lets the process exit while the timer is pending (background work); returns the timer. */
  unref(): Timer;
}

/**
 * Time for an engine: the only way engine code reads the time or waits. Production uses `systemClock`;
 * unit tests use `ManualClock` (`@wharf/engine-kit/testing`) and move time by hand.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function wrap(handle: NodeJS.Timeout, clear: (h: NodeJS.Timeout) => void): Timer {
  const timer: Timer = {
    cancel: () => clear(handle),
    unref: () => {
      handle.unref();
      return timer;
    },
  };
  return timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => wrap(setTimeout(fn, ms), clearTimeout),
  setInterval: (fn, ms) => wrap(setInterval(fn, ms), clearInterval),
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

/** `sleep` in terms of a clock's own timers (shared by every Clock implementation). */
export function sleepOn(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
