import { ManualClock } from '@wharf/engine-kit/testing';
import { describe, expect, it } from 'vitest';
import { MoveTaskMover } from './move-task-mover';
import type { SqsStore } from './ports';

describe('MoveTaskMover', () => {
  it('logs a failed pass and runs the next one instead of leaving the rejection unhandled', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const store = {
      activeMoveSources: async () => {
        calls++;
        throw new Error('Connection is closed.');
      },
    } as unknown as SqsStore;
    const warned: string[] = [];
    const ignore = () => undefined;
    const mover = new MoveTaskMover(store, clock, { debug: ignore, info: ignore, error: ignore, warn: (_o, msg) => warned.push(msg) });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      mover.start(100);
      for (let i = 0; i < 3; i++) {
        clock.advance(100);
        await new Promise((r) => setImmediate(r));
      }
      mover.stop();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(calls).toBe(3);
    expect(warned).toEqual(['message move pass failed', 'message move pass failed', 'message move pass failed']);
    expect(unhandled).toEqual([]);
  });
});
