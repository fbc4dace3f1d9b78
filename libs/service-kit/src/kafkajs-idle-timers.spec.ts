import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { stopKafkajsIdleTimers } from './kafkajs-idle-timers';

const ignore = (): undefined => undefined;
// kafkajs's own RequestQueue (no broker needed: only its scheduling is exercised)
const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue');
const queue = () =>
  new RequestQueue({
    instrumentationEmitter: null,
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { debug: ignore, info: ignore, warn: ignore, error: ignore, namespace() { return this; } },
    isConnected: () => true,
  });

describe('kafkajs idle timers', () => {
  it('an empty, unthrottled queue no longer re-arms a 1 ms timer; a queue with work or a throttle still does', () => {
    const before = queue();
    before.scheduleCheckPendingRequests();
    // kafkajs as released: a timer even with nothing pending (the 1 ms loop)
    expect(before.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(before.throttleCheckTimeoutId);

    expect(stopKafkajsIdleTimers()).toBe(true);
    expect(stopKafkajsIdleTimers()).toBe(true); // once per process

    const idle = queue();
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();

    const busy = queue();
    busy.pending.push({});
    busy.scheduleCheckPendingRequests();
    expect(busy.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(busy.throttleCheckTimeoutId);

    const throttled = queue();
    throttled.throttledUntil = Date.now() + 50;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId);
  });
});
