import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from './context';
import { Errors } from './errors';
import { parseQueueUrl } from './names';
import { decodePayload, type Payload } from './payload';
import type { SqsInspector } from './ports';

/** One queue's numbers for the console: GetQueueAttributes' counts plus what AWS's API cannot tell. */
export interface QueueInspection {
  queueUrl: string;
  visible?: number;
  inFlight?: number;
  delayed?: number;
  /** Age of the oldest message (the console's "oldest message"); null when the queue is empty. */
  oldestAgeMs?: number | null;
  /** FIFO only: message groups with a message in flight (locked to a consumer); null on standard queues. */
  groupsInFlight?: number | null;
  error?: string;
}

export interface PeekedMessage {
  messageId: string;
  body: string;
  state: 'visible' | 'inflight' | 'delayed';
  receiveCount: number;
  sentMs: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  attributes?: Payload['attrs'];
}

export const MAX_INSPECTED_QUEUES = 100;
export const MAX_PEEKED = 100;

/** The numbers of up to 100 queues (the console asks for the rows in view); a queue's error stays on its row. */
export async function inspectQueues(ctx: SqsContext, inspector: SqsInspector, urls: string[], caller: Pick<Caller, 'accountId'>): Promise<QueueInspection[]> {
  if (urls.length > MAX_INSPECTED_QUEUES) throw Errors.invalidParameterValue(`At most ${MAX_INSPECTED_QUEUES} queues at once.`);
  const now = ctx.clock.now();
  return Promise.all(
    urls.map(async (queueUrl): Promise<QueueInspection> => {
      try {
        const s = await inspector.stats(parseQueueUrl(queueUrl, caller), now);
        if (!s) return { queueUrl, error: 'The specified queue does not exist.' };
        return {
          queueUrl,
          visible: s.visible,
          inFlight: s.notVisible,
          delayed: s.delayed,
          oldestAgeMs: s.oldestSentMs === undefined ? null : Math.max(0, now - s.oldestSentMs),
          groupsInFlight: s.groupsInFlight ?? null,
        };
      } catch (err) {
        return { queueUrl, error: (err as Error).message };
      }
    }),
  );
}

/** The oldest messages of a queue as they are: visibility, receive counts and group locks unchanged. */
export async function peekQueue(ctx: SqsContext, inspector: SqsInspector, url: string, max: number, caller: Pick<Caller, 'accountId'>): Promise<PeekedMessage[]> {
  if (!Number.isInteger(max) || max < 1 || max > MAX_PEEKED) throw Errors.invalidParameterValue(`max must be an integer from 1 to ${MAX_PEEKED}.`);
  const peeked = await inspector.peek(parseQueueUrl(url, caller), ctx.clock.now(), max);
  if (!peeked) throw Errors.queueDoesNotExist();
  return peeked.map((m) => {
    const p = decodePayload(m.payload);
    return {
      messageId: m.id,
      body: p.body,
      state: m.state,
      receiveCount: m.receiveCount,
      sentMs: p.sentMs,
      groupId: p.groupId,
      dedupId: p.dedupId,
      sequenceNumber: m.sequenceNumber,
      attributes: p.attrs,
    };
  });
}
