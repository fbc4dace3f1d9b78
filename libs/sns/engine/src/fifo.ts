import { createHash } from 'node:crypto';

/** SNS FIFO: duplicates within five minutes of the first publish are accepted but not delivered. */
export const DEDUP_WINDOW_MS = 5 * 60 * 1000;
/** A reservation made before the broker confirms; a crashed publisher's reservation lapses after this. */
export const DEDUP_RESERVATION_MS = 15_000;

/** ContentBasedDeduplication: SHA-256 of the message body (not the attributes), hex. */
export function contentDeduplicationId(message: string): string {
  return createHash('sha256').update(message, 'utf8').digest('hex');
}

/** The dedup scope key: the whole topic, or the group with FifoThroughputScope=MessageGroup. */
export function dedupKey(topicArn: string, dedupId: string, groupId: string | undefined, scope: string | undefined): string {
  return scope === 'MessageGroup' ? `${topicArn}|g:${groupId ?? ''}|${dedupId}` : `${topicArn}|${dedupId}`;
}

/** SNS FIFO sequence numbers are 20-digit decimal strings, increasing per topic. */
export function formatSequenceNumber(counter: bigint | number): string {
  return (10n ** 19n + BigInt(counter)).toString();
}

export interface DedupRecord {
  state: 'pending' | 'committed';
  messageId: string;
  sequenceNumber?: string;
  /** Who reserved it (for release). */
  owner: string;
}

/**
 * Shared FIFO state (every sns process sees the same): deduplication records and per-topic counters.
 * The Redis store implements it; `MemoryFifoStore` serves unit tests.
 */
export interface FifoStore {
  /** Stores `record` if `key` is free and returns undefined; else returns what is there. */
  reserve(key: string, record: DedupRecord, ttlMs: number): Promise<DedupRecord | undefined>;
  /** Replaces the reservation with the committed record (full window). */
  commit(key: string, record: DedupRecord, ttlMs: number): Promise<void>;
  /** Drops a reservation this owner made (the publish failed). */
  release(key: string, owner: string): Promise<void>;
  get(key: string): Promise<DedupRecord | undefined>;
  nextSequence(topicArn: string): Promise<bigint>;
}
