import { describe, expect, it } from 'vitest';
import { systemClock } from './clock';
import { ManualClock } from './testing';

describe('ManualClock', () => {
  it('fires timers in due order, each seeing its own due time', () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 200);
    clock.advance(150);
    expect(seen).toEqual(['a@1100']);
    expect(clock.now()).toBe(1150);
    clock.advance(100);
    expect(seen).toEqual(['a@1100', 'b@1200', 'c@1200']);
    expect(clock.timerCount).toBe(0);
  });

  it('repeats intervals and stops cancelled timers', () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const every = clock.setInterval(() => ticks++, 10);
    const never = clock.setTimeout(() => (ticks += 100), 5);
    never.cancel();
    clock.advance(35);
    expect(ticks).toBe(3);
    every.cancel();
    clock.advance(100);
    expect(ticks).toBe(3);
  });

  it('sleep resolves when time reaches it and rejects on abort', async () => {
    const clock = new ManualClock(0);
    let done = false;
    const slept = clock.sleep(50).then(() => (done = true));
    clock.advance(49);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await slept;
    expect(done).toBe(true);
    const abort = new AbortController();
    const aborted = clock.sleep(50, abort.signal);
    abort.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    expect(clock.timerCount).toBe(0);
  });
});

describe('systemClock', () => {
  it('sleeps on real time and can be cancelled', async () => {
    const started = Date.now();
    await systemClock.sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    let fired = false;
    systemClock.setTimeout(() => (fired = true), 5).cancel();
    await systemClock.sleep(20);
    expect(fired).toBe(false);
  });
});
