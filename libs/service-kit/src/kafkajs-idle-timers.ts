import { createRequire } from 'node:module';

/*
 * kafkajs 2.2.4, its last release, keeps a 1 ms timer going on every broker connection while nothing is
 * pending (kafkajs issues #1556, #1704, #1751; the fixes were never merged). scheduleCheckPendingRequests()
 * computes `throttledUntil - Date.now()`, and throttledUntil starts at -1, so the delay is negative. Node
 * clamps it to 1 ms and prints the TimeoutNegativeWarning seen in our logs. The callback then schedules the
 * next one, forever. Measured here: 32 ms of CPU a second in an idle kinesis or edge process.
 *
 * The patch below skips the schedule only when the queue is empty and not throttled. Nothing is waiting
 * then, and a request that is queued later schedules its own check (push → scheduleCheckPendingRequests).
 * With requests pending, or under broker throttling, kafkajs's own code runs unchanged.
 */

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const PATCHED = Symbol.for('wharf.kafkajs.idle-timers');

/** Patches kafkajs's RequestQueue once per process; a no-op when kafkajs is not installed. Returns whether it is patched. */
export function stopKafkajsIdleTimers(): boolean {
  let RequestQueue: { prototype: RequestQueueLike & { [PATCHED]?: true } };
  try {
    RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue');
  } catch {
    return false;
  }
  const proto = RequestQueue.prototype;
  if (proto[PATCHED]) return true;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueLike) {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    schedule.call(this);
  };
  proto[PATCHED] = true;
  return true;
}
