import type { Caller, Clock } from '@wharf/engine-kit';
import type { EndpointPolicy } from './endpoints';
import type { FifoStore, SnsBus, SnsStore } from './ports';
import type { SubscriptionRecord, TopicRecord } from './records';

/** What every SNS operation receives: shared metadata, the broker, FIFO state, time and ids. */
export interface SnsContext {
  store: SnsStore;
  bus: SnsBus;
  fifo: FifoStore;
  /** Time, and the waits of a FIFO publish behind another process' dedup reservation. */
  clock: Clock;
  endpoints: EndpointPolicy;
  newId(): string;
  newToken(): string;
  /** Names this process in dedup reservations. */
  instanceId: string;
  /** Told after an HTTP(S) subscription is removed (the app sends the UnsubscribeConfirmation). */
  onUnsubscribed?(sub: SubscriptionRecord, topic: TopicRecord | undefined): void;
}

/** A call through the signed API, not a bare GET of a SubscribeURL / UnsubscribeURL link. */
export function isAuthenticated(caller: Caller): boolean {
  return caller.accessKeyId !== undefined;
}

export const PAGE_SIZE = 100;
export const TOKEN_TTL_MS = 2 * 24 * 3600 * 1000;
