import type { Clock } from '../clock';
import type { EndpointPolicy } from '../endpoints';
import type { FifoStore } from '../fifo';
import type { SnsBus, SnsStore, SubscriptionRecord, TopicRecord } from '../model';
import type { Scope } from '../names';

/** What the operations need: shared metadata, the broker, FIFO state, time and ids. */
export interface EngineDeps {
  store: SnsStore;
  bus: SnsBus;
  fifo: FifoStore;
  clock: Clock;
  endpoints: EndpointPolicy;
  newId(): string;
  newToken(): string;
  /** Names this process in dedup reservations. */
  instanceId: string;
  sleep(ms: number): Promise<void>;
  /** Told after an HTTP(S) subscription is removed (the app sends the UnsubscribeConfirmation). */
  onUnsubscribed?(sub: SubscriptionRecord, topic: TopicRecord | undefined): void;
}

/** The caller's account and region, and whether the request came through the signed API (not a bare GET). */
export interface CallContext extends Scope {
  authenticated: boolean;
}

export const PAGE_SIZE = 100;
export const TOKEN_TTL_MS = 2 * 24 * 3600 * 1000;
